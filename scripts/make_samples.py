"""Writes the bundled sample inbox (samples/inbox/) from the test builder, so it can be made again.

    .venv/bin/python scripts/make_samples.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import builder, scans  # noqa: E402
from tests.cases import OCR_BROKEN, OCR_CONFORMANT  # noqa: E402


def main() -> None:
    inbox = ROOT / "samples" / "inbox"
    for channel in ("edoc", "mail", "fax", "scan"):
        (inbox / channel).mkdir(parents=True, exist_ok=True)
    fonts = ROOT / "build" / "sample-fonts"
    builder.write_docx(builder.conformant_notice(), inbox / "edoc" / "筑教发2026-12号-冬季学校安全工作通知.docx")
    builder.write_named_font_pdf(builder.conformant_request(), inbox / "edoc" / "筑教呈2026-5号-校舍维修资金请示.pdf", fonts)
    builder.write_text(builder.conformant_report(), inbox / "mail" / "筑教呈2026-6号-开学工作报告.txt")
    returned = builder.conformant_report(
        doc_number="筑教呈[2026]第07号", signer=None, addressee="张市长：",
        title="贵阳市教育局关于2026年上半年工作情况的汇报",
        body=["现将我局2026年上半年工作情况汇报如下:", "一、主要工作", "全市新建改扩建学校12所，新增学位1.2万个。",
              "三、存在问题", "部分学校校舍老化，维修资金缺口较大，恳请市政府给予支持。", "以上汇报妥否，请批示。"],
        date="2026年07月01日", cc="抄送：各区（市、县）教育局。")
    builder.write_docx(returned, inbox / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx")
    write_classified_and_unruled(inbox)
    complete = builder.write_named_font_pdf(builder.conformant_notice(title="贵阳市教育局关于开展校园安全检查的通知"),
                                            ROOT / "build" / "complete.pdf", fonts)
    data = complete.read_bytes()
    (inbox / "edoc" / "传输中断-半截文件.pdf").write_bytes(data[: len(data) // 2])
    # paper: a fax of a conformant 请示 (204×98 dpi, G4) and a colour scan, with its red seal, of a faulty 汇报
    fax_pdf = builder.write_named_font_pdf(OCR_CONFORMANT, ROOT / "build" / "fax-source.pdf", fonts)
    pages = scans.render_pdf(fax_pdf, 300)
    scans.save_tiff([scans.fax(p, 300, seed=1) for p in pages], inbox / "fax" / "传真-筑教呈2026-5号-校舍维修资金请示.tif")
    scan_pdf = builder.write_named_font_pdf(OCR_BROKEN, ROOT / "build" / "scan-source.pdf", fonts)
    page = scans.add_seal(scans.render_pdf(scan_pdf, 200)[0], (142, 200), 200)
    scans.scan(page, seed=2).save(inbox / "scan" / "扫描件-上半年校舍维修工作汇报.jpg", quality=80, dpi=(200, 200))


def write_classified_and_unruled(inbox: Path) -> None:
    """A 机密 notice sent by e-mail (it must go to the 机要室 and stay out of the index), and a 函 that no
    routing rule covers (it goes to the 办公室 for a person, or wherever the routing model learned)."""
    classified = builder.conformant_notice(copy_number="000003", secrecy="机密★1年", doc_number="筑教发〔2026〕15号",
                                           title="贵阳市教育局关于做好2026年高考试卷保密管理工作的通知")
    write_mail(inbox / "mail" / "机密-筑教发2026-15号-高考试卷保密管理.eml",
               builder.write_docx(classified, ROOT / "build" / "机密-筑教发2026-15号-高考试卷保密管理.docx"))
    letter = builder.conformant_notice(
        issuer_mark="贵阳市交通运输局文件", doc_number="筑交函〔2026〕21号", signature="贵阳市交通运输局",
        title="贵阳市交通运输局关于商请协调农村公路养护资金的函", addressee="市人民政府办公厅：",
        body=["今年汛期，我市部分农村公路路面损毁、边坡塌方，桥涵亟需维修加固。", "经测算，全市农村公路养护资金缺口约3200万元。",
              "请协调相关部门统筹安排养护资金，确保群众安全出行。"],
        attachments=[], cc=None, print_line="贵阳市交通运输局办公室　　　　　　　2026年11月20日印发")
    from tests.ofd_builder import write_ofd  # an OFD (GB/T 33190) with an electronic seal, as 电子公文 arrive

    write_ofd(letter, inbox / "edoc" / "筑交函2026-21号-农村公路养护资金.ofd", ROOT / "build" / "sample-fonts", seal=True)


def write_mail(path: Path, attachment: Path) -> None:
    """A message from the 教育局's office with the 公文 attached, as the mail fetcher leaves it (.eml)."""
    from datetime import datetime, timedelta, timezone
    from email.message import EmailMessage
    from email.utils import format_datetime

    message = EmailMessage()
    message["From"] = "贵阳市教育局办公室 <bgs@jyj.guiyang.example>"
    message["To"] = "市政府办公厅收文 <swk@gov.guiyang.example>"
    message["Subject"] = "报送：关于做好2026年高考试卷保密管理工作的通知"
    message["Date"] = format_datetime(datetime(2026, 11, 20, 9, 30, tzinfo=timezone(timedelta(hours=8))))
    message["Message-ID"] = "<20261120093000.15@jyj.guiyang.example>"
    message.set_content("市政府办公厅：\n\n现报送《关于做好2026年高考试卷保密管理工作的通知》，请查收。\n\n贵阳市教育局办公室\n")
    message.add_attachment(attachment.read_bytes(), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename=attachment.name)
    path.write_bytes(bytes(message))


if __name__ == "__main__":
    main()
