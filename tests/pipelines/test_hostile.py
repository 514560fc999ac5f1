"""Bad and hostile input: each ends with exit 2 and a Chinese reason, without a crash, and the batch goes on."""
from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from extractors import UnusableInput, extract

from .. import builder

CJK = lambda s: any("\u4e00" <= ch <= "\u9fff" for ch in s)  # noqa: E731


def _cli(*args, timeout=600):  # generous: a CLI start on a shared machine at load 20 takes minutes
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=Path(__file__).resolve().parents[2])


@pytest.fixture(scope="module")
def good_docx(tmp_path_factory) -> Path:
    return builder.write_docx(builder.conformant_notice(), tmp_path_factory.mktemp("good") / "good.docx")


@pytest.fixture(scope="module")
def good_pdf(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("goodpdf")
    return builder.write_named_font_pdf(builder.conformant_request(), d / "good.pdf", d / "fonts")


def _rezip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in replace.items():
            if name not in zin.namelist():
                zout.writestr(name, data)
    return target


def zip_bomb(good_docx: Path, tmp: Path) -> Path:
    """word/media holding 50 MB of zeros: deflate squeezes it a thousandfold."""
    return _rezip(good_docx, tmp / "bomb.docx", {"word/media/image1.bin": b"\0" * 50_000_000})


def entity_bomb(good_docx: Path, tmp: Path) -> Path:
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)) + \
        b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    return _rezip(good_docx, tmp / "entities.docx", {"word/document.xml": laughs})


def deep_xml(good_docx: Path, tmp: Path) -> Path:
    nested = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + \
        b"<w:tbl><w:tr><w:tc>" * 400 + b"<w:p/>" + b"</w:tc></w:tr></w:tbl>" * 400 + b"</w:body></w:document>"
    return _rezip(good_docx, tmp / "deep.docx", {"word/document.xml": nested})


def encrypted_pdf(good_pdf: Path, tmp: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(good_pdf))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    target = tmp / "encrypted.pdf"
    with target.open("wb") as fh:
        writer.write(fh)
    return target


HOSTILE = {
    "empty": lambda g, p, t: (t / "empty.docx").write_bytes(b"") and None or t / "empty.docx",
    "zip-bomb": lambda g, p, t: zip_bomb(g, t),
    "xml-entities": lambda g, p, t: entity_bomb(g, t),
    "xml-too-deep": lambda g, p, t: deep_xml(g, t),
    "truncated-pdf": lambda g, p, t: (t / "cut.pdf").write_bytes(p.read_bytes()[: p.stat().st_size // 2]) and t / "cut.pdf",
    "encrypted-pdf": lambda g, p, t: encrypted_pdf(p, t),
    "garbage-with-zip-magic": lambda g, p, t: (t / "junk.docx").write_bytes(b"PK\x03\x04" + b"\x17" * 5000) and t / "junk.docx",
    "binary-noise": lambda g, p, t: (t / "noise.txt").write_bytes(bytes(range(256)) * 40) and t / "noise.txt",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_input_is_refused_in_chinese(kind, good_docx, good_pdf, tmp_path):
    path = HOSTILE[kind](good_docx, good_pdf, tmp_path)
    with pytest.raises(UnusableInput) as info:
        extract(path.read_bytes())
    assert CJK(info.value.reason), info.value.reason
    result = _cli("validate", path)
    assert result.returncode == 2, result.stderr
    assert CJK(result.stderr) and "Traceback" not in result.stderr, result.stderr


def test_reasons_name_the_hazard(good_docx, good_pdf, tmp_path):
    reasons = {}
    for kind in ("zip-bomb", "xml-entities", "encrypted-pdf", "truncated-pdf", "empty"):
        try:
            extract(HOSTILE[kind](good_docx, good_pdf, tmp_path).read_bytes())
        except UnusableInput as exc:
            reasons[kind] = (exc.code, exc.reason)
    assert reasons["zip-bomb"][0] == "hostile" and "压缩" in reasons["zip-bomb"][1]
    assert reasons["xml-entities"][0] == "hostile" and "实体" in reasons["xml-entities"][1]
    assert reasons["encrypted-pdf"][0] == "encrypted" and "加密" in reasons["encrypted-pdf"][1]
    assert reasons["truncated-pdf"][0] == "corrupt" and "截断" in reasons["truncated-pdf"][1]
    assert reasons["empty"][0] == "empty" and "为空" in reasons["empty"][1]


def test_one_bad_file_does_not_stop_the_others(good_docx, good_pdf, tmp_path):
    bomb = zip_bomb(good_docx, tmp_path)
    result = _cli("validate", "--format", "json", good_docx, bomb, good_pdf)
    assert result.returncode == 2
    reports = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(reports) == 2, result.stdout  # both good files are reported
    assert "bomb.docx" in result.stderr


def test_pdf_with_an_empty_owner_password_is_read(good_pdf, tmp_path):
    """Encryption with an empty user password only restricts printing: the text can be read and reviewed."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(good_pdf))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    document = extract(buffer.getvalue())
    assert "请示" in document.text()
