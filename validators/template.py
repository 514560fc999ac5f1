"""Is the file a template rather than a 公文? (模板识别, issue 24 §3)

A Word template (.dotx/.dotm, known by its package's content type: extractors/docx_reader.py) or a draft whose
elements are still placeholders ("[主送单位]：", "[发文单位]", "[日期]", a reference document's style names
"Title", "Heading 1": extractors/placeholders.py) is a form to fill, not a 公文. It is said to be one — the
report's outcome `template` and a Chinese note — and never returned as a 公文 with reasons: its findings stay in
the report for whoever looks, but none is a 退文 reason.

    template_reason(document, elements) -> str | None     Chinese, why the file is a template; None: it is not
"""
from __future__ import annotations

from typing import Optional

from extractors.elements import Elements
from extractors.layout import Document

PLACEHOLDERS_MIN = 2  # this many 占位文字 make a document an unfilled template (one may be a slip in a real 公文)
SAMPLES = 3  # placeholders quoted in the reason


def template_reason(document: Document, elements: Elements) -> Optional[str]:
    """Why `document` is a template (Chinese, one sentence), or None when it is not one.

    A template by its file (Document.template: a .dotx/.dotm package), or by its content: PLACEHOLDERS_MIN or more
    placeholders where a 公文's elements go (Elements.placeholders, never read as content)."""
    placeholders = [f.text for f in getattr(elements, "placeholders", [])]
    sample = "”“".join(_unique(placeholders)[:SAMPLES])
    if getattr(document, "template", False):
        held = f"，含 {len(placeholders)} 处占位文字（如“{sample}”）" if placeholders else ""
        return f"原件是 Word 模板文件（.dotx/.dotm）{held}"
    if len(placeholders) >= PLACEHOLDERS_MIN:
        return f"含 {len(placeholders)} 处模板占位文字（如“{sample}”），要素尚未填写"
    return None


def template_note(reason: str) -> str:
    """The report's note for a template (Chinese): what it is and what the sender should do."""
    return f"本件是模板或未填写完的样稿，不是公文：{reason}；未按公文初审退文，以上检查结果仅供参考，请来文单位报送填写完成的正式文件"


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if not (x in seen or seen.add(x))]
