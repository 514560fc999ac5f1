"""初审 of one file: bytes → layout model → 公文 elements → findings → report."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from extractors import UnusableInput, detect_format, extract, formats
from extractors.detect import check_claim
from extractors.elements import Elements, parse_elements
from extractors.normalise import normalise
from extractors.secrecy import CLASSIFIED, OPEN, Decision, secrecy_decision, unreadable_mark
from validators import DEFAULT_PROFILE, validate
from validators.report import build_report

from .terminal import shown

if TYPE_CHECKING:
    from extractors.mail import MailMessage


@dataclass
class Review:
    report: dict  # valid against validation-report.schema.json
    body: str  # 正文, for routing and the index
    text: str  # everything read, in reading order
    mail: Optional[MailMessage] = None  # when the file was a mail message: sender, date, attachments (邮件)
    secrecy_unreadable: Optional[str] = None  # a 密级 line whose level could not be read (see secrecy.py)
    elements: Optional[Elements] = None  # the parsed 公文 elements (format, issuers, secrecy_unreadable …)
    seals: Optional[list] = None  # OFD electronic seals (电子印章), extractors/ofd/seals.py: [{unchanged, …}]
    annex_secrecy: Optional[Decision] = None  # a mail 附件 with a 密级 mark: CLASSIFIED or HELD (secrecy.py)


@dataclass
class Read:
    """One file as read, before any check: what 来信 / 公文 is told on (pipelines/letters/tell.py)."""
    data: bytes
    channel: str
    document: object  # extractors' Document
    mail: Optional[MailMessage] = None

    @property
    def text(self) -> str:
        """Everything read, in reading order, normalised (extractors/normalise.py)."""
        return normalise(self.document.text())


def read_original(data: bytes, channel: str = "unknown", name: Optional[str] = None) -> Read:
    """Read one file's bytes (a mail through its main document); raises UnusableInput. Nothing is checked but
    what the file is: `name` (as received) given, a few bytes of text under a .docx, .doc … name, or a type we do
    not take (.exe), is refused here as unreadable (extractors/detect.check_claim), never read as a 公文."""
    fmt = detect_format(data)
    if name is not None:
        check_claim(name, fmt, data)
    mail = None
    if fmt == "eml":
        from extractors.mail import read_message
        mail, document = read_message(data)
        channel = "mail" if channel == "unknown" else channel
    else:
        document = extract(data, fmt)
    return Read(data, channel, document, mail)


def review_document(data: bytes, file: str, channel: str = "unknown", profile: str = DEFAULT_PROFILE,
                    read: Optional[Read] = None) -> Review:
    """初审 of one file's bytes; raises UnusableInput. `file` is shown in the report as pipelines.terminal.shown
    makes it (a name with control characters or bytes that are not UTF-8 is escaped or decoded). read: the file
    as read_original read it already (it is not read twice).

    A mail message (.eml, detected from content) is reviewed through its main document (extractors/mail):
    the report says where it came from in `notes` and carries the message's summary as `mail`."""
    from extractors.detect import extension_mismatch, unusable_with_extension

    named, file = file, shown(file)
    if read is None:
        try:
            read = read_original(data, channel, named)
        except UnusableInput as exc:  # no registered format: what the name claimed is said with the reason
            raise unusable_with_extension(named, exc) from exc
    document, mail, channel = read.document, read.mail, read.channel
    elements = parse_elements(document)
    findings, skipped = validate(document, elements, profile, channel)
    report = build_report(file=file, sha256=hashlib.sha256(data).hexdigest(), channel=channel, document=document,
                          elements=elements, findings=findings, skipped=skipped, profile=profile)
    annex = annex_secrecy(mail) if mail is not None else None
    if mail is not None:
        report["mail"] = mail.summary()
    if annex is not None:
        report["notes"].append(annex.reason)
    mismatch = extension_mismatch(named, "eml" if mail is not None else report["format"])
    if mismatch:  # a file named .pdf that is plain text: reviewed as what it is, and the clerk is told (notes)
        report["notes"].insert(0, mismatch)
    # body and text normalised (Kangxi radicals, full-width digits: extractors/normalise.py) for routing and search;
    # a text in traditional characters gives the index its simplified form beside the original, so that both
    # 鄂政發 and 鄂政发 find it (the body, for routing, is the simplified one)
    text = normalise(document.text())
    if getattr(elements, "traditional", False):
        from extractors.normalise import to_simplified
        text = text + "\n" + to_simplified(text)
    return Review(report=report, body=elements.body_text, text=text, mail=mail,
                  secrecy_unreadable=unreadable_mark(elements), elements=elements,
                  seals=list(getattr(document, "seals", None) or []), annex_secrecy=annex)


