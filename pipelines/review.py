"""初审 of one file: bytes → layout model → 公文 elements → findings → report."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from extractors import UnusableInput, extract
from extractors.elements import Elements, parse_elements
from extractors.normalise import normalise
from validators import DEFAULT_PROFILE, validate
from validators.report import build_report


@dataclass
class Review:
    report: dict  # valid against validation-report.schema.json
    body: str  # 正文, for routing and the index
    text: str  # everything read, in reading order
    elements: Optional[Elements] = None  # the parsed 公文 elements (format, issuers, secrecy_unreadable …)


def review_document(data: bytes, file: str, channel: str = "unknown", profile: str = DEFAULT_PROFILE) -> Review:
    """初审 of one file's bytes; raises UnusableInput."""
    document = extract(data)
    elements = parse_elements(document)
    findings, skipped = validate(document, elements, profile, channel)
    report = build_report(file=file, sha256=hashlib.sha256(data).hexdigest(), channel=channel, document=document,
                          elements=elements, findings=findings, skipped=skipped, profile=profile)
    # body and text normalised (Kangxi radicals, full-width digits: extractors/normalise.py) for routing and search
    return Review(report=report, body=elements.body_text, text=normalise(document.text()), elements=elements)


def review_bytes(data: bytes, file: str, channel: str = "unknown", profile: str = DEFAULT_PROFILE) -> dict:
    """The report (a dict valid against validation-report.schema.json); raises UnusableInput."""
    return review_document(data, file, channel, profile).report


def review_path(path: Path, channel: str = "unknown", profile: str = DEFAULT_PROFILE) -> dict:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise UnusableInput(f"找不到文件：{path}", "missing") from exc
    except IsADirectoryError as exc:
        raise UnusableInput(f"这是一个文件夹，不是文件：{path}", "missing") from exc
    except PermissionError as exc:
        raise UnusableInput(f"没有读取权限：{path}", "missing") from exc
    return review_bytes(data, Path(path).name, channel, profile)
