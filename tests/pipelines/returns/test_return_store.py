"""The delivery tables (seam S1: a Feature of their own) on both backends — SQLite in a file and a real
PostgreSQL (tests/postgres.py): the notices' sequence draws 1, 2, 3 per year with no gap, a delivery is claimed
by one attempt only (compare-and-set), the mailbox's (UIDVALIDITY, UID) is taken once. Values by hand."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from pipelines.ledger import open_ledger
from pipelines.returns.delivery import Delivery, _claim, utc_now
from pipelines.returns.issue import _draw
from pipelines.returns.store import DELIVERY, MAILBOX

DAY = "2026-12-01T09:00:00+08:00"


@pytest.fixture(params=["sqlite", "postgresql"])
def office(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'ledger.sqlite3'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    ledger = open_ledger(url, tmp_path)
    settings = SimpleNamespace(returns=SimpleNamespace(number_format="退〔{year}〕{n}号"))
    yield SimpleNamespace(ledger=ledger, config=SimpleNamespace(settings=settings), root=tmp_path)
    ledger.close()


def test_the_sequence_draws_without_gaps_per_year_and_a_rolled_back_draw_is_given_back(office):
    office.ledger.ensure(DELIVERY)
    db = office.ledger.store
    with db.transaction():
        assert _draw(db, office, 2026) == (1, "退〔2026〕1号")
    with db.transaction():
        assert _draw(db, office, 2026) == (2, "退〔2026〕2号")
    with pytest.raises(RuntimeError):
        with db.transaction():
            assert _draw(db, office, 2026)[0] == 3
            raise RuntimeError("the state change was refused")
    with db.transaction():
        assert _draw(db, office, 2026) == (3, "退〔2026〕3号")  # the refused one's number given back
        assert _draw(db, office, 2027) == (1, "退〔2027〕1号")


def test_a_delivery_is_claimed_by_one_attempt_only(office):
    office.ledger.ensure(DELIVERY)
    db = office.ledger.store
    now = utc_now().isoformat(timespec="seconds")
    db.execute("INSERT INTO deliveries (key, channel, recipient, subject, body, attachments, message_id, state,"
               " attempts, created_at, updated_at, actor) VALUES ('reply:x:1', 'mail', 'a@b.cn', '答复', '正文', '[]',"
               " '<m1@b.cn>', 'pending', 0, ?, ?, 'batch')", (now, now))
    row = db.one("SELECT * FROM deliveries WHERE key = 'reply:x:1'")
    seen = Delivery.from_row(row)
    assert _claim(db, seen, utc_now()) is True
    assert _claim(db, seen, utc_now()) is False  # a second process that read the same row: refused
    after = db.one("SELECT state, attempts FROM deliveries WHERE key = 'reply:x:1'")
    assert (after["state"], after["attempts"]) == ("sending", 1)


def test_a_mailbox_message_is_recorded_once(office):
    office.ledger.ensure(MAILBOX)
    office.ledger.ensure(MAILBOX)  # idempotent
    db = office.ledger.store
    sql = ("INSERT INTO mailbox_messages (account, folder, uidvalidity, uid, file, fetched_at) VALUES"
           " ('o@h:993', 'INBOX', 1700000000, 7, '邮箱-1700000000-7.eml', ?) ON CONFLICT"
           " (account, folder, uidvalidity, uid) DO NOTHING")
    assert db.execute(sql, (DAY,)) == 1
    assert db.execute(sql, (DAY,)) == 0
    assert db.one("SELECT COUNT(*) AS n FROM mailbox_messages")["n"] == 1
