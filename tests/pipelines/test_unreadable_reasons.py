"""A quarantine reason is the clerk's and the sender's: Chinese only. It ended in the library's exception class
(…（BadZipFile）, …：OSError) in about a dozen readers (review, desk27); the technical cause is now the
UnusableInput's detail, logged and written under the reason in the quarantine's .原因.txt for the administrator."""
from __future__ import annotations

import io
import logging
import os
import re
import time
import zipfile

import pytest

from ..environment import office_only

CLASS_NAME = re.compile(r"[A-Z][a-z]+[A-Z]\w*|Error|Exception|Warning")  # BadZipFile, OSError, XMLSyntaxError …


@pytest.fixture(autouse=True)
def own_configuration(monkeypatch):
    office_only(monkeypatch)


def _zip(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _image(fmt: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((600, 600), 50).convert("RGB").save(out, fmt)
    return out.getvalue()


DAMAGED = {  # name: (bytes, the exception class the detail names)
    "zip-not-a-zip": (b"PK\x03\x04" + b"\x17" * 500, "BadZipFile"),
    "docx-broken-xml": (_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document><w:body"}),
                        "Error"),
    "ofd-broken-xml": (_zip({"OFD.xml": "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'><broken"}), "XMLSyntaxError"),
    "pdf-unopenable": (b"%PDF-1.4\n" + b"\x00garbage" * 50 + b"\n%%EOF\n", "PdfiumError"),
    "jpeg-cut": (_image("JPEG")[:6000], "OSError"),
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_an_unreadable_files_reason_is_chinese_and_its_cause_is_the_detail(name):
    from extractors import UnusableInput, extract

    data, cause = DAMAGED[name]
    with pytest.raises(UnusableInput) as unusable:
        extract(data, ocr=False)
    reason, detail = unusable.value.reason, unusable.value.detail
    assert re.search(r"[\u4e00-\u9fff]", reason) and not CLASS_NAME.search(reason), reason
    assert detail and cause in detail, detail


def test_a_quarantined_files_reason_is_chinese_and_the_detail_goes_to_the_record_and_the_log(tmp_path, caplog):
    from pipelines.batch import run_batch
    from pipelines.config import load
    from pipelines.ledger import SQLiteLedger

    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    cut = root / "inbox" / "edoc" / "半截.docx"
    cut.write_bytes(DAMAGED["zip-not-a-zip"][0])
    yesterday = time.time() - 86400  # a transfer that broke off long ago: quarantined, not awaited
    os.utime(cut, (yesterday, yesterday))
    with caplog.at_level(logging.WARNING, logger="shouwen"):
        run_batch(root, config=load(root, environ={}))
    (row,) = SQLiteLedger(root / "ledger.sqlite3").rows()
    assert row["status"] == "quarantined" and "压缩包结构损坏" in row["reason"]
    assert not CLASS_NAME.search(row["reason"]), row["reason"]
    (record,) = (root / "quarantine").glob("*.原因.txt")
    first, *rest = record.read_text(encoding="utf-8").splitlines()
    assert first == row["reason"] and "技术细节（供系统管理员）：BadZipFile: File is not a zip file" in rest
    assert any("BadZipFile" in r.getMessage() and row["number"] in r.getMessage() for r in caplog.records)
