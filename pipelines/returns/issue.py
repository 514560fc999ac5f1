"""Issuing the notices (发出退文通知单): each gets its own number in the office's sequence (退〔2026〕N号,
[returns] number_format), is written as a docx into the data root and recorded (return_notices).

    with issuing(office, row, report, actor=…) as notice:      退文通知单, or its N-th 重发 when one was issued
        office.ledger.set_status(…)                             the caller's state change, in the same transaction
    issue_withdrawal(office, row, reason, actor=…) -> Notice | None   撤回通知 (idempotent; None: nothing to withdraw)
    notices(office, document_id) -> [Notice]    a document's notices, oldest first
    make_pdfs(office, notices) -> {id: pdf}     the PDFs of notices that have none yet, by one LibreOffice run

Files (named by the 收文编号, as the outbox always was, so that withdraw_notices and rebuild-ledger find them):
    outbox/<来文单位>/<收文编号>-退文通知单.docx              the first notice (and .pdf beside it)
    outbox/<来文单位>/<收文编号>-退文通知单（第N次重发）.docx   the N-th 重发: its title says the same words
    outbox/<来文单位>/<收文编号>-审核意见.json                the 初审 report
    withdrawn/<来文单位>/<收文编号>-撤回通知.docx              beside the notices it takes back

The number is drawn, the docx written and the row recorded in ONE ledger transaction with the caller's state
change: a state change refused (LedgerConflict: someone withdrew it meanwhile) gives the number back and
removes the file, so the sequence has no gaps and no notice exists that the ledger does not know.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from .notice import RESEND, RETURN, WITHDRAWAL, mail_body, resend_title, return_context, signatory, withdrawal_context
from .render import RETURN_TEMPLATE, WITHDRAWAL_TEMPLATE, render, to_pdf
from .store import tables


@dataclass(frozen=True)
class Notice:
    id: int
    document_id: int
    kind: str  # return | resend | withdrawal
    round: int  # 0; the N-th 重发
    number: str  # 退〔2026〕3号
    issued_at: str  # ISO 8601, the office's time
    path: str  # the docx, relative to the data root
    pdf_path: Optional[str]
    reason: Optional[str]  # a withdrawal's
    actor: str
    text: str = ""  # its words as the text of a mail (notice.mail_body)

    @property
    def title(self) -> str:
        """退文通知单 / 退文通知单（第N次重发） / 撤回退文通知."""
        return "撤回退文通知" if self.kind == WITHDRAWAL else resend_title(self.round)

    @classmethod
    def from_row(cls, row: dict) -> "Notice":
        return cls(row["id"], row["document_id"], row["kind"], row["round"], row["number"], row["issued_at"],
                   row["path"], row.get("pdf_path"), row.get("reason"), row["actor"], row.get("text") or "")


def file_stem(received_number: str, kind: str, round: int) -> str:
    """收〔2026〕5号-退文通知单 / …-退文通知单（第2次重发） / …-撤回通知."""
    if kind == WITHDRAWAL:
        return f"{received_number}-撤回通知"
    return f"{received_number}-{resend_title(round)}"


def notices(office, document_id: int) -> list[Notice]:
    """Every notice issued for document `document_id`, oldest first."""
    rows = tables(office).query("SELECT * FROM return_notices WHERE document_id = ? ORDER BY id", (document_id,))
    return [Notice.from_row(r) for r in rows]


def notice(office, notice_id: int) -> Optional[Notice]:
    row = tables(office).one("SELECT * FROM return_notices WHERE id = ?", (notice_id,))
    return Notice.from_row(row) if row else None


def find_notice(office, number: str) -> Optional[Notice]:
    """A notice by its own number (退〔2026〕3号), spaces ignored."""
    row = tables(office).one("SELECT * FROM return_notices WHERE number = ?", ("".join(number.split()),))
    return Notice.from_row(row) if row else None


def _draw(db, office, year: int) -> tuple[int, str]:
    row = db.one("INSERT INTO return_sequences (year, last) VALUES (?, 1) ON CONFLICT (year) DO UPDATE SET"
                 " last = return_sequences.last + 1 RETURNING last", (year,))
    seq = int(row["last"])
    return seq, office.config.settings.returns.number_format.format(year=year, n=seq)


@contextmanager
def issuing(office, row: dict, report: dict, *, actor: str = "batch") -> Iterator[Notice]:
    """Issue the 退文通知单 of document `row` from its 初审 `report` — the first one, or the next 重发 when the
    document has one already — inside one transaction that the caller's ledger change joins (see the module).
    Yields the Notice; the docx and 审核意见.json are in outbox/<来文单位>/. An office template that would not
    render is replaced by the shipped one, and the history says so."""
    db = tables(office)
    paths = office.paths
    issuer = (report.get("document") or {}).get("issuer") or row.get("issuer")  # at 退文 the row has none yet
    folder = paths.sender(issuer)
    report_file = folder / f"{row['number']}-审核意见.json"
    had_report = report_file.exists()
    written: list[Path] = []
    note = None
    try:
        with db.transaction():
            issued_at = office.now()
            seq, number = _draw(db, office, int(issued_at[:4]))
            earlier = [n for n in notices(office, row["id"]) if n.kind in (RETURN, RESEND)]
            kind, round = (RESEND, max(n.round for n in earlier) + 1) if earlier else (RETURN, 0)
            previous = (earlier[-1].number, earlier[-1].issued_at) if earlier else None
            context = return_context(report, row["number"], row["received_at"], signatory(office.config), number,
                                     issued_at, round, previous)
            path = folder / f"{file_stem(row['number'], kind, round)}.docx"
            folder.mkdir(parents=True, exist_ok=True)
            written.append(path)
            _, note = render(office, RETURN_TEMPLATE, context, path)
            if not had_report:
                written.append(report_file)
            report_file.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
            where = str(path.relative_to(office.root))
            text = mail_body(context)
            notice_id = db.insert(
                "INSERT INTO return_notices (document_id, kind, round, year, seq, number, issued_at, path, text, actor)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row["id"], kind, round, int(issued_at[:4]), seq, number, issued_at, where, text, actor))
            yield Notice(notice_id, row["id"], kind, round, number, issued_at, where, None, None, actor, text)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    if note:
        office.ledger.note(row["id"], note, actor=actor)


def issue_withdrawal(office, row: dict, reason: str, *, actor: str = "batch") -> Optional[Notice]:
    """The 撤回通知 of a withdrawn return, into withdrawn/<来文单位>/ beside the notices it takes back; its number
    drawn from the same sequence. Idempotent: the one issued already is returned. None when the document has no
    notice to take back. ValueError for an empty reason (the clerk's reason is required)."""
    if not (reason or "").strip():
        raise ValueError("撤回退文须说明理由")
    db = tables(office)
    existing = [n for n in notices(office, row["id"]) if n.kind == WITHDRAWAL]
    if existing:
        return existing[0]
    earlier = [n for n in notices(office, row["id"]) if n.kind in (RETURN, RESEND)]
    if not earlier:
        return None
    paths = office.paths
    folder = paths.sender(row["issuer"], paths.withdrawn)
    path = folder / f"{file_stem(row['number'], WITHDRAWAL, 0)}.docx"
    note = None
    try:
        with db.transaction():
            issued_at = office.now()
            seq, number = _draw(db, office, int(issued_at[:4]))
            context = withdrawal_context(row, signatory(office.config), number, issued_at, reason,
                                         [(n.number, n.issued_at) for n in earlier])
            folder.mkdir(parents=True, exist_ok=True)
            _, note = render(office, WITHDRAWAL_TEMPLATE, context, path)
            where = str(path.relative_to(office.root))
            text = mail_body(context)
            notice_id = db.insert(
                "INSERT INTO return_notices (document_id, kind, round, year, seq, number, issued_at, path, reason,"
                " text, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row["id"], WITHDRAWAL, 0, int(issued_at[:4]), seq, number, issued_at, where, reason.strip(), text,
                 actor))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if note:
        office.ledger.note(row["id"], note, actor=actor)
    return Notice(notice_id, row["id"], WITHDRAWAL, 0, number, issued_at, where, None, reason.strip(), actor, text)


