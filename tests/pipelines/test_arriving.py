"""A file written in two goes is not taken half (issue 19, point 7).

A writer that writes half a file, closes it and writes the rest later leaves a file that looks settled in
between. Each real file here (the samples: a PDF, a docx, an OFD, a JPEG scan, a TIFF fax, a mail message;
a PNG encoded by Pillow) is written in two goes: the first half, closed; then the rest, appended. Cut, it is
incomplete by its own structure; whole, it is not. Through the real batch on a real data root, a PDF cut off
waits (仍在传入) and is registered once, whole, when its second half has come; a file still cut off after the
grace period goes to quarantine as before. The grace is set small in the test's configuration and the clock
of the check is injected (take_in's `clock`): nothing here sleeps.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from extractors.complete import incomplete
from pipelines.batch import run_batch
from pipelines.batch_lock import batch_lock
from pipelines.config import load
from pipelines.intake import take_in
from pipelines.ledger import SQLiteLedger
from pipelines.office import Office

from ..pipelines.test_batch import SAMPLES

REQUEST_PDF = SAMPLES / "edoc" / "筑教呈2026-5号-校舍维修资金请示.pdf"
REPORT_DOCX = SAMPLES / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx"
GRACE = 30  # seconds: the test's [intake] incomplete_grace_seconds


@pytest.fixture(autouse=True)
def no_settle_wait(monkeypatch):
    monkeypatch.setenv("SHOUWEN_SETTLE_SECONDS", "0")  # the size/mtime settle check has its own tests


def _png() -> bytes:
    image = Image.open(SAMPLES / "scan" / "扫描件-上半年校舍维修工作汇报.jpg")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


REAL_FILES = {
    "pdf": lambda: REQUEST_PDF.read_bytes(),
    "docx": lambda: REPORT_DOCX.read_bytes(),
    "ofd": lambda: (SAMPLES / "edoc" / "筑交函2026-21号-农村公路养护资金.ofd").read_bytes(),
    "jpeg": lambda: (SAMPLES / "scan" / "扫描件-上半年校舍维修工作汇报.jpg").read_bytes(),
    "tiff": lambda: (SAMPLES / "fax" / "传真-筑教呈2026-5号-校舍维修资金请示.tif").read_bytes(),
    "eml": lambda: (SAMPLES / "mail" / "机密-筑教发2026-15号-高考试卷保密管理.eml").read_bytes(),
    "png": _png,
}
SAYS = {"pdf": "%%EOF", "docx": "中央目录", "ofd": "中央目录", "jpeg": "EOI", "tiff": "TIFF", "eml": "MIME 结束分隔线",
        "png": "IEND"}


def _write_in_two_goes(path: Path, data: bytes, cut: int) -> None:
    """The first `cut` bytes written and closed; then the rest appended by a second open."""
    with open(path, "wb") as first:
        first.write(data[:cut])


def _finish(path: Path, data: bytes, cut: int) -> None:
    with open(path, "ab") as second:
        second.write(data[cut:])


@pytest.mark.parametrize("fmt", sorted(REAL_FILES))
@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_a_real_file_cut_off_is_incomplete_by_its_structure_and_whole_once_finished(tmp_path, fmt, fraction):
    data = REAL_FILES[fmt]()
    path = tmp_path / f"来文.{fmt}"
    cut = int(len(data) * fraction)
    _write_in_two_goes(path, data, cut)
    why = incomplete(path)
    assert why and SAYS[fmt] in why, (fmt, fraction, why)
    _finish(path, data, cut)
    assert path.read_bytes() == data
    assert incomplete(path) is None, fmt


def test_the_last_byte_missing_is_still_cut_off(tmp_path):
    for fmt in ("docx", "jpeg", "eml"):  # the structure's last mark is the file's last bytes
        data = REAL_FILES[fmt]()
        path = tmp_path / f"来文.{fmt}"
        _write_in_two_goes(path, data.rstrip(b"\r\n"), len(data.rstrip(b"\r\n")) - 1)
        assert incomplete(path), fmt


def test_text_and_unknown_files_are_left_to_the_readers(tmp_path):
    text = tmp_path / "报告.txt"
    text.write_bytes((SAMPLES / "mail" / "筑教呈2026-6号-开学工作报告.txt").read_bytes()[:100])
    assert incomplete(text) is None
    empty = tmp_path / "空.pdf"
    empty.write_bytes(b"")
    assert incomplete(empty) is None  # the reader says 文件为空


def _config(root: Path, grace: int = GRACE):
    return load(root, environ={"SHOUWEN_INCOMPLETE_GRACE_SECONDS": str(grace)})


def _inbox(tmp_path) -> Path:
    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    return root


def test_a_pdf_written_in_two_goes_waits_then_is_registered_once_whole(tmp_path):
    root = _inbox(tmp_path)
    data = REQUEST_PDF.read_bytes()
    path = root / "inbox" / "edoc" / "请示.pdf"
    _write_in_two_goes(path, data, len(data) // 2)
    config = _config(root, grace=3600)  # the half was written seconds ago, however busy the machine
    first = run_batch(root, config=config)
    assert first.received == 0 and first.waiting == 1 and path.exists()
    lines = "\n".join(first.lines())
    assert "仍在传入 edoc/请示.pdf" in lines and "PDF 文件尚不完整" in lines, lines
    assert not SQLiteLedger(root / "ledger.sqlite3").rows(), "nothing registered from the half"
    assert not any((root / "quarantine").iterdir())
    _finish(path, data, len(data) // 2)  # the second go, 25 seconds or an hour later
    second = run_batch(root, config=config)
    rows = SQLiteLedger(root / "ledger.sqlite3").rows()
    assert second.received == 1 and len(rows) == 1, rows
    assert rows[0]["status"] != "quarantined" and (root / rows[0]["archive_path"]).read_bytes() == data
    assert not path.exists()


def test_a_file_still_cut_off_after_the_grace_period_goes_to_quarantine_as_before(tmp_path):
    root = _inbox(tmp_path)
    data = REPORT_DOCX.read_bytes()
    path = root / "inbox" / "edoc" / "汇报.docx"
    _write_in_two_goes(path, data, len(data) // 2)
    written = path.stat().st_mtime
    config = _config(root)
    root.joinpath("archive").mkdir()
    with batch_lock(root), Office.open(root, config) as office:
        within = take_in(office, clock=lambda: written + GRACE - 1)
        assert (within.received, within.waiting) == (0, 1) and path.exists()
        assert within.arriving[0][:2] == ("edoc", "汇报.docx") and "30 秒" in within.arriving[0][2]
        after = take_in(office, clock=lambda: written + GRACE + 1)
        assert (after.received, after.waiting) == (1, 0) and not path.exists()
    run_batch(root, config=config)  # its reading: quarantined, as any damaged file
    rows = SQLiteLedger(root / "ledger.sqlite3").rows()
    assert [r["status"] for r in rows] == ["quarantined"]
    assert any(p.name.endswith("汇报.docx") for p in (root / "quarantine").iterdir())


def test_the_grace_period_is_the_offices_to_set(tmp_path):
    root = tmp_path / "office"
    root.mkdir()
    assert load(root, environ={}).settings.intake.incomplete_grace_seconds == 600
    (root / "shouwen.toml").write_text("[intake]\nincomplete_grace_seconds = 120\n", encoding="utf-8")
    assert load(root, environ={}).settings.intake.incomplete_grace_seconds == 120
    (root / "shouwen.toml").write_text("[intake]\nincomplete_grace_seconds = -5\n", encoding="utf-8")
    with pytest.raises(Exception) as refused:
        load(root, environ={})
    assert "incomplete_grace_seconds" in str(refused.value) and "0 到 604800" in str(refused.value)
