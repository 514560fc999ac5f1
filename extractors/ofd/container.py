"""The OFD package: a zip of XML parts, opened under the same guards as docx (OFD 容器).

GB/T 33190-2016 §7.2: a zip whose root holds OFD.xml; parts name each other by paths that are absolute
("/Doc_0/Document.xml", from the package root) or relative to the naming part's folder. Everything is
refused before parsing when it looks hostile: zip bombs (total size, per-member ratio, member count),
member names that climb out of the package, XML with entity declarations, XML nested too deep.
"""
from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from .. import limits
from ..errors import UnusableInput, technical

MAX_XML_DEPTH = 200  # libxml2 itself stops at 256 without huge_tree; a real page nests under 20
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                            remove_comments=True, remove_pis=True)


def normalise(path: str, base: str = "") -> str:
    """A part name inside the package, from a path as written in an OFD part.

    `base` is the folder of the part that names it. Backslashes (written by some Windows producers)
    become slashes; a path that climbs above the root is refused. Returns a name without leading '/'.
    """
    path = (path or "").strip().replace("\\", "/")
    if not path:
        raise UnusableInput("OFD 文件内部引用了空路径，文件结构损坏", "corrupt")
    joined = path if path.startswith("/") else posixpath.join("/", base, path)
    parts: list[str] = []
    for part in joined.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:  # normpath would quietly stop at the root; a path that tries to climb is refused
                raise UnusableInput(f"OFD 内部路径“{path}”越出文件范围，疑似恶意构造", "hostile")
            parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


class Package:
    """An opened, checked OFD zip. `read(name)` gives a member's bytes, `xml(name)` its parsed tree."""

    def __init__(self, data: bytes):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise UnusableInput("OFD 文件损坏，压缩结构无法读取", "corrupt", technical(exc)) from exc
        limits.check_zip_members(infos, "OFD")
        # names are matched case-insensitively too: producers write "Doc_0/Res" and refer to "/doc_0/res"
        self.names = {i.filename.replace("\\", "/").lstrip("/"): i for i in infos if not i.is_dir()}
        self.lower = {name.lower(): name for name in self.names}
        self.read_bytes = 0

    def has(self, name: str) -> bool:
        return name in self.names or name.lower() in self.lower

    def read(self, name: str) -> bytes:
        info = self.names.get(name) or self.names.get(self.lower.get(name.lower(), ""))
        if info is None:
            raise KeyError(name)
        self.read_bytes += info.file_size
        if self.read_bytes > limits.MAX_ZIP_TOTAL_BYTES:
            raise UnusableInput("OFD 解压内容过大（重复引用同一部件），疑似恶意构造", "hostile")
        try:
            return self.zip.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:  # CRC error, truncated member
            raise UnusableInput(f"OFD 内部文件“{name}”损坏，无法解压", "corrupt", technical(exc)) from exc

    def xml(self, name: str) -> etree._Element:
        """Parse one XML part with entities off, namespaces stripped (tags become local names)."""
        return parse_xml(self.read(name), name)


def parse_xml(data: bytes, name: str) -> etree._Element:
    """lxml with resolve_entities=False, no network, no huge trees; DTDs and deep nesting refused."""
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise UnusableInput(f"OFD 内部文件“{name}”含有 XML 实体声明（DTD），OFD 不应包含，疑似恶意构造", "hostile")
    try:
        root = etree.fromstring(data, _SAFE_XML)
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower() or "nest" in str(exc).lower():
            raise UnusableInput(f"OFD 内部文件“{name}”的 XML 嵌套过深，疑似恶意构造", "hostile") from exc
        raise UnusableInput(f"OFD 内部文件“{name}”不是合法的 XML", "corrupt", technical(exc)) from exc
    if root is None:
        raise UnusableInput(f"OFD 内部文件“{name}”为空", "corrupt")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
        elif ":" in el.tag:  # a prefix without a declared namespace
            el.tag = el.tag.split(":", 1)[1]
    _check_depth(root, name)
    return root


def _check_depth(root, name: str) -> None:
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_XML_DEPTH:
            raise UnusableInput(f"OFD 内部文件“{name}”的 XML 嵌套过深，疑似恶意构造", "hostile")
        stack.extend((child, depth + 1) for child in el)