# 附件 read for a 密级 mark (the format registry, extractors/formats.py: annex_readable): text layers, and the 版头 of
# page 1 when it is a picture (an image 附件, a scanned page: extractors/image_marks.py reads its upper part by OCR,
# not the whole page); doc/wps would need a LibreOffice conversion per 附件 and are not read. Known gap, on purpose.
ANNEX_FORMATS = formats.names(annex_readable=True)


def annex_secrecy(mail: "MailMessage") -> Optional[Decision]:
    """CLASSIFIED (or else HELD) when one of the mail's 附件 carries a 密级 mark,
    read as the batch reads a main document (extract with the same size/time limits, parse_elements,
    secrecy.secrecy_decision); None when none does. An 附件 that cannot be read does not make the mail
    classified (its 主件 decides)."""
    held = None
    for annex in mail.annexes:
        if annex.problem or not annex.data or annex.format not in ANNEX_FORMATS:
            continue
        try:
            decision = secrecy_decision(parse_elements(extract(annex.data, annex.format, ocr=False)))
        except UnusableInput:
            continue
        if decision.kind == CLASSIFIED:
            return decision
        if decision.kind != OPEN and held is None:
            held = decision
    return held


def review_original(office, row: dict) -> Review:
    """初审 again of a registered document from its archived original (office.root / row's archive_path), with
    the office's profile. Raises UnusableInput, OSError."""
    data = (Path(office.root) / row["archive_path"]).read_bytes()
    return review_document(data, row["file"], channel=row["channel"], profile=office.profile)


def review_bytes(data: bytes, file: str, channel: str = "unknown", profile: str = DEFAULT_PROFILE) -> dict:
    """The report (a dict valid against validation-report.schema.json); raises UnusableInput."""
    return review_document(data, file, channel, profile).report


def review_path(path: Path, channel: str = "unknown", profile: str = DEFAULT_PROFILE) -> dict:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise UnusableInput(f"找不到文件：{shown(path)}", "missing") from exc
    except IsADirectoryError as exc:
        raise UnusableInput(f"这是一个文件夹，不是文件：{shown(path)}", "missing") from exc
    except PermissionError as exc:
        raise UnusableInput(f"没有读取权限：{shown(path)}", "missing") from exc
    except OSError as exc:
        raise UnusableInput(f"无法读取文件：{shown(path)}（{exc.strerror or type(exc).__name__}）", "missing") from exc
    return as_the_office_acts(review_document(data, Path(path).name, channel, profile))


def as_the_office_acts(review: Review) -> dict:
    """The report with the 机要 policy applied as the batch applies it (pipelines/secrecy.decide, the one decision;
    outside the office no 机要员 decision is recorded): a 退文 the policy stops — a classified document goes to the
    机要室, one whose 密级 cannot be read waits for the 机要员 — has outcome "confidential" and, as
    `confidential`, the batch's words for it (secrecy.conclusion: 格式有误（涉密公文，不退文，转机要室办理）)."""
    from .secrecy import conclusion, decide, not_returned

    report = review.report
    decision = decide(review)
    if not_returned(report, decision):
        report["outcome"] = "confidential"
        report["confidential"] = conclusion(report, decision)
    return report
