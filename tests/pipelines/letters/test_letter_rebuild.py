"""A letter's own records survive `shouwen rebuild-ledger` (issue 22; as the 机要员's decisions do): the clerk's
交办 to another department, the category correction (learned from), the department's 签收, 答复 and 办结 with
who did each and when, and the answer's text — kept beside the registration (registrations/<year>/<seq>
.letter.json) and given back when the next batch takes the letter in again. SQLite only: a PostgreSQL ledger is
restored from its own backups, never rebuilt from the archive (pipelines/ledger/__init__.py). The real batch and
the real CLI on a real data root (the letters of tests/pipelines/letters/test_letters.py)."""
from __future__ import annotations

import json
import shutil

import pytest

from pipelines import desk
from pipelines.actors import Actor
from pipelines.batch import run_batch
from pipelines.cli import main
from pipelines.config import load
from pipelines.handling import ops as handling
from pipelines.letters import ops
from pipelines.letters.register import read_record

from .test_letters import CONFIG, LETTERS, _office, _rows, clock, root  # noqa: F401  (the letters' data root)

MAIL = "1772410500.M1P1.mailhost"
ANSWER = "经查，建设路积水系雨水管堵塞所致，已疏通，并将于4月底前改造该路段排水管。"


def _events(office, document_id: int) -> list[tuple]:
    return [(e["kind"], e["at"], e["actor"], e["words"]) for e in office.ledger.store.query(
        "SELECT e.kind, e.at, e.actor, e.words FROM handling_events e JOIN handling h ON h.id = e.handling_id "
        "WHERE h.document_id = ? ORDER BY e.seq", (document_id,))]


def test_a_letter_s_handling_answer_and_assignment_survive_rebuild_ledger(root, capsys):  # noqa: F811
    mail = _rows(root)[MAIL]
    clerk = Actor("wenmi", "clerk")
    with _office(root) as office:
        # not the batch's: another of the office's departments (a 交办 takes only those: desk.route_departments)
        elsewhere = next(d for d in desk.route_departments(office) if d not in (mail["department"], "办公室"))
        staff = Actor("zhao", "staff", elsewhere, "赵承办")
        number = ops.letter(office, mail["number"], actor=clerk).letter_number
        ops.set_category(office, number, "求助", actor=clerk)
        desk.assign_letter(office, number, elsewhere, "属该部门职责", actor=clerk)
        handling.sign(office, mail["number"], actor=staff)
        ops.reply(office, number, ANSWER, actor=staff)
        handling.done(office, mail["number"], actor=staff, result="已答复来信人")
        before = _events(office, mail["id"])
        assert [k for k, *_ in before][-3:] == ["signed", "answered", "done"]
    kept = read_record(root, mail)
    assert kept["answer"] == ANSWER and kept["department"] == elsewhere
    assert "13812345678" not in json.dumps(kept, ensure_ascii=False)  # no telephone kept beside it
    (root / "ledger.sqlite3").unlink()
    assert main(["rebuild-ledger", "--root", str(root), "--force"]) == 0
    run_batch(root, config=load(root, environ={}))
    capsys.readouterr()
    with _office(root) as office:
        row = office.ledger.find(mail["number"])
        entry = ops.letter(office, number, actor=clerk)
        assert entry.answer == ANSWER and entry.stage_zh == "已办结" and entry.department == elsewhere
        assert entry.category == "求助" and entry.category_source == "clerk"
        assert row["department"] == elsewhere and row["route_source"] == "clerk"
        assert _events(office, mail["id"]) == before  # every step, when and who, as it was
        steps = {(line["status"], line["actor"]) for line in entry.history}
        assert {("签收", "zhao"), ("答复", "zhao"), ("办结", "zhao")} <= steps
        corrections = office.ledger.store.query("SELECT category FROM letter_corrections WHERE document_id = ?",
                                                (mail["id"],))
        assert [c["category"] for c in corrections] == ["求助"]
        record = handling.record(office, mail["number"], actor=clerk)
        assert record.state == "done" and record.department == elsewhere


@pytest.fixture(params=["sqlite", "postgresql"])
def mail_root(request, tmp_path, monkeypatch):
    """A data root with the 市长信箱 mail of issue 22 taken in by a real batch, its ledger on either backend."""
    for name in ("SHOUWEN_CONFIG", "SHOUWEN_LEDGER_URL", "SHOUWEN_INDEX_URL", "SHOUWEN_ROOT"):
        monkeypatch.delenv(name, raising=False)
    made = tmp_path / "office"
    (made / "inbox" / "mail").mkdir(parents=True)
    url = "sqlite:///ledger.sqlite3" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    (made / "shouwen.toml").write_text(CONFIG + f'[ledger]\nurl = "{url}"\n', encoding="utf-8")
    shutil.copy(LETTERS / "市长信箱-道路积水.eml", made / "inbox" / "mail" / MAIL)
    run_batch(made, config=load(made, environ={}))
    return made


def test_the_record_beside_the_registration_follows_every_step_on_both_backends(mail_root):
    clerk = Actor("wenmi", "clerk")
    with _office(mail_root) as office:
        row = office.ledger.rows()[0]
        staff = Actor("zhao", "staff", row["department"], "赵承办")
        handling.sign(office, row["number"], actor=staff)
        ops.reply(office, row["number"], ANSWER, actor=staff)
        handling.done(office, row["number"], actor=clerk, result="已答复来信人")
        in_ledger = _events(office, row["id"])
    kept = read_record(mail_root, row)
    assert [(e["kind"], e["at"], e["actor"], e["words"]) for e in kept["handling"]] == in_ledger
    assert [e["kind"] for e in kept["handling"]] == ["opened", "signed", "answered", "done"]
    assert [e["actor"] for e in kept["handling"]][1:] == ["zhao", "zhao", "wenmi"]
    assert kept["answer"] == ANSWER and kept["department"] == row["department"] and kept["letter_number"] == "信〔2026〕1号"
