"""The clerk's second look at a return (退文的重发与撤回).

    resend    重发: write the 退文通知单 again (today's date) into the sender's outbox folder, beside the first,
              e.g. when the sender says it never arrived; the ledger notes each resend.
    withdraw  撤回: the return was wrong (the clerk accepts the document after all). The notice and report
              leave the outbox for withdrawn/<sender>/ (kept, never deleted) and the document goes on to
              分办 and 检索 like an accepted one. The ledger keeps the 初审 verdict and notes the withdrawal.

Both work from the archived original, so they do not depend on what a mail process did to the outbox.
"""
from __future__ import annotations

from pathlib import Path

from .batch import Outcome, route_and_index, withdraw_notices
from .ledger import LedgerConflict
from .office import Office
from .returns import sender_folder, write_return
from .review import Review, review_document


class NotReturned(ValueError):
    """The document is not (or no longer) returned: nothing to resend or withdraw."""


def _returned(row: dict) -> None:
    if row["status"] != "returned":
        raise NotReturned(f"{row['number']} 当前状态不是已退文，无法办理")


def _review(office: Office, row: dict) -> Review:
    data = (office.root / row["archive_path"]).read_bytes()
    return review_document(data, row["file"], channel=row["channel"], profile=office.profile)


def resend(office: Office, row: dict) -> Path:
    """重发 the 退文通知单; returns the new notice's path. Compare-and-set: when the return was withdrawn (or
    changed) meanwhile, the notice just written is taken back and LedgerConflict says so."""
    ledger = office.ledger
    _returned(row)
    review = _review(office, row)
    folder = office.root / "outbox" / sender_folder(row["issuer"])
    n = 2
    while (folder / f"{row['number']}-退文通知单（重发{n}）.docx").exists():
        n += 1
    path = write_return(office.root / "outbox", row["number"], row["received_at"], review.report, suffix=f"（重发{n}）")
    where = str(path.relative_to(office.root))
    try:
        ledger.set_status(row["id"], "returned", f"重发退文通知单：{where}", expect_version=row["version"],
                          expect_status=("returned",), return_state="resent", return_path=where)
    except LedgerConflict:
        path.unlink(missing_ok=True)
        if ledger.get(row["id"])["status"] != "returned":  # withdrawn meanwhile: nothing of it stays in the outbox
            (folder / f"{row['number']}-审核意见.json").unlink(missing_ok=True)
        raise
    return path


def withdraw(office: Office, row: dict, reason: str) -> tuple[Outcome, list[Path]]:
    """撤回 the return and 分办 the document; returns the outcome and where the withdrawn files went.
    The ledger moves first (compare-and-set on the version the clerk saw: LedgerConflict when a resend or
    another withdrawal got there first), then the notices leave the outbox; an interrupted withdrawal is
    finished by the next batch (status reviewed, return_state withdrawn)."""
    ledger = office.ledger
    _returned(row)
    review = _review(office, row)
    ledger.set_status(row["id"], "reviewed", f"撤回退文：{reason}", expect_version=row["version"],
                      expect_status=("returned",), return_state="withdrawn")
    moved = withdraw_notices(office, row)
    row = ledger.get(row["id"])
    outcome = route_and_index(office, row, review, office.rules)
    return outcome, moved
