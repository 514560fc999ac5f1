"""The one 机要 policy (pipelines/secrecy.py): decide() folds the 机要员's recorded release in once — a mark nobody
could read, once released, is open and never returned; a level that can be read is never released — and the
row predicates agree with where the batch put each document. Reviews are real (the parser on real text)."""
from __future__ import annotations

from pipelines.review import review_document
from pipelines.secrecy import (
    CLASSIFIED,
    CONFIDENTIAL_OFFICE,
    HELD,
    OPEN,
    at_confidential_office,
    decide,
    is_confidential,
    kept_from_index,
)
from pipelines.secrecy_records import RELEASED

from .. import builder


def _review(secrecy):
    text = builder.to_text(builder.conformant_notice(secrecy=secrecy))
    return review_document(text.encode("utf-8"), "通知.txt", channel="edoc")


def test_a_release_opens_a_held_document_once_and_never_a_classified_one():
    held, classified, plain = _review("密级：▇▇"), _review("机密★1年"), _review(None)
    assert decide(held).kind == HELD and not decide(held).released
    released = decide(held, RELEASED)
    assert (released.kind, released.released, released.indexable) == (OPEN, True, True)
    assert decide(classified, RELEASED).kind == CLASSIFIED and decide(classified, RELEASED).level == "机密"
    assert decide(plain, RELEASED) == decide(plain) and not decide(plain).released  # nothing to release


def test_which_rows_are_confidential():
    classified = {"status": "routed", "department": CONFIDENTIAL_OFFICE, "route_source": "classified", "secrecy": "机密"}
    held = {"status": "held", "department": None, "route_source": None, "secrecy": "密级：▇▇"}
    by_rule = {"status": "indexed", "department": CONFIDENTIAL_OFFICE, "route_source": "rule", "secrecy": None}
    plain = {"status": "indexed", "department": "综合科", "route_source": "rule", "secrecy": "无"}
    # with the 机要室 however it got there: nobody but the 机要员 sees it (issue 17 item 2), the same as the index
    assert [is_confidential(r) for r in (classified, held, by_rule, plain)] == [True, True, True, False]
    assert [kept_from_index(r) for r in (classified, held, by_rule, plain)] == [True, True, True, False]
    assert [at_confidential_office(r) for r in (classified, held, by_rule, plain)] == [True, False, False, False]
