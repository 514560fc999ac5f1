"""One registered document's step (一件收文的处理): 初审, the 机要 decision, then 退文 | 分办 → 检索, or the 机要室,
or held for the 机要员 — run by the batch's pool (a worker process, or this process) for each pending document.

    process(office, document_id, rules) -> disposition.Outcome

It reads the archived original, reviews it with the office's profile, asks secrecy.decide once (the 机要员's
recorded decision folded in), records what the review found, links the same 来文 again (same_document.py), and
hands the document to its disposition (pipelines/disposition.py). Done again, it goes on where it stopped.
"""
from __future__ import annotations

from extractors import UnusableInput
from index import IndexUnavailable

from . import same_document
from .disposition import Outcome, quarantine, return_document, route_and_index, withdraw_notices
from .ledger import LedgerConflict
from .mail_intake import message_fields, review_fields
from .review import review_document
from .search_sync import add_document
from .secrecy import OPEN, decide
from .secrecy_records import decision_kind

# an OFD whose electronic seal no longer matches the files it signed (extractors/ofd/seals.py): read and routed
# as it is, but the clerk is told in the batch line, the summary and the document's history
SEAL_CHANGED = "电子印章校验未通过：签章后文件被改动或缺失，所读内容可能不是签章时的原文，请向来文单位核实"


def process(office, document_id: int, rules: list[dict]) -> Outcome:
    """初审 (with the office's profile), then 退文, 分办 and 检索, or 机要室 / held (secrecy.py), for one
    registered document (again, if it was interrupted). Every step is compare-and-set on the version read
    here: a document someone else changed meanwhile is left to them (LedgerConflict → outcome `failed` with
    the reason). rules: the office's 分办 rules (office.rules, read once for the batch); documents no rule
    covers go to the learned router (office.router)."""
    ledger = office.ledger
    row = ledger.get(document_id)
    try:
        data = (office.root / row["archive_path"]).read_bytes()
        try:
            review = review_document(data, row["file"], channel=row["channel"], profile=office.profile)
        except UnusableInput as exc:  # a message's sender and attachments are still recorded (mail_intake.py)
            return quarantine(office, row, exc.reason, **message_fields(office.root, data))
        report, doc = review.report, review.report["document"]
        decision = decide(review, decision_kind(office.root, row))  # the 机要员's release folded in, once
        extra = review_fields(office.root, review)  # mail sender, date, attachments; OFD seals (mail_intake.py)
        same = (same_document.match(ledger, row, doc, review.body or review.text, extra.get("mail_from_name"))
                if decision.kind == OPEN else None)  # the same 来文 again? (classified ones: the 机要员's)
        version = ledger.set_status(
            document_id, "reviewed", f"初审：{'退文' if report['verdict'] == 'return' else '通过'}",
            expect_version=row["version"], format=report["format"], pages=report["pages"],
            issuer=doc["issuer"] or row["issuer"],  # or the 来文单位 typed at the counter (desk.register_counter)
            doc_number=doc["doc_number"], doc_type=doc["doc_type"], title=doc["title"], urgency=doc["urgency"],
            secrecy=doc["secrecy"] or (review.secrecy_unreadable if decision.kind != OPEN else None),
            verdict=report["verdict"], findings=report["findings"], **extra, **(same.ledger_fields() if same else {}))
        row = {**row, "version": version}
        warning = SEAL_CHANGED if extra.get("seals_unchanged") == 0 else None
        if warning:
            ledger.note(document_id, warning)
        if same and same.kind == same_document.LINKED and report["verdict"] != "return":
            # one 来文, registered twice: linked, not routed or indexed again (a copy that fails 初审 is returned as usual)
            line = same.line(row["number"])
            ledger.set_status(document_id, "linked", line, expect_version=version)
            return Outcome(row["number"], row["file"], "linked", report["verdict"], reason=line, same=line, warning=warning)
        withdrawn = row["return_state"] == "withdrawn"  # the clerk took the return back: 分办 it (a rerun keeps to that)
        if withdrawn:
            withdraw_notices(office, row)  # a withdrawal interrupted before its notices left the outbox
        # released by the 机要员 (desk.release routes it without a 退文): a rerun keeps to that
        if report["verdict"] == "return" and decision.kind == OPEN and not withdrawn and not decision.released:
            return_document(office, row, report, version)
            try:  # a 退文 is searchable too (status returned): the sender calls, the clerk finds it by its title
                add_document(office.index, row, review, status="returned")
                unindexed = None
            except IndexUnavailable as exc:  # caught up by a later batch (search_sync.catch_up)
                unindexed = str(exc)
            return Outcome(row["number"], row["file"], "returned", report["verdict"],
                           same=same.line(row["number"], "returned") if same else None, warning=warning,
                           unindexed=unindexed)
        outcome = route_and_index(office, row, review, rules, decision)
        outcome.warning = warning
        if same:  # a new version of an earlier registration: the clerk is told (both stay searchable)
            outcome.same = same.line(row["number"])
        return outcome
    except LedgerConflict as exc:
        return Outcome(row["number"], row["file"], "failed", reason=str(exc))
