"""Classified OFD, tampered sealed OFD, classified scan (PDF page → PNG via pdftoppm): python make_ofd_scan.py DIR"""
import pathlib
import subprocess
import sys
import tempfile

sys.path.insert(0, ".")
from tests import builder, ofd_builder

root = pathlib.Path(sys.argv[1]); edoc = root / "inbox" / "edoc"; scan = root / "inbox" / "scan"
edoc.mkdir(parents=True, exist_ok=True); scan.mkdir(parents=True, exist_ok=True)
fd = pathlib.Path(tempfile.mkdtemp())
s = builder.conformant_notice(secrecy="机密★1年")
s.title = s.title.replace("通知", "通知").replace("关于", "关于防汛工程午")  if hasattr(s, "title") else s
ofd_builder.write_ofd(s, edoc / "cls.ofd", fd)
t = builder.conformant_notice()
ofd_builder.write_ofd(t, edoc / "tampered.ofd", fd, seal=True, tamper=True)
u = builder.conformant_notice(secrecy="秘密★1年")
u.title = u.title.replace("关于", "关于防汛工程未")
pdf = builder.write_named_font_pdf(u, fd / "scan.pdf", fd)
subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf), str(scan / "cls-scan")], check=True)
print(s.title, u.title)
