"""The same 来文 twice (同一来文): a fax first and the formal document later, or one document by two channels.

A reviewed document whose (来文单位, 发文字号, 标题) matches one already reviewed is the same 来文:

    match(ledger, row, review) -> Match | None

  * LINKED    its 正文 reads the same as the earlier one's (character-level similarity ≥ SAME_TEXT after
              normalising, so that a faxed copy's OCR noise does not count): it is linked to that registration
              (ledger `linked_to`, status `linked`, final) and neither routed nor indexed again; both originals
              stay archived and the ledger shows "同 收〔2026〕3号" on it, "另收同件 收〔2026〕5号" on the first.
              The earlier registration's row and history are not touched (its marks are computed).
  * REVISION  its text differs (a corrected version), or the earlier one was returned (退文) and this is the
              sender's resubmission: it is registered as a new version (`revision_of`, `revision` 2, 3, …),
              reviewed, routed and indexed as any document. The clerk is told (batch output, its history;
              `shouwen ledger` and `shouwen search` show 第2版 / 前版 on it and 已有新版 on the earlier one).
              Both versions stay in the search index: which copy is "newer" is only known by arrival, and
              arrival is not authorship — a fax of an earlier draft can come after the formal e-document, and
              two copies in one batch are read in parallel — so taking one out of search automatically could
              hide the text in force. The clerk, told, decides; nothing disappears.

Keys (GB/T 9704-2012 7.2.4 发文字号 = 机关代字 + 〔年份〕 + 序号): the 发文字号 with its brackets made one kind
(〔〕 [] 【】 () ［］ （） → 〔〕), full-width digits and letters made ASCII (NFKC), blanks removed and leading
zeros of the 序号 dropped; the title and the 来文单位 normalised the same way without punctuation. The
发文字号 must be equal; the title must read the same within TITLE_SIMILAR (OCR noise); the 来文单位 (the
document's issuer, else the mail sender's name) must read the same within ISSUER_SIMILAR where both are
known. A document with no 发文字号 is never linked, by title alone or otherwise.

What the clerk is told (Match.line) is one account, true whatever became of the copy (issue 24, 2.11): the
text is "正文相同" only at 100 %, else its similarity; what this copy lacks or adds is named — a passage of the
正文 (缺少“…”/增加“…”), the 附件说明, the 版记 (抄送), a different 主送 — and which copies are searchable is said
as it is (a returned copy is not, a copy returned by its own 初审 is not linked).

Two workers may review two copies at the same moment: the claim (key and text stored, the earlier ones
looked up) is one ledger transaction, so the second to claim sees the first. "Earlier" means reviewed
earlier; the numbers keep the order they were received in. A copy is called a 重报 (系退文后重报) only when it
was received after the earlier one's return, not when both came in together and one was returned first.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

LINKED, REVISION = "linked", "revision"
SAME_TEXT = 0.90  # 正文 similarity (0–1) at or above which two copies are the same text
TITLE_SIMILAR = 0.90
ISSUER_SIMILAR = 0.80
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕", "［": "〔", "］": "〕",
                           "（": "〔", "）": "〕", "{": "〔", "}": "〕", "〖": "〔", "〗": "〕"})


# The claimed text is the 正文's plain text, then (after PARTS, a character plain() never keeps) what else the
# clerk must be told differs: the number of 附件 named in the 附件说明 and whether a 抄送 (版记) is there.
PARTS = "\u241e"
# the earlier registration's states in which it is not in the search index
NOT_SEARCHABLE = ("returned", "quarantined", "held", "linked")
CHANGE_MIN = 6  # characters: a change shorter than this (a word, a fax's OCR noise) is not named
CHANGES_SHOWN = 3


@dataclass(frozen=True)
class Match:
    kind: str  # LINKED | REVISION
    earlier: dict  # the ledger row of the earlier registration
    similarity: float  # 正文 similarity, 0–1
    revision: int = 0  # for REVISION: this document's version number (the earlier's + 1)
    resubmitted: bool = False  # for REVISION: received after the earlier one was returned (退文后重报)
    changes: tuple[str, ...] = ()  # Chinese: what this copy lacks or adds against the earlier one (缺少“…”, 增加“…”)

    def ledger_fields(self) -> dict:
        """Columns for the ledger row of the later document."""
        if self.kind == LINKED:
            return {"linked_to": self.earlier["id"], "similarity": round(self.similarity, 3)}
        return {"revision_of": self.earlier["id"], "revision": self.revision, "similarity": round(self.similarity, 3)}

    def line(self, number: str, outcome: Optional[str] = None) -> str:
        """What the clerk is told (Chinese), for the batch output and the ledger history: one account, true
        whatever became of this copy. `outcome`: "linked" (linked to the earlier one), "returned" (this copy's
        own 初审 returned it) or "routed" (分办 and indexed as a version of its own); by default the match's own
        ("linked" for LINKED, "routed" for REVISION). The text is called the same only at 100 %; what differs is
        named (缺少/增加 a passage, the 附件说明, the 抄送); which copies are searchable is said as it is."""
        earlier = self.earlier["number"]
        outcome = outcome or ("linked" if self.kind == LINKED else "routed")
        text = "正文相同" if self.similarity >= 0.995 else f"正文基本相同（相似度 {self.similarity:.0%}）"
        changed = ("：" + "；".join(self.changes)) if self.changes else ""
        if outcome == "linked":
            return f"{number} 与 {earlier} 为同一来文（{text}{changed}），已关联，不再分办、不重复入检索"
        if self.kind == LINKED:
            why = f"与 {earlier} 为同一来文（{text}{changed}），本件初审退文，未关联"
            head = f"{number} {why}"
        else:
            if self.resubmitted:
                why = "系退文后重报"
            elif self.earlier["status"] == "returned":  # both in hand before the return: two copies, not a resubmission
                why = f"前件已退文，本件收于退文之前，相似度 {self.similarity:.0%}"
            else:
                why = f"正文有改动，相似度 {self.similarity:.0%}"
            head = f"{number} 为 {earlier} 的第 {self.revision} 版（{why}{changed}）"
            head += "，按新件初审分办" if outcome == "routed" else "，本件初审退文"
        mine = outcome == "routed"
        theirs = self.earlier.get("status") not in NOT_SEARCHABLE
        if mine and theirs:
            tail = "两版均可检索，请核对以哪一版为准"
        elif mine:
            tail = f"{earlier} 未入检索（{_STATUS_ZH.get(self.earlier.get('status'), '')}），本件入检索"
        elif theirs:
            tail = f"本件未入检索，{earlier} 可检索"
        else:
            tail = "两件均未入检索"
        return f"{head}；{tail}"


def number_key(doc_number: Optional[str]) -> Optional[str]:
    """发文字号 → its comparison key, or None where there is none: 筑教发[2026]012号, 筑教发（２０２６）12 号 and
    筑教发〔2026〕12号 all give 筑教发〔2026〕12号."""
    text = unicodedata.normalize("NFKC", doc_number or "").translate(_BRACKETS)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"(〕|^|[^\d])0+(\d)", r"\1\2", text)
    return text if re.search(r"\d", text) else None


def plain(text: Optional[str]) -> str:
    """NFKC, then letters and digits only (blanks, punctuation and symbols dropped): for titles, issuers, 正文."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def similarity(a: str, b: str) -> float:
    """Character-level similarity of two plain texts, 0–1 (rapidfuzz's normalised Indel ratio); 1.0 for two
    empty ones."""
    if not a and not b:
        return 1.0
    return fuzz.ratio(a, b) / 100.0