def follow_moved(office, row: dict) -> None:
    """A withdrawn return's notices left the outbox for withdrawn/<来文单位>/ (disposition.withdraw_notices): their
    recorded paths follow them, so the record always names where the file is."""
    db = tables(office)
    paths = office.paths
    target = paths.sender(row["issuer"], paths.withdrawn)
    for n in notices(office, row["id"]):
        moved = {}
        for column, value in (("path", n.path), ("pdf_path", n.pdf_path)):
            if value and not (office.root / value).exists() and (target / Path(value).name).exists():
                moved[column] = str((target / Path(value).name).relative_to(office.root))
        for column, value in moved.items():
            db.execute(f"UPDATE return_notices SET {column} = ? WHERE id = ?", (value, n.id))


def make_pdfs(office, pending: list[Notice]) -> dict[int, str]:
    """The PDF of each notice in `pending` that has none yet, beside its docx, by one LibreOffice run; recorded.
    Returns {notice id: pdf path relative to the root} for those made. A notice LibreOffice could not convert
    is left without (its mail carries the docx alone; the next batch tries again)."""
    from extractors import UnusableInput

    todo = {office.root / n.path: n for n in pending if not n.pdf_path and (office.root / n.path).is_file()}
    if not todo:
        return {}
    try:
        made = to_pdf(list(todo))
    except UnusableInput:  # no LibreOffice on this server: the docx alone
        return {}
    db = tables(office)
    out = {}
    for docx, pdf in made.items():
        where = str(pdf.relative_to(office.root))
        db.execute("UPDATE return_notices SET pdf_path = ? WHERE id = ?", (where, todo[docx].id))
        out[todo[docx].id] = where
    return out
