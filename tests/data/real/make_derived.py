"""Writes the derived inputs of the real corpus (tests/data/real/docs/d*.{txt,docx,pdf}) from the real texts.

Each derived file is one real text in a shape documents arrive in: a forwarded mail body, a web page with its
crumbs trimmed, a PDF text layer with Kangxi radicals, full-width digits, ASCII punctuation as a scraper
leaves it, a docx typeset by python-docx (tests/builder.py) and that docx rendered to PDF by LibreOffice.
The right values of a derived file are those of the real text it comes from (written by hand in
expected.toml), never shouwen's output. The files are committed; run this again only to remake them:

    /work/main/.venv/bin/python tests/data/real/make_derived.py      (from the repository root)
"""
from __future__ import annotations

import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from extractors.convert import convert_files  # noqa: E402
from tests import builder  # noqa: E402

DOCS = Path(__file__).resolve().parent / "docs"


def real(prefix: str) -> str:
    (path,) = DOCS.glob(prefix + "-*.txt")
    return path.read_text(encoding="utf-8")


# Kangxi radicals (U+2F00–U+2FD5) that PDF producers put in the text layer for the ordinary ideograph
# with the same shape; NFKC maps each back, which is how this table is built.
KANGXI = {unicodedata.normalize("NFKC", chr(cp)): chr(cp) for cp in range(0x2F00, 0x2FD6)}


def kangxi(text: str, chars: str = "一人日月文大工力方生用行见高长门") -> str:
    return "".join(KANGXI.get(ch, ch) if ch in chars else ch for ch in text)


FULLWIDTH = {ord(d): 0xFF10 + int(d) for d in "0123456789"}
ASCII_PUNCT = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";"})


def mail(body: str, subject: str, sender: str, greeting: str) -> str:
    return (f"{greeting}\n\n转发如下，请查收。\n\n"
            f"-------- 转发的邮件 --------\n发件人: {sender}\n发送时间: 2019年1月22日 9:14\n"
            f"主题: {subject}\n\n{body}")


def write(name: str, text: str) -> None:
    (DOCS / name).write_text(text, encoding="utf-8")


def main() -> None:
    r01, r02, r09, r16, r17, r06 = (real(p) for p in ("r01", "r02", "r09", "r16", "r17", "r06"))

    write("d01-陆府通2019-2-转发邮件正文.txt",
          mail(r17, "转发：陆丰市人民政府关于春节元宵期间禁止燃放烟花爆竹孔明灯的通告", "陆丰市政府办公室 <example@invalid>",
               "各位同事："))
    # 金昌: the web page's info table dropped, the 发文字号 and 标题 put on top, every digit full-width
    lines = r16.splitlines()
    body = lines[5:]
    write("d02-金政发2025-33-全角数字.txt",
          "\n".join(["金政发〔2025〕33号", "金昌市人民政府关于印发《金昌市创建全国法治政府建设示范市实施方案》的通知"] + body)
          .translate(FULLWIDTH) + "\n")
    write("d03-沪府发2017-92-康熙部首.txt", kangxi(r01))
    # 岳阳: the page's crumbs, source line and the number glued to the title trimmed, the way a clerk tidies it
    kept = [ln for ln in r02.splitlines()[3:] if not ln.startswith(("来源:", "视力保护色", "浏览量"))]
    kept[0] = kept[0].replace("(岳办发〔2017〕2号)", "")
    write("d04-岳办发2017-2-去导航.txt", "岳办发〔2017〕2号\n" + "\n".join(kept) + "\n")
    # 湖南: no 版头 (copied from the body of a page), the title above the number
    h = r09.splitlines()
    write("d05-湘政办发2009-24-标题在文号前.txt", "\n".join([h[2], h[3], h[1]] + h[4:]) + "\n")
    write("d06-泉州-日期写作二00七.txt", r06.replace("二○○七年二月十二日", "二00七年二月十二日"))
    write("d07-陆府通2019-2-半角标点.txt", r17.translate(ASCII_PUNCT))
    write("d13-国务院令238-转发邮件正文.txt",
          mail(real("r03"), "转发：国务院令第238号《生猪屠宰管理条例》", "市政府办公室 <example@invalid>", "王科长："))
    # 国发〔2023〕16号 with its title broken before the 文种, which then stands alone on the second line
    r08 = real("r08").splitlines()
    write("d14-国发2023-16-文种单独一行.txt",
          "\n".join(["国务院关于推动内蒙古高质量发展奋力书写中国式现代化新篇章的", "意见"] + r08[2:]) + "\n")

    specs = {
        "d08-沪府发2017-92": builder.Spec(
            issuer_mark="上海市人民政府文件", doc_number="沪府发〔2017〕92号",
            title="上海市人民政府印发《关于本市加强政务诚信建设的实施意见》的通知",
            addressee="各区人民政府，市政府各委、办、局：",
            body=["现将《关于本市加强政务诚信建设的实施意见》印发给你们，请认真按照执行。"],
            attachments=[], signature="上海市人民政府", date="2017年12月20日", cc=None, print_line=None),
        "d10-陆府通2019-2": builder.Spec(
            issuer_mark="陆丰市人民政府", doc_number="陆府通〔2019〕2号",
            title=r17.splitlines()[0], addressee=None, body=r17.splitlines()[2:8],
            attachments=[], signature="陆丰市人民政府", date="2019年1月21日", cc=None, print_line=None),
        "d12-沪府发2017-92-康熙部首": builder.Spec(
            issuer_mark="上海市人民政府文件", doc_number="沪府发〔2017〕92号",
            title=kangxi("上海市人民政府印发《关于本市加强政务诚信建设的实施意见》的通知"),
            addressee=kangxi("各区人民政府，市政府各委、办、局："),
            body=[kangxi("现将《关于本市加强政务诚信建设的实施意见》印发给你们，请认真按照执行。")],
            attachments=[], signature=kangxi("上海市人民政府"), date=kangxi("2017年12月20日"), cc=None,
            print_line=None),
    }
    with tempfile.TemporaryDirectory() as tmp:
        docx_paths = []
        for stem, spec in specs.items():
            path = builder.write_docx(spec, Path(tmp) / f"{stem}.docx")
            docx_paths.append(path)
            if not stem.startswith("d12"):
                (DOCS / f"{stem}-python-docx.docx").write_bytes(path.read_bytes())
        for pdf in convert_files(docx_paths, "pdf", Path(tmp) / "pdf"):
            stem = pdf.stem
            number = {"d08": "d09", "d10": "d11", "d12": "d12"}[stem[:3]]
            (DOCS / f"{number}{stem[3:]}-LibreOffice.pdf").write_bytes(pdf.read_bytes())


if __name__ == "__main__":
    main()
