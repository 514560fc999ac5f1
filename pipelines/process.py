"""One registered document's step (一件收文的处理): 初审, the 机要 decision, then 退文 | 分办 → 检索, or the 机要室,
or held for the 机要员 — run by the batch's pool (a worker process, or this process) for each pending document.

    process(office, document_id, rules) -> disposition.Outcome

It reads the archived original and first tells a citizen's 来信 from a 公文 (pipelines/letters/tell.py): a 来信
goes into the letters' register (交办 or 转出, never 初审, never 退文), one that cannot be told waits for the clerk
(待复核). A 公文 is reviewed with the office's profile; secrecy.decide is asked once (the 机要员's recorded decision
folded in); what the review found is recorded; the same 来文 is linked again (same_document.py); and the document
goes to its disposition (pipelines/disposition.py) — a 退文 resting on a doubtful reading (validators/doubt.py)
is held for the clerk (待复核) instead of returned. The clerk's 复核 (review_records.py) is kept to on a rerun.
Done again, it goes on where it stopped.
"""
from __future__ import annotations

from extractors import UnusableInput
from extractors.detect import extension_mismatch, unusable_with_extension

from . import same_document
from .disposition import (
    Outcome,
    hold,
    hold_for_review,
    index_or_why,
    quarantine,
    return_document,
    route_and_index,
    withdraw_notices,
)
from .ledger import LedgerConflict
from .mail_intake import message_fields, review_fields
from .returns.subscribers import finish_withdrawal
from .review import read_original, review_document
from .review_records import AS_LETTER, CONFIRMED, DISMISSED, KIND_HELD, review_kind
from .secrecy import OPEN, conclusion, decide, named_by_sender
from .secrecy_records import RELEASED, decision_kind

# an OFD whose electronic seal no longer matches the files it signed (extractors/ofd/seals.py): read and routed
# as it is, but the clerk is told in the batch line, the summary and the document's history
SEAL_CHANGED = "电子印章校验未通过：签章后文件被改动或缺失，所读内容可能不是签章时的原文，请向来文单位核实"


def _reviewed_note(report: dict, decision) -> str:
    """The 初审 line of the history (secrecy.conclusion: a classified, held or released document is not returned)."""
    return "初审：" + conclusion(report, decision)


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
        clerk = review_kind(office.root, row)  # the clerk's 复核 (review_records.py): a rerun keeps to it
        try:
            read = read_original(data, row["channel"], row["file"])
            told = _tell(office, row, read, clerk)  # 来信 or 公文 (pipelines/letters/): a 来信 is never 初审'd
            if told is not None:
                return told
            review = review_document(data, row["file"], channel=row["channel"], profile=office.profile, read=read)
        except UnusableInput as exc:  # a message's sender and attachments are still recorded (mail_intake.py)
            said = unusable_with_extension(row["file"], exc)  # 文件扩展名为 .pdf，但内容不是 PDF：…
            fields = message_fields(office.root, data)
            named = named_by_sender(row.get("file"), fields.get("mail_subject"))
            if named and decision_kind(office.root, row) != RELEASED:  # its name may be its title: not for the clerk
                return hold(office, row, f"{named}，但文件无法读取（{said.reason}）；暂存待机要员核定，不进入隔离区、"
                                         "检索，不退文、不分办", **fields)
            return quarantine(office, row, said.reason, detail=said.detail, **fields)
        report, doc = review.report, review.report["document"]
        decision = decide(review, decision_kind(office.root, row))  # the 机要员's release folded in, once
        extra = review_fields(office.root, review)  # mail sender, date, attachments; OFD seals (mail_intake.py)
        same = (same_document.match(ledger, row, doc, review.body or review.text, extra.get("mail_from_name"))
                if decision.kind == OPEN else None)  # the same 来文 again? (classified ones: the 机要员's)
        version = ledger.set_status(
            document_id, "reviewed", _reviewed_note(report, decision),
            expect_version=row["version"], format=report["format"], pages=report["pages"],
            issuer=doc["issuer"] or row["issuer"],  # or the 来文单位 typed at the counter (desk.register_counter)
            doc_number=doc["doc_number"], doc_type=doc["doc_type"], title=doc["title"], urgency=doc["urgency"],
            secrecy=doc["secrecy"] or (review.secrecy_unreadable if decision.kind != OPEN else None),
            verdict=report["verdict"], findings=report["findings"], **extra, **(same.ledger_fields() if same else {}))
        row = {**row, "version": version}
        warning = SEAL_CHANGED if extra.get("seals_unchanged") == 0 else None
        if warning:
            ledger.note(document_id, warning)
        mismatch = extension_mismatch(row["file"], "eml" if review.mail is not None else report["format"])
        if mismatch:  # named .pdf, plain text inside: the document's history says so (the report's notes too)
            ledger.note(document_id, mismatch)
        if same and same.kind == same_document.LINKED and report["verdict"] != "return":
            # one 来文, registered twice: linked, not routed or indexed again (a copy that fails 初审 is returned as usual)
            line = same.line(row["number"])
            ledger.set_status(document_id, "linked", line, expect_version=version)
            return Outcome(row["number"], row["file"], "linked", report["verdict"], reason=line, same=line, warning=warning)
        withdrawn = row["return_state"] == "withdrawn"  # the clerk took the return back: 分办 it (a rerun keeps to that)
        if withdrawn:
            withdraw_notices(office, row)  # a withdrawal interrupted before its notices left the outbox
            finish_withdrawal(office, row)  # … or before its 撤回通知 was issued (idempotent: once)
        withdrawn = withdrawn or clerk == DISMISSED
        # released by the 机要员 (desk.release routes it without a 退文): a rerun keeps to that
        if report["verdict"] == "return" and decision.kind == OPEN and not withdrawn and not decision.released:
            if report.get("outcome") in ("review_held", "template") and clerk != CONFIRMED:  # doubtful, or a template
                return hold_for_review(office, row, report, version)
            return_document(office, row, report, version)
            # a 退文 is searchable too (status returned): the sender calls, the clerk finds it by its title
            unindexed = index_or_why(office, row, review, status="returned")
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


def _tell(office, row: dict, read, clerk) -> Outcome | None:
    """A citizen's 来信 taken into its own register (letters.register.take_letter), one that cannot be told from a
    公文 held for the clerk (待复核), or None: a 公文, reviewed as always. The clerk's choice wins (AS_LETTER; any
    other decision the clerk took was on a 公文)."""
    from .letters.register import hold_kind, letter_channel, take_letter
    from .letters.tell import DOCUMENT, LETTER, UNSURE, Telling, tell

    channel = letter_channel(office, row, read)
    if clerk == AS_LETTER:
        telling = Telling(LETTER, ["文秘复核确定为来信"])
    elif clerk not in (None, KIND_HELD):
        return None
    else:
        telling = tell(read.text, channel, getattr(read.mail, "subject", None) if read.mail is not None else None)
    if telling.kind == DOCUMENT:
        return None
    if telling.kind == UNSURE:
        return hold_kind(office, row, telling, row["version"])
    return take_letter(office, row, read, telling, channel)
