"""Text out of a message's headers and bodies, as Chinese mail clients really write them (邮件文字解码).

The standard library parses the message (email, policy `default`); what it cannot know is how mail
clients break the rules, so the header values are taken raw (`Message.raw_items()`) and decoded here:

- raw 8-bit bytes in a header (old OA systems, scripts: GBK or UTF-8 without encoded words);
- GB2312-labelled text holding GBK characters (镕, 珺, 堃 …): every GB label is decoded as GB18030,
  the superset (GB 18030-2005 contains GBK contains GB 2312);
- encoded words split in the middle of a character (Outlook, Foxmail cut long names at a byte
  count): adjacent words of one charset are joined before decoding (`email.header.decode_header`);
- encoded words inside quotes (`filename="=?GBK?B?…?="`, what nearly every client sends);
- RFC 2231 names, with or without continuations (`filename*0*=utf-8''…; filename*1*=…`);
- a declared charset that is wrong: the declared one first, then UTF-8, then GB18030.
"""
from __future__ import annotations

import codecs
import email.errors
import email.header
import email.message
import email.utils
import re
from datetime import datetime, timezone
from typing import Optional

# Every label of the GB family reads as GB18030: a strict superset, so nothing correct is misread.
_GB_LABELS = {"gb2312", "gbk", "cp936", "x-gbk", "euc-cn", "x-euc-cn", "csgb2312", "gb_2312-80", "gb_2312", "chinese",
              "ms936", "windows-936", "x-mac-chinesesimp", "gb18030"}
_ASCII_LABELS = {"us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "unknown-8bit", "x-unknown", "unknown", "default"}
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def text_codec(label: Optional[str]) -> Optional[str]:
    """The Python codec for a MIME charset label, or None when unknown or not a text encoding.

    GB2312/GBK/… → gb18030 (see the module note); us-ascii → None (8-bit text labelled ASCII is common).
    """
    if not label:
        return None
    label = label.strip().strip('"').lower()
    if label in _GB_LABELS:
        return "gb18030"
    if label in _ASCII_LABELS:
        return None
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):  # zlib, base64, rot13: never decode through those
        return None
    return "big5hkscs" if info.name == "big5" else info.name


def decode_bytes(data: bytes, label: Optional[str] = None) -> str:
    """Bytes → text: the declared charset if it decodes cleanly, else UTF-8, else GB18030 (with U+FFFD)."""
    tried = []
    for codec in (text_codec(label), "utf-8", "gb18030"):
        if codec and codec not in tried:
            tried.append(codec)
            try:
                return data.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
    return data.decode("gb18030", errors="replace")


def unfold(raw: str) -> str:
    """A raw header value (as `raw_items()` gives it) with folding removed and raw 8-bit bytes decoded.

    The parser keeps raw 8-bit header bytes as surrogate escapes; they are decoded as UTF-8 or GB18030.
    """
    raw = _FOLD.sub("", raw)
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        raw = decode_bytes(raw.encode("utf-8", errors="surrogateescape"))
    return raw


def words(value: str) -> str:
    """Decode RFC 2047 encoded words in `value` (an unfolded header value or a parameter's value)."""
    if not _ENCODED_WORD.search(value):
        return value
    try:
        parts = email.header.decode_header(value)  # joins adjacent words of one charset: split characters heal
    except (email.errors.HeaderParseError, ValueError, LookupError):
        return value
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:  # unencoded text between words (decode_header hands it back escaped)
            out.append(chunk.decode("raw-unicode-escape", errors="replace"))
        else:
            out.append(decode_bytes(chunk, charset))
    return "".join(out)


def header_text(raw: Optional[str], limit: int = 1000) -> str:
    """A header as one clean line: unfolded, 8-bit and encoded words decoded, controls (injected CR/LF) → space."""
    if not raw:
        return ""
    text = _CONTROL.sub(" ", words(unfold(str(raw)))).strip()
    text = re.sub(r"\s{2,}", " ", text)
    return text[:limit]


def raw_header(part: email.message.Message, name: str) -> Optional[str]:
    """The first header `name` as received (folded, 8-bit bytes as surrogate escapes), or None."""
    name = name.lower()
    for key, value in part.raw_items():
        if key.lower() == name:
            return str(value)
    return None


def raw_headers(part: email.message.Message, name: str) -> list[str]:
    name = name.lower()
    return [str(value) for key, value in part.raw_items() if key.lower() == name]


