"""Writes the tryout's hostile/odd inputs into DIR/inbox/... (python make_inputs.py DIR)."""
import email.message
import os
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
edoc, mail, scan = (root / "inbox" / c for c in ("edoc", "mail", "scan"))
for d in (edoc, mail, scan):
    d.mkdir(parents=True, exist_ok=True)

def doc(topic, num, head="", issuer="贵阳市水务局"):
    return f"""{head}{issuer}

　筑水呈〔2026〕{num}号 签发人：李明

{issuer}关于{topic}的报告

贵阳市人民政府：
　　按照市人民政府工作部署，我局认真做好{topic}各项工作，现将有关情况报告如下。
　　一、基本情况
　　全市水库运行平稳，{topic}已全部完成。
　　特此报告。


{issuer}
2026年11月20日

　　（联系人：王明，电话：0851-85551234）
{issuer}办公室　　　　　　　2026年11月20日印发
"""

# held: unreadable 密级
(edoc / "held-unreadable.txt").write_text(doc("水库防汛演练甲", 101, "密级：▇▇\n\n"), encoding="utf-8")
# classified variants (each topic word unique so search can look for it)
variants = {
    "cls-spaced.txt": ("潜龙工程甲", "机 密 ★ 1年\n\n"),
    "cls-ideospace.txt": ("潜龙工程乙", "秘　　密★5年\n\n"),
    "cls-zwsp.txt": ("潜龙工程丙", "机\u200b密★1年\n\n"),
    "cls-bracket.txt": ("潜龙工程丁", "【机密】\n\n"),
    "cls-asciicolon.txt": ("潜龙工程戊", "密级:绝密\n\n"),
    "cls-fenhao.txt": ("潜龙工程己", "000123\n秘密★3年\n特急\n\n"),
    "cls-jimiji.txt": ("潜龙工程庚", "机密级\n\n"),
    "cls-fullwidth-star.txt": ("潜龙工程辛", "机密＊1年\n\n"),
    "cls-inline.txt": ("潜龙工程壬", "秘密 特急\n\n"),
    "cls-nbsp.txt": ("潜龙工程癸", "机\u00a0密★1年\n\n"),
    "cls-jinji.txt": ("潜龙工程子", "机密★长期\n\n"),
    "cls-kangxi.txt": ("潜龙工程丑", "机密 ★ 一年\n\n"),
}
for i, (name, (topic, head)) in enumerate(variants.items()):
    (edoc / name).write_text(doc(topic, 200 + i, head), encoding="utf-8")
# web copy: title first, nav lines, 密级 after metadata lines
web = "当前位置：首页 > 政务公开 > 通知公告\n来源：贵阳市水务局  发布时间：2026-11-20  浏览次数：123\n" + doc("潜龙工程寅", 230, "机密★1年\n")
(edoc / "cls-web.txt").write_text(web, encoding="utf-8")

# mail body classified (no attachment)
m = email.message.EmailMessage()
m["From"] = "贵阳市水务局办公室 <bgs@sw.example>"; m["To"] = "sw@gov.example"; m["Subject"] = "转发"; m["Date"] = "Fri, 20 Nov 2026 09:30:00 +0800"
m.set_content(doc("潜龙工程卯", 240, "机密★1年\n\n"))
(mail / "cls-body.eml").write_bytes(bytes(m))
# mail with 50 attachments
m = email.message.EmailMessage()
m["From"] = "x@y.example"; m["To"] = "sw@gov.example"; m["Subject"] = "五十个附件"; m["Date"] = "Fri, 20 Nov 2026 09:30:00 +0800"
m.set_content("请查收")
m.add_attachment(doc("水库防汛演练乙", 102).encode("utf-8"), maintype="text", subtype="plain", filename="正文.txt")
for i in range(49):
    m.add_attachment(b"x" * 100, maintype="application", subtype="octet-stream", filename=f"附件{i}.bin")
(mail / "fifty.eml").write_bytes(bytes(m))

# docx with 密级 in a table cell
try:
    import docx
    d = docx.Document()
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "000321"; t.cell(0, 1).text = "机密★1年"
    for line in doc("潜龙工程辰", 250).splitlines():
        d.add_paragraph(line)
    d.save(edoc / "cls-table.docx")
    d = docx.Document()
    for line in doc("潜龙工程巳", 251, "机密★1年\n").splitlines():
        d.add_paragraph(line)
    d.sections[0].header.paragraphs[0].text = "机密★1年"
    d.save(edoc / "cls-header.docx")
except Exception as e:
    print("docx", e)

# empty, corrupt, encrypted zip
(edoc / "empty.docx").write_bytes(b"")
(edoc / "corrupt.docx").write_bytes(b"PK\x03\x04" + os.urandom(3000))
# 200 MB sparse
with open(edoc / "huge.pdf", "wb") as f:
    f.write(b"%PDF-1.4\n"); f.truncate(200 * 1024 * 1024)
# odd names
(edoc / "new\nline.txt").write_text(doc("水库防汛演练丙", 103), encoding="utf-8")
(edoc / "esc\x1b[31mred\x1b[0m.txt").write_text(doc("水库防汛演练丁", 104), encoding="utf-8")
long = "长" * 80 + ".txt"   # 243 bytes
(edoc / long).write_text(doc("水库防汛演练戊", 105), encoding="utf-8")
(edoc / ("\u202eevil.txt")).write_text(doc("水库防汛演练己", 106), encoding="utf-8")
# symlinks outside the data root
os.symlink("/etc/passwd", edoc / "link-passwd.txt")
os.symlink("/work/wt/tryout2/samples/inbox/edoc", edoc / "link-dir")
os.link if False else None
# web-page copy with junk
(edoc / "webcopy.txt").write_text("当前位置：首页 > 政务公开\n分享到：微信 微博\n【字体：大 中 小】 打印本页 关闭窗口\n" + doc("水库防汛演练庚", 107) + "\n版权所有：贵阳市水务局 ICP备12345号\n", encoding="utf-8")
print("ok")
