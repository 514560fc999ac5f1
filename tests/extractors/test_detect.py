"""Format detection reads the content, never the file name."""
from __future__ import annotations

import pytest

from extractors import UnusableInput, detect_format, extract
from extractors.convert import convert_files

from .. import builder


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("detect")
    spec = builder.conformant_request()
    docx = builder.write_docx(spec, d / "request.docx")
    named = builder.write_named_font_pdf(spec, d / "request.pdf", d / "fonts")
    doc = convert_files([docx], "doc:MS Word 97", d / "doc", timeout=300)
    return {"docx": docx, "pdf": named, "doc": doc[0] if doc else None, "text": builder.to_text(spec)}


def test_lying_extensions_are_read_right(files, tmp_path):
    as_pdf = tmp_path / "really-a-docx.pdf"
    as_pdf.write_bytes(files["docx"].read_bytes())
    as_txt = tmp_path / "really-a-pdf.txt"
    as_txt.write_bytes(files["pdf"].read_bytes())
    assert detect_format(as_pdf.read_bytes()) == "docx"
    assert detect_format(as_txt.read_bytes()) == "pdf"
    assert "请示" in extract(as_pdf.read_bytes()).text()
    assert "请示" in extract(as_txt.read_bytes()).text()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_text_in_utf8_and_gb18030(files, encoding):
    data = files["text"].encode(encoding)
    assert detect_format(data) == "txt"
    document = extract(data)
    assert document.format == "txt" and not document.geometry
    assert "贵阳市教育局关于拨付2026年校舍维修专项资金的请示" in document.text()


def test_images_and_ofd_are_recognised_and_explained():
    import io

    from PIL import Image

    for fmt, pil in (("png", "PNG"), ("jpeg", "JPEG"), ("tiff", "TIFF")):
        buf = io.BytesIO()
        Image.new("L", (20, 20), 255).save(buf, pil)
        assert detect_format(buf.getvalue()) == fmt
        with pytest.raises(UnusableInput) as info:
            extract(buf.getvalue())
        assert info.value.code == "empty" and "没有识别出文字" in info.value.reason  # a blank image, read by OCR
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    assert detect_format(buf.getvalue()) == "ofd"


def test_ole_documents_doc_and_wps():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
    assert detect_format(ole + "WordDocument".encode("utf-16-le")) == "doc"
    assert detect_format(ole + "WordDocument".encode("utf-16-le") + "Kingsoft".encode("utf-16-le")) == "wps"
    with pytest.raises(UnusableInput) as info:
        detect_format(ole + "EncryptedPackage".encode("utf-16-le"))
    assert info.value.code == "encrypted"


def test_word97_doc_is_converted_by_libreoffice_and_reviewed(files):
    if files["doc"] is None:
        pytest.skip("LibreOffice could not write a .doc here")
    data = files["doc"].read_bytes()
    assert detect_format(data) == "doc"
    document = extract(data)
    assert document.format == "doc"
    assert any("LibreOffice" in n for n in document.notes)
    assert "妥否，请批示。" in document.text()


def test_unknown_binary_is_a_clear_error():
    with pytest.raises(UnusableInput) as info:
        detect_format(bytes(range(256)) * 10)
    assert info.value.code == "unsupported" and "无法识别" in info.value.reason


def test_a_file_just_over_the_size_bound_is_not_said_to_be_the_bound(monkeypatch):
    """Found by the tryout of 2026-12-06: a 210,000,016-byte PDF was quarantined as "文件过大（200 MB，上限 200 MB）" —
    a size equal to its bound. The size is said to a tenth of a MB (bound 1 MB here; 1.25 MiB → 1.3 MB)."""
    import extractors.detect as detect

    monkeypatch.setattr(detect, "MAX_FILE_BYTES", 1024 * 1024)
    with pytest.raises(UnusableInput) as caught:
        detect_format(b"%PDF-1.4\n" + b"\0" * (1024 * 1024 + 262144))
    assert "文件过大（1.3 MB，上限 1 MB）" in caught.value.reason
