"""The real corpus (tests/data/real/): its hand-written right values, the fields shouwen reads, and how they compare.

Shared by tests/validators/test_real_corpus.py (one test per document and field) and bench/field_accuracy.py (field
accuracy per field). The right values are in tests/data/real/expected.toml, written by hand from each text
and GB/T 9704-2012; SOURCES.md says where each text comes from.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

REAL = Path(__file__).resolve().parent / "data" / "real"
DOCS = REAL / "docs"

# The eight fields the benchmark scores (issue 8), then the 公文 format of GB/T 9704 chapter 10.
FIELDS = ("doc_type", "title", "issuers", "doc_number", "date", "addressees", "cc", "signers")
ALL_FIELDS = FIELDS + ("format",)
FIELD_ZH = {"doc_type": "文种", "title": "标题", "issuers": "发文机关", "doc_number": "发文字号", "date": "成文日期",
            "addressees": "主送机关", "cc": "抄送", "signers": "签发人", "format": "格式"}
LIST_FIELDS = ("issuers", "addressees", "cc", "signers")
# Where a report may one day say which format of chapter 10 it read (not in the schema yet): the first key
# present in report["document"] is used. Absent → None, and every `format` check fails (kept as xfail).
FORMAT_KEYS = ("format", "gongwen_format", "layout_format", "special_format", "doc_format")


@dataclass
class Case:
    """One document of the corpus and its right values."""

    id: str
    file: Path
    origin: str  # real / derived
    expected: dict[str, Any]  # field → right value (only the fields known)
    absent: list[str]  # fields the document does not have
    must_not_return: bool
    reason: str
    breaks: list[str] = field(default_factory=list)

    @property
    def channel(self) -> str:
        return "mail" if "邮件" in self.file.name else "unknown"

    def checked_fields(self) -> list[str]:
        return [f for f in ALL_FIELDS if f in self.expected or f in self.absent]


def load_cases(expected: Path = REAL / "expected.toml", docs: Path = DOCS, missing_ok: bool = False) -> list[Case]:
    """Every document of an expected.toml (default: the real corpus), in file order, its files under `docs`.

    Raises ValueError on a malformed entry, or on a file that is not there unless `missing_ok` (then the entry
    is left out: the files of tests/data/producers are not in the repository, see its SOURCES.md).
    """
    data = tomllib.loads(expected.read_text(encoding="utf-8"))
    cases = []
    for key, entry in data.items():
        path = docs / entry["file"]
        if not path.is_file():
            if missing_ok:
                continue
            raise ValueError(f"{key}: no file {path}")
        unknown = set(entry.get("absent", [])) - set(ALL_FIELDS)
        if unknown:
            raise ValueError(f"{key}: unknown fields in absent: {unknown}")
        cases.append(Case(id=key, file=path, origin=entry["origin"],
                          expected={f: entry[f] for f in ALL_FIELDS if f in entry},
                          absent=list(entry.get("absent", [])), must_not_return=bool(entry["must_not_return"]),
                          reason=entry.get("reason", ""), breaks=list(entry.get("breaks", []))))
    return cases


@dataclass
class Reading:
    """What shouwen made of one document: the report's elements and its verdict."""

    fields: dict[str, Any]
    verdict: str
    outcome: str  # accept / return (a sure 退文) / review_held (待复核), validators/doubt.py
    errors: list[str]  # rule ids of the error findings
    findings: list[dict]


@lru_cache(maxsize=None)
def read(path: Path, channel: str) -> Reading:
    """初审 of one file through the real pipeline (pipelines.review.review_document); raises UnusableInput."""
    from pipelines.review import review_document

    report = review_document(path.read_bytes(), path.name, channel).report
    return Reading(fields=actual_fields(report), verdict=report["verdict"], outcome=report.get("outcome", report["verdict"]),
                   errors=[f["rule"] for f in report["findings"] if f["severity"] == "error"],
                   findings=report["findings"])


def read_or_unusable(path: Path, channel: str) -> Reading:
    """`read`, or for a file shouwen refuses as unusable (exit 2 of validate) a Reading with verdict "unusable",
    no fields, and the Chinese reason as its one finding (benchmarks count such a file apart; it is no 退文)."""
    from extractors.errors import UnusableInput

    try:
        return read(path, channel)
    except UnusableInput as exc:
        return Reading(fields=actual_fields({}), verdict="unusable", outcome="unusable", errors=[],
                       findings=[{"rule": "unusable", "severity": "unusable", "message": str(exc)}])


def actual_fields(report: dict) -> dict[str, Any]:
    """The fields of a report's `document`, shaped like expected.toml: lists for issuers and signers.

    `issuers` is the report's `issuers` list where the parser gives one (joint documents), else its single
    `issuer`. `signers` splits the 签发人 text at spaces and 、，. This is the one place to wire new report
    fields into the measure.
    """
    doc = report.get("document") or {}
    issuers = doc.get("issuers")
    if issuers is None:
        issuers = [doc["issuer"]] if doc.get("issuer") else []
    signer = doc.get("signer")
    fmt = next((doc[k] for k in FORMAT_KEYS if doc.get(k)), None)
    return {
        "doc_type": doc.get("doc_type"),
        "title": doc.get("title"),
        "issuers": list(issuers),
        "doc_number": doc.get("doc_number"),
        "date": doc.get("date"),
        "addressees": list(doc.get("addressees") or []),
        "cc": list(doc.get("cc") or []),
        "signers": [s for s in re.split(r"[\s、，,]+", signer) if s] if signer else [],
        "format": fmt,
    }


# ---- comparison --------------------------------------------------------------------------------------------

_FOLD = str.maketrans({**{0xFF10 + i: 0x30 + i for i in range(10)}, "(": "（", ")": "）"})


def _fold(text: str) -> str:
    """Whitespace dropped; full-width digits and ASCII parentheses written one way (variants, not errors)."""
    return re.sub(r"\s+", "", text).translate(_FOLD)


def _names(items: list[str]) -> list[str]:
    """Every name of a list, split at top-level 、，,；; (outside brackets), trailing ：。 dropped."""
    out: list[str] = []
    for item in items:
        depth, current = 0, ""
        for ch in _fold(item).rstrip("：:。."):
            if ch in "（〔[【":
                depth += 1
            elif ch in "）〕]】":
                depth = max(0, depth - 1)
            if ch in "、，,；;" and depth == 0:
                if current:
                    out.append(current)
                current = ""
            else:
                current += ch
        if current:
            out.append(current)
    return out


def normalised(field_name: str, value: Any) -> Any:
    if field_name in LIST_FIELDS:
        return _names(value or [])
    if value is None or value == "":
        return None
    return _fold(str(value)) if field_name in ("title", "doc_number", "doc_type") else value


def expected_value(case: Case, field_name: str) -> Any:
    if field_name in case.expected:
        return case.expected[field_name]
    return [] if field_name in LIST_FIELDS else None


def field_matches(case: Case, field_name: str, reading: Reading) -> bool:
    """Whether shouwen read `field_name` of `case` right (absent fields must come back empty)."""
    if field_name == "format" and field_name in case.expected and reading.fields["format"] is None:
        return False
    return normalised(field_name, reading.fields[field_name]) == normalised(field_name, expected_value(case, field_name))
