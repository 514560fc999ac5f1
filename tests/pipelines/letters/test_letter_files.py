"""A 来信's file on disk is never named by its writer (issue 22 §5): a 12345 work order named by the caller's
telephone (13812345678.txt) and a mail letter are kept in received/ under their letter numbers; a letter folder's
file is kept under its digest from the moment it is taken in; the original name stays in the ledger row, shown
where access.shows_original allows; a data root kept before (received/ names with the telephone) is renamed by
the next batch, once, and nothing is lost (the original is still read, the letter still found). The real batch on
a real data root; expected names written by hand from the inputs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.batch import run_batch
from pipelines.config import load
from pipelines.office import Office

LETTERS = Path(__file__).resolve().parents[2] / "data" / "letters"
PHONE = "13812345678"
CONFIG = """[office]
name = "某市人民政府办公厅"
[letters]
folders = ["12345"]
mailboxes = ["mayor@city.gov.cn"]
"""


@pytest.fixture
def root(tmp_path, monkeypatch):
    for name in ("SHOUWEN_CONFIG", "SHOUWEN_LEDGER_URL", "SHOUWEN_INDEX_URL", "SHOUWEN_ROOT"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "office"
    (root / "inbox" / "mail").mkdir(parents=True)
    (root / "inbox" / "12345").mkdir(parents=True)
    (root / "shouwen.toml").write_text(CONFIG, encoding="utf-8")
    # a work order named by the caller's number, and the mail of issue 22 saved under its writer's name
    shutil.copy(LETTERS / "求助-老人看病.txt", root / "inbox" / "12345" / f"{PHONE}.txt")
    shutil.copy(LETTERS / "市长信箱-道路积水.eml", root / "inbox" / "mail" / f"王先生{PHONE}.eml")
    return root


def _names(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / "received").rglob("*") if p.is_file())


def _expected(root: Path) -> list[str]:
    """received/<channel>/<year>-<seq>-<letter number><ext> of each letter (the order the batch numbered them
    in is its own; the two numbers are 信〔2026〕1号 and 2号, checked by hand below)."""
    from pipelines.letters.register import letter_number

    with Office.open(root, load(root, environ={})) as office:
        named = {r["channel"]: f"{r['year']}-{r['seq']:06d}-{letter_number(office, r['id'])}" for r in office.ledger.rows()}
    assert sorted(n.split("-", 2)[2] for n in named.values()) == ["信〔2026〕1号", "信〔2026〕2号"]
    return sorted([f"received/mail/{named['mail']}.eml", f"received/12345/{named['12345']}.txt"])


def _rows(root: Path) -> dict:
    with Office.open(root, load(root, environ={})) as office:
        return {r["number"]: r for r in office.ledger.rows()}


def test_letters_are_kept_under_their_numbers_never_their_writers_telephone(root):
    run_batch(root, config=load(root, environ={}))
    rows = _rows(root)
    assert {r["kind"] for r in rows.values()} == {"letter"}
    assert _names(root) == _expected(root)
    for path in (root / "received").rglob("*"):
        assert PHONE not in path.name and "王先生" not in path.name, path
    # the original name stays in the ledger (for the clerk; the register hides it from the rest)
    work_order = next(r for r in rows.values() if r["channel"] == "12345")
    assert work_order["file"] == f"{PHONE}.txt"
    assert (root / work_order["archive_path"]).read_bytes() == (LETTERS / "求助-老人看病.txt").read_bytes()


def test_a_letter_folder_file_is_kept_under_its_digest_from_intake(root):
    from pipelines.intake import take_in

    shutil.rmtree(root / "inbox" / "mail")
    with Office.open(root, load(root, environ={})) as office:
        take_in(office)  # 签收登记 only: not yet told to be a letter
        row = office.ledger.rows()[0]
    assert _names(root) == [f"received/12345/2026-000001-{row['sha256'][:16]}.txt"]


def test_an_old_data_root_is_renamed_once_and_nothing_is_lost(root):
    from pipelines.letters import ops
    from pipelines.letters.files import MARKER

    run_batch(root, config=load(root, environ={}))
    # as a data root kept before this change: received/ names with the telephone, no marker
    received = root / "received"
    expected = _expected(root)
    (root / "cache" / MARKER).unlink()
    for path in list(received.glob("*/*")):  # the names they came with
        path.rename(path.with_name(path.name[:12] + (f"{PHONE}.txt" if path.suffix == ".txt" else f"王先生{PHONE}.eml")))
    assert any(PHONE in p.name for p in received.rglob("*"))
    before = {p.name: p.read_bytes() for p in received.rglob("*") if p.is_file()}
    run_batch(root, config=load(root, environ={}))
    assert _names(root) == expected
    after = {p.name: p.read_bytes() for p in received.rglob("*") if p.is_file()}
    assert sorted(after.values()) == sorted(before.values())  # the same files, renamed
    work_order = next(r for r in _rows(root).values() if r["channel"] == "12345")
    with Office.open(root, load(root, environ={})) as office:
        entry = ops.letter(office, work_order["number"])
        assert entry.writer == "周先生" and entry.contact == "13400005555"  # as 求助-老人看病.txt signs it
    # once: a file named so later (by hand, say) is not touched by the next batch
    mine = next((received / "12345").iterdir())
    mine.rename(mine.with_name(mine.name[:12] + "手改.txt"))
    run_batch(root, config=load(root, environ={}))
    assert (received / "12345" / (mine.name[:12] + "手改.txt")).is_file()