_STATUS_ZH = {"returned": "已退文", "quarantined": "已隔离", "held": "待机要员核定", "linked": "已关联"}


def claimed_text(body: str, document: dict) -> str:
    """The text claimed for a document: its 正文's plain text, then PARTS and what else is compared (附件 named in
    the 附件说明, a 抄送 in the 版记)."""
    attachments = len(document.get("attachments") or [])
    cc = 1 if document.get("cc") else 0
    addressees = "、".join(plain(a) for a in document.get("addressees") or [])
    return f"{plain(body)}{PARTS}附件{attachments}抄送{cc}主送{addressees}"


def _parts(claimed: Optional[str]) -> tuple[str, Optional[int], Optional[int], Optional[str]]:
    """(plain 正文, number of 附件, 抄送 1/0, 主送 names joined by 、) of a claimed text; None where an older
    claim has no parts."""
    text, _, rest = (claimed or "").partition(PARTS)
    m = re.fullmatch(r"附件(\d+)抄送(\d)(?:主送(.*))?", rest)
    if not m:
        return text, None, None, None
    return text, int(m.group(1)), int(m.group(2)), m.group(3)


def changes_between(earlier: str, later: str, earlier_claim: Optional[str] = None,
                    later_claim: Optional[str] = None) -> tuple[str, ...]:
    """What the later copy lacks or adds against the earlier one, in Chinese: passages of the 正文 of at least
    CHANGE_MIN characters (缺少“…” / 增加“…”, the longest first, at most CHANGES_SHOWN), then the 附件说明 and the
    抄送 where the claims carry them. Texts are plain (letters and digits), as compared."""
    found: list[tuple[int, str]] = []
    for op in Indel.opcodes(earlier, later):
        if op.tag in ("delete", "replace") and op.src_end - op.src_start >= CHANGE_MIN:
            gone = earlier[op.src_start:op.src_end]
            found.append((len(gone), f"缺少“{_short(gone)}”"))
        if op.tag in ("insert", "replace") and op.dest_end - op.dest_start >= CHANGE_MIN:
            added = later[op.dest_start:op.dest_end]
            found.append((len(added), f"增加“{_short(added)}”"))
    out = [text for _, text in sorted(found, key=lambda t: -t[0])[:CHANGES_SHOWN]]
    _, a_att, a_cc, a_to = _parts(earlier_claim)
    _, b_att, b_cc, b_to = _parts(later_claim)
    if a_to is not None and b_to is not None and a_to != b_to:
        out.append(f"主送机关不同（本件：{b_to or '无'}；前件：{a_to or '无'}）")
    if a_att is not None and b_att is not None and a_att != b_att:
        out.append(f"附件说明列 {b_att} 个附件（前件 {a_att} 个）" if b_att else f"缺少附件说明（前件列 {a_att} 个附件）")
    if a_cc is not None and b_cc is not None and a_cc != b_cc:
        out.append("缺少版记（抄送）" if a_cc else "增加版记（抄送）")
    return tuple(out)


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[:width] + "…"


