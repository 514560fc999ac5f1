"""The one format registry (extractors/formats.py, seam S6, issue 16 strain 5): held against the report schema's
format enum, every format recognised from real bytes of its kind, and a format added at run time — an entry and a
reader, nothing else — detected and read by extract().

Expected values by hand: the schema (tests/data/validation-report.schema.json) lists docx, doc, wps, pdf, ofd, tiff,
png, jpeg, txt and "other"; a mail (eml) is a container, never a report's format.
"""
from __future__ import annotations

import email.message
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from extractors import extract, formats
from extractors.detect import detect_format
from extractors.layout import Document, Line, Page, Run
from tests import builder
from tests.ofd_builder import write_ofd

SCHEMA = Path(__file__).parents[1] / "data" / "validation-report.schema.json"


def test_the_registry_is_the_report_schemas_format_enum():
    enum = json.loads(SCHEMA.read_text(encoding="utf-8"))["properties"]["format"]["enum"]
    assert set(formats.names(is_document=True)) | {"other"} == set(enum)
    assert set(enum) == {"docx", "doc", "wps", "pdf", "ofd", "tiff", "png", "jpeg", "txt", "other"}


def test_each_format_says_what_the_system_may_do_with_it():
    assert formats.names(needs_ocr=True) == ("tiff", "png", "jpeg")
    assert set(formats.names(annex_readable=True)) == {"txt", "docx", "pdf", "ofd", "tiff", "png", "jpeg"}
    assert not formats.get("eml").is_document and formats.get("eml").kind == formats.CONTAINER
    assert formats.get("wps").zh == "WPS 文字文档（wps）" and formats.NAMES_ZH["ofd"] == "OFD 版式文件"
    assert formats.by_extension(".PDF").name == "pdf"
    assert formats.by_extension("附件1.JPG").name == "jpeg"
    assert formats.by_extension("tif").name == "tiff"
    assert formats.by_extension(".xlsx") is None
    with pytest.raises(KeyError):
        formats.get("xlsx")


def _image(kind: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}[kind])
    return buf.getvalue()


def test_every_format_is_recognised_from_real_bytes_of_its_kind(tmp_path):
    spec = builder.conformant_notice()
    message = email.message.EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@b.example", "c@d.example", "通知"
    message.set_content(builder.to_text(spec))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    samples = {
        "docx": builder.write_docx(spec, tmp_path / "a.docx").read_bytes(),
        "pdf": builder.write_named_font_pdf(spec, tmp_path / "a.pdf", tmp_path / "fonts").read_bytes(),
        "ofd": write_ofd(spec, tmp_path / "a.ofd", tmp_path / "fonts").read_bytes(),
        "doc": ole + "WordDocument".encode("utf-16-le"),
        "wps": ole + "WordDocument".encode("utf-16-le") + "Kingsoft".encode("utf-16-le"),
        "png": _image("png"), "jpeg": _image("jpeg"), "tiff": _image("tiff"),
        "txt": builder.to_text(spec).encode("gb18030"),
        "eml": bytes(message),
    }
    assert set(samples) == set(formats.FORMATS)
    for name, data in samples.items():
        assert detect_format(data) == name, name


# a format added at run time: an entry in the registry and its reader, nothing else --------------------------------
MAGIC = b"GWXML1\n"  # an invented 公文 exchange format: a magic line, then one line of text a line


def read_gwxml(data: bytes, fmt: str, ocr: bool = True) -> Document:
    """The invented format's reader: the lines after the magic."""
    text = data[len(MAGIC):].decode("utf-8")
    page = Page(number=1, lines=[Line(runs=[Run(text=t)]) for t in text.splitlines() if t.strip()])
    return Document(format=fmt, pages=[page])


def test_a_new_format_needs_a_registry_entry_and_a_reader_only(monkeypatch):
    data = MAGIC + builder.to_text(builder.conformant_notice()).encode("utf-8")
    assert detect_format(data) == "txt"  # before: read as text, magic line and all
    entry = formats.Format("gwxml", "公文交换文件（gwxml）", (".gwxml",), ("application/x-gwxml",),
                           "tests.extractors.test_formats:read_gwxml", False, True, True, formats.EDOC, magic=(MAGIC,))
    monkeypatch.setitem(formats.FORMATS, "gwxml", entry)
    monkeypatch.setitem(formats.NAMES_ZH, "gwxml", entry.zh)
    assert detect_format(data) == "gwxml"
    document = extract(data)
    assert document.format == "gwxml"
    assert document.lines[0].text == "贵阳市教育局文件"
    assert formats.by_extension("通知.GWXML") is entry and "gwxml" in formats.names(kind=formats.EDOC)


def test_the_callers_ask_the_registry():
    """The lists that used to be written out in seven places are the registry's answers."""
    from extractors.mail import parse
    from pipelines import review, workers
    from validators import report

    assert report.FORMATS == formats.names(is_document=True)
    assert workers.IMAGE_FORMATS == formats.names(needs_ocr=True)
    assert review.ANNEX_FORMATS == formats.names(annex_readable=True)
    assert parse.E_DOCUMENTS == ("ofd", "pdf", "docx", "wps", "doc") and parse.IMAGES == ("tiff", "png", "jpeg")
    assert parse.DOCUMENT_NAME.search("通知.DOCX") and parse.DOCUMENT_NAME.search("扫描.jpg")
    assert not parse.DOCUMENT_NAME.search("说明.txt")
    assert "application/ofd" in parse.DOCUMENT_TYPES and "image/tiff" in parse.DOCUMENT_TYPES