def _param(header_value: str, param: str) -> Optional[str]:
    """One MIME parameter, RFC 2231 continuations and charsets applied, encoded words decoded."""
    holder = email.message.Message()  # compat32: parameter parsing only, on our decoded value
    holder["X"] = header_value
    found: list = []
    try:
        params = holder.get_params(header="X", failobj=[])
    except (ValueError, IndexError, LookupError):
        return None
    for key, value in params[1:]:
        if key.lower() == param:
            found.append(value)
    if not found:
        return None
    value = next((v for v in found if isinstance(v, tuple)), found[0])  # filename*= wins over filename=
    if isinstance(value, tuple):  # RFC 2231: (charset, language, text with %XX undone as Latin-1)
        charset, _, text = value
        try:
            text = decode_bytes(text.encode("latin-1"), charset)
        except UnicodeEncodeError:
            pass
        return words(text)
    return words(email.utils.unquote(value))


def safe_name(name: str) -> str:
    """A file name that is only a name: no folders (../, C:\\), no controls, at most 200 characters."""
    name = _CONTROL.sub("", name).replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".").strip()
    if ":" in name[:3]:
        name = name.split(":", 1)[1]
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext) if dot and len(ext) <= 8 else name[:200]
    return name


def file_name(part: email.message.Message) -> Optional[str]:
    """The attachment's name as the sender meant it (Content-Disposition filename, else Content-Type name)."""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        raw = raw_header(part, header)
        if raw:
            value = _param(unfold(raw), param)
            if value and value.strip():
                return safe_name(value) or None
    return None


def addresses(part: email.message.Message, *names: str) -> list[tuple[str, str]]:
    """(display name, address) for every address in the headers `names`, display names decoded."""
    values = [unfold(v) for name in names for v in raw_headers(part, name)]
    out = []
    for display, address in email.utils.getaddresses(values):
        display = header_text(display, 200)
        address = _CONTROL.sub("", address).strip()[:320]
        if display or address:
            out.append((display, address))
    return out


def parse_date(raw: Optional[str]) -> Optional[datetime]:
    """An RFC 5322 date as an aware datetime (a zone of -0000, 'unknown', is taken as UTC); None if invalid."""
    if not raw:
        return None
    try:
        value = email.utils.parsedate_to_datetime(_CONTROL.sub(" ", unfold(raw)).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def message_date(part: email.message.Message) -> tuple[Optional[datetime], str]:
    """(date, where from): the Date header, else the newest Received header's time stamp (after ';')."""
    date = parse_date(raw_header(part, "date"))
    if date:
        return date, "Date"
    for received in raw_headers(part, "received"):
        _, _, stamp = unfold(received).rpartition(";")
        date = parse_date(stamp)
        if date:
            return date, "Received"
    return None, ""


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "hr",
           "section", "article", "ul", "ol", "dd", "dt")


def html_to_text(html: str) -> str:
    """An HTML body as text with its line breaks (lxml.html; scripts and styles dropped)."""
    import lxml.etree
    import lxml.html

    html = _NOT_XML.sub(" ", html)  # lxml refuses NUL and other controls in text
    if not html.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(html)
        for junk in root.xpath("//script|//style|//head|//title|//noscript"):
            junk.drop_tree()
        for element in root.iter():  # a line break in the HTML source is a blank, or nothing between Chinese
            if element.tag == "pre" or not isinstance(element.tag, str):
                continue
            if element.text and "\n" in element.text:
                element.text = _source_breaks(element.text)
            if element.tail and "\n" in element.tail:
                element.tail = _source_breaks(element.tail)
        for element in root.iter(*_BLOCKS):
            element.tail = "\n" + (element.tail or "")
        for cell in root.iter("td", "th"):
            cell.tail = " " + (cell.tail or "")
        text = re.sub(r"[ \t]+", " ", root.text_content())  # HTML collapses blanks (not the ideographic space)
        return tidy_text(re.sub(r"(?m)^ ", "", text))
    except (lxml.etree.LxmlError, ValueError):
        return ""


_CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]*\r?\n[ \t]*(?=[\u3000-\u9fff\uff00-\uffef])")


def _source_breaks(text: str) -> str:
    return re.sub(r"[ \t]*\r?\n[ \t]*", " ", _CJK_BREAK.sub("", text))


def tidy_text(text: str) -> str:
    """Line ends unified, no-break spaces made spaces, trailing spaces and runs of blank lines removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\u3000\n", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")