def _same_source(mine: dict, theirs: dict) -> bool:
    if similarity(plain(mine["title"]), plain(theirs["title"])) < TITLE_SIMILAR:
        return False
    a, b = plain(mine["issuer"]), plain(theirs["issuer"])
    return not a or not b or similarity(a, b) >= ISSUER_SIMILAR


def match(ledger, row: dict, document: dict, body: str, sender_name: Optional[str] = None) -> Optional[Match]:
    """Claim this document's key and text, and find the earlier registration of the same 来文, if any.

    row: the ledger row (id, number); document: the report's `document` (issuer, doc_number, title);
    body: the 正文 as read. Returns None for a first registration or a document with no 发文字号.
    Candidates are earlier claims with the same 发文字号 key that are not quarantined or linked;
    the most recent one whose title and issuer match is taken."""
    key = number_key(document.get("doc_number"))
    if key is None or not plain(document.get("title")):
        return None
    mine = {"title": document.get("title"), "issuer": document.get("issuer") or sender_name}
    claim = claimed_text(body, document)
    text = plain(body)
    candidates = ledger.claim_same_document(row["id"], key, claim)  # serialised: two workers claiming at once
    for earlier in candidates:
        if not _same_source(mine, {"title": earlier["title"], "issuer": earlier["issuer"] or earlier["sender"]}):
            continue
        earlier_text = _parts(earlier["same_body"])[0]
        score = similarity(text, earlier_text)
        changes = changes_between(earlier_text, text, earlier["same_body"], claim)
        if score >= SAME_TEXT and earlier["status"] != "returned":
            return Match(LINKED, earlier, score, changes=changes)  # what differs (OCR noise aside) is said
        return Match(REVISION, earlier, score, revision=(earlier["revision"] or 1) + 1,
                     resubmitted=_returned_before(ledger, earlier, row.get("received_at")), changes=changes)
    return None


def _returned_before(ledger, earlier: dict, received_at: Optional[str]) -> bool:
    """Whether `earlier` had been returned (退文) when this copy was received: only then is it a 重报. Two copies
    received together (one batch, read in parallel) are not, whichever was reviewed first."""
    if earlier["status"] != "returned" or not received_at:
        return False
    returns = [h["at"] for h in ledger.history(earlier["id"]) if h["status"] == "returned"]
    try:
        return bool(returns) and datetime.fromisoformat(returns[-1]) <= datetime.fromisoformat(received_at)
    except ValueError:
        return False


