"""More places for a 密级 mark: docx header only, docx text box only, HTML-only mail, forwarded message/rfc822,
text with 35 navigation lines first. python make_more_classified.py DIR (writes DIR/inbox/{edoc,mail})"""
import email.message
import pathlib
import sys

import docx
from docx.oxml import parse_xml

root = pathlib.Path(sys.argv[1])
edoc, mail = root / "inbox" / "edoc", root / "inbox" / "mail"
edoc.mkdir(parents=True, exist_ok=True)
mail.mkdir(parents=True, exist_ok=True)
base = open("samples/inbox/mail/筑教呈2026-6号-开学工作报告.txt", encoding="utf-8").read()


def variant(word, mark=""):
    text = base.replace("秋季学期开学工作情况", word)
    return (mark + "\n\n" + text) if mark else text


# docx: 密级 only in the page header
d = docx.Document()
d.sections[0].header.paragraphs[0].text = "机密★1年"
for line in variant("鲲鹏计划甲").splitlines():
    d.add_paragraph(line)
d.save(edoc / "header-only.docx")

# docx: 密级 only in a text box (w:txbxContent inside a VML shape), as Word templates draw the 版头
d = docx.Document()
p = d.add_paragraph()
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml"'
p._p.append(parse_xml(
    f'<w:r {W}><w:pict><v:shape style="position:absolute;width:120pt;height:30pt"><v:textbox><w:txbxContent>'
    '<w:p><w:r><w:t>机密★1年</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))
for line in variant("鲲鹏计划乙").splitlines():
    d.add_paragraph(line)
d.save(edoc / "textbox-only.docx")

# text: 35 lines of web navigation before the mark
nav = "\n".join(f"导航栏目{i}" for i in range(35))
(edoc / "nav35.txt").write_text(nav + "\n" + variant("鲲鹏计划丙", "机密★1年"), encoding="utf-8")


def msg(subject):
    m = email.message.EmailMessage()
    m["From"] = "贵阳市教育局办公室 <bgs@jyj.example>"
    m["To"] = "sw@gov.example"
    m["Subject"] = subject
    m["Date"] = "Fri, 20 Nov 2026 09:30:00 +0800"
    return m


# HTML-only body
m = msg("通知")
html = "<html><body>" + "".join(f"<p>{line}</p>" for line in variant("鲲鹏计划丁", "机密★1年").splitlines()) + "</body></html>"
m.set_content(html, subtype="html")
(mail / "html-only.eml").write_bytes(bytes(m))

# forwarded: the classified message inside message/rfc822
inner = msg("原件")
inner.set_content("见附件")
inner.add_attachment(variant("鲲鹏计划戊", "机密★1年").encode(), maintype="text", subtype="plain", filename="正文.txt")
outer = msg("转发：原件")
outer.set_content("转发给你们。")
outer.add_attachment(inner)
(mail / "forwarded.eml").write_bytes(bytes(outer))
print("ok")
