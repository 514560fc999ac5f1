"""A 密级 said only in a mail's subject (主题：机密★1年 ……) or at the head of the file's name (机密★1年-…docx), on a
document whose text carries no mark: the sender says it is classified, so the batch must not return it (a 退文 of a
classified paper through an open channel) nor index it for every clerk; it is held for the 机要员 (待机要员核定),
who reads it and releases it if it is open. Found by the tryout of 2026-12-06: such a mail was 退文'd and its text
was searchable by the clerk and the leader. Right values written by hand."""
from __future__ import annotations

import io
from email.message import EmailMessage

import docx
import pytest

from extractors.secrecy import level_named
from pipelines.batch import run_batch
from pipelines.ledger import SQLiteLedger


@pytest.mark.parametrize("name, level", [
    ("机密★1年 关于水库安全的通知", "机密"), ("机密：关于核设施检查的通知", "机密"),
    ("秘密-筑公发2026-12号-名单.pdf", "秘密"), ("【绝密】布防图.docx", "绝密"), ("转发：机 密★6个月 通知", "机密"),
    ("关于加强机密文件管理的通知", None), ("保密工作要点.docx", None), ("秘密通道改造工程的请示.docx", None),
    ("筑教发2026-12号-冬季学校安全工作通知.docx", None), ("", None), (None, None)])
def test_a_level_at_the_head_of_a_name_or_subject_is_read(name, level):
    assert level_named(name) == level


def _plain_docx() -> bytes:
    d = docx.Document()
    for line in ["贵阳市水务局关于水库安全检查的通知", "筑水发〔2026〕8号", "市政府办公室：", "现将水库安全检查安排通知如下。",
                 "贵阳市水务局", "2026年11月28日"]:
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_a_mail_whose_subject_says_classified_is_held_not_returned_nor_indexed(tmp_path):
    root = tmp_path / "office"
    (root / "inbox" / "mail").mkdir(parents=True)
    (root / "inbox" / "edoc").mkdir(parents=True)
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "jy@sw.example.cn", "swb@gov.example.cn", "机密★1年 关于水库安全的通知"
    m.set_content("请查收。")
    m.add_attachment(_plain_docx(), maintype="application", filename="水库安全检查.docx",
                     subtype="vnd.openxmlformats-officedocument.wordprocessingml.document")
    (root / "inbox" / "mail" / "水库.eml").write_bytes(bytes(m))
    (root / "inbox" / "edoc" / "机密★1年-水库安全检查.docx").write_bytes(_plain_docx() + b"")
    run_batch(root)
    rows = SQLiteLedger(root / "ledger.sqlite3").rows()
    assert len(rows) == 2
    for row in rows:
        assert row["status"] == "held", row
    assert not list((root / "outbox").rglob("*退文通知单*"))
    from index import open_index
    assert open_index(root).search("水库") == []


def test_an_unreadable_file_whose_name_or_subject_says_classified_is_held_not_put_in_the_clerks_quarantine(
        tmp_path, monkeypatch):
    """Its name is often its title: the shared 隔离区 (the clerk's and the leader's) would show it. Held for the
    机要员 instead; released by the 机要员 (not classified after all), it goes to the 隔离区 as any unreadable file."""
    from pipelines import desk
    from pipelines.actors import Actor
    from pipelines.config import load
    from pipelines.office import Office

    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0.1")
    root = tmp_path / "office"
    (root / "inbox" / "mail").mkdir(parents=True)
    (root / "inbox" / "edoc").mkdir(parents=True)
    (root / "inbox" / "edoc" / "秘密-筑公发2026-12号-名单.pdf").write_bytes(b"\x07junk" * 600)
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "jy@gaj.example.cn", "swb@gov.example.cn", "机密：关于核设施检查的通知"
    m.set_content("附件为机密文件，请机要员查收。")
    m.add_attachment(b"\x07junk" * 400, maintype="application", subtype="pdf", filename="核设施检查.pdf")
    (root / "inbox" / "mail" / "核设施.eml").write_bytes(bytes(m))
    run_batch(root, config=load(root, environ={}))
    rows = {r["file"]: r for r in SQLiteLedger(root / "ledger.sqlite3").rows()}
    assert {name: r["status"] for name, r in rows.items()} == {"秘密-筑公发2026-12号-名单.pdf": "held",
                                                               "核设施.eml": "held"}
    assert "文件名标有“秘密”" in rows["秘密-筑公发2026-12号-名单.pdf"]["reason"]
    assert "邮件主题标有“机密”" in rows["核设施.eml"]["reason"]
    assert not any((root / "quarantine").glob("*")) if (root / "quarantine").exists() else True
    with Office.open(root, load(root, environ={}), create=False) as office:
        assert desk.quarantine(office, actor=Actor("wang", "clerk")) == [] or not any(
            "秘密" in str(r) or "核设施" in str(r) for r in desk.quarantine(office, actor=Actor("wang", "clerk")))
        desk.release(office, rows["秘密-筑公发2026-12号-名单.pdf"]["number"], "核定：非涉密",
                     actor=Actor("li", "confidential"))
        assert office.ledger.get(rows["秘密-筑公发2026-12号-名单.pdf"]["id"])["status"] == "quarantined"
