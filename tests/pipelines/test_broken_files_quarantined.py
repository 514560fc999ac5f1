"""Broken or non-document files (损坏、非公文、不受理类型) end in 隔离 with a Chinese reason — never held or
returned with 退文 reasons (公文应有标题…) built from a few bytes that are no 公文: a .docx holding "not a zip", a
.doc holding "xx", an .exe. The batch goes on with the rest, and each original stays in the archive."""
from __future__ import annotations

import hashlib

import pytest

from extractors import UnusableInput
from pipelines.batch import run_batch
from pipelines.config import load
from pipelines.office import Office
from pipelines.review import review_bytes

NOTICE = "贵阳市教育局关于做好冬季学校安全工作的通知\n各县（市、区）教育局：\n请做好冬季学校安全工作。\n贵阳市教育局\n2026年11月20日\n"

BROKEN = {  # name: (content, code, what the reason must say)
    "损坏的公文.docx": (b"not a zip", "corrupt", "文件扩展名为 .docx，但内容不是 Word 文档（docx）"),
    "旧版.doc": (b"xx", "corrupt", "文件扩展名为 .doc，但内容不是 Word 97-2003 文档（doc）"),
    "病毒.exe": (b"MZ this program cannot be run", "unsupported", "不受理的文件类型（.exe）"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_validate_refuses_a_broken_or_unsupported_file_as_unreadable(name):
    data, code, said = BROKEN[name]
    with pytest.raises(UnusableInput) as caught:
        review_bytes(data, name, "edoc")
    assert caught.value.code == code
    assert caught.value.reason.startswith(said), caught.value.reason
    assert "标题" not in caught.value.reason and "成文日期" not in caught.value.reason


def test_a_text_notice_under_a_pdf_name_is_still_read_as_text():
    report = review_bytes(NOTICE.encode("utf-8"), "通知.pdf", "edoc")
    assert report["format"] == "txt"


def test_the_batch_quarantines_them_keeps_the_originals_and_goes_on(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0")
    root = tmp_path / "office"
    inbox = root / "inbox" / "edoc"
    inbox.mkdir(parents=True)
    for name, (data, _, _) in BROKEN.items():
        (inbox / name).write_bytes(data)
    (inbox / "冬季安全通知.txt").write_text(NOTICE, encoding="utf-8")
    config = load(root, environ={})
    run_batch(root, config=config)
    with Office.open(root, config, create=False) as office:
        rows = {r["file"]: r for r in office.ledger.rows()}
        for name, (data, _, said) in BROKEN.items():
            row = rows[name]
            assert row["status"] == "quarantined", row
            assert row["reason"].startswith(said), row["reason"]
            assert row["return_state"] in (None, ""), row
            kept = root / row["archive_path"]
            assert hashlib.sha256(kept.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()
            reasons = list((root / "quarantine").glob(f"*{name}.原因.txt"))
            assert reasons and said in reasons[0].read_text(encoding="utf-8")
        assert rows["冬季安全通知.txt"]["status"] not in ("quarantined", "failed"), rows["冬季安全通知.txt"]
