"""Writes GB/T 9704 公文 as OFD (GB/T 33190-2016) from the same Spec as the docx and PDF builders.

The pages are typeset by builder.write_named_font_pdf itself, on a canvas that records reportlab's calls
(`OfdCanvas`) instead of writing PDF: the same glyph positions, fonts, colours and rules go into the OFD,
so a test can hold the OFD's findings equal to the PDF's. The OFD is written the way 电子公文 producers
write it: OFD.xml → Doc_0/Document.xml (CommonData/PageArea, PublicRes) → one Content.xml per page, a
TextObject per run of glyphs (Boundary, TextCode X/Y, DeltaX in the "g" notation), PathObjects for the
red separator and the 版记 rules, fonts named in Chinese (仿宋_GB2312, 方正小标宋简体 …).

Options:
- `seal=True`: an electronic seal over the date (Signatures.xml → Signature.xml with SM3 digests of the
  protected files, a StampAnnot and a red seal image drawn over the date). The seal file (Seal.esl) is a
  stand-in: a PNG, not a real SES_Signature (no CA here); the digests are real.
- `tamper=True` (with seal): the first page is changed after signing (a digest no longer matches).
- `pua="mapped"|"unmapped"`: the body font (仿宋) is embedded as a subset whose cmap holds private-use
  code points only, and the text is stored as those code points; "mapped" keeps the glyph names
  (uni4E00 …) so the text can be recovered from the font, "unmapped" drops them (the page must be OCR'd).
- `documents=2`: the same document twice, as two DocBody entries.
- `picture=(png_bytes, (x_mm, y_mm, w_mm, h_mm))`: an ImageObject on page 1 at that box (a 密级 stamped or pasted as
  an image, issue 19 point 1).
"""
from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from xml.sax.saxutils import escape, quoteattr

from . import builder

PT_PER_MM = 72 / 25.4
NS = "http://www.ofdspec.org/2016"
OFD_FONT_NAMES = {ps: zh for zh, ps in builder.PDF_FONT_NAMES.items()}  # "FangSong_GB2312" → "仿宋_GB2312"
SEAL_SIZE_MM = 42.0


def _mm(pt: float) -> float:
    return pt / PT_PER_MM


def _f(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def _deltas(values: list[float]) -> str:
    """DeltaX in the g notation: repeated values as "g N V" (GB/T 33190 §11.3)."""
    out: list[str] = []
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and abs(values[j + 1] - values[i]) < 1e-4:
            j += 1
        if j - i >= 2:
            out.append(f"g {j - i + 1} {_f(values[i])}")
        else:
            out.extend(_f(v) for v in values[i:j + 1])
        i = j + 1
    return " ".join(out)


@dataclass
class _Text:
    font: str
    size_pt: float
    color: tuple
    y_pt: float
    chars: list[tuple[float, str, float]] = field(default_factory=list)  # (x_pt, char, advance_pt)


@dataclass
class _Line:
    color: tuple
    width_pt: float
    x1: float
    y1: float
    x2: float
    y2: float


class OfdCanvas:
    """Records reportlab Canvas calls (the subset the builder uses) and writes them as OFD on save()."""

    def __init__(self, path: str, pagesize, spec: builder.Spec, options: dict):
        self.path, self.spec, self.options = Path(path), spec, options
        self.w_pt, self.h_pt = pagesize
        self.pages: list[list] = [[]]
        self.font, self.size = "FangSong_GB2312", 16.0
        self.fill, self.stroke, self.line_width = (0, 0, 0), (0, 0, 0), 1.0

    # --- the reportlab API the builder calls ----------------------------------------------------
    def setFont(self, name, size):
        self.font, self.size = name, size

    def setFillColorRGB(self, r, g, b):
        self.fill = (r, g, b)

    def setStrokeColorRGB(self, r, g, b):
        self.stroke = (r, g, b)

    def setLineWidth(self, width):
        self.line_width = width

    def stringWidth(self, text, font, size):
        from reportlab.pdfbase.pdfmetrics import stringWidth
        return stringWidth(text, font, size)

    def drawString(self, x, y, text):
        ops = self.pages[-1]
        last = ops[-1] if ops else None
        for ch in text:
            advance = self.stringWidth(ch, self.font, self.size)
            if not (isinstance(last, _Text) and (last.font, last.size_pt, last.color, last.y_pt) ==
                    (self.font, self.size, self.fill, y)):
                last = _Text(self.font, self.size, self.fill, y)
                ops.append(last)
            last.chars.append((x, ch, advance))
            x += advance

    def line(self, x1, y1, x2, y2):
        self.pages[-1].append(_Line(self.stroke, self.line_width, x1, y1, x2, y2))

    def showPage(self):
        self.pages.append([])

    def save(self):
        pages = [p for p in self.pages if p]
        self.path.write_bytes(OfdWriter(self.spec, self.w_pt, self.h_pt, pages, **self.options).build())


class OfdWriter:
    def __init__(self, spec, w_pt, h_pt, pages, seal=False, tamper=False, pua: Optional[str] = None,
                 documents: int = 1, font_dir: Optional[Path] = None, picture: Optional[tuple] = None):
        self.spec, self.pages, self.picture = spec, pages, picture
        self.w, self.h = _mm(w_pt), _mm(h_pt)
        self.seal, self.tamper, self.pua, self.documents, self.font_dir = seal, tamper, pua, documents, font_dir
        self.next_id = 1000
        self.font_ids: dict[str, int] = {}
        self.pua_map: dict[str, str] = {}
        self.files: dict[str, bytes] = {}

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def build(self) -> bytes:
        if self.pua:
            self._pua_font()
        for doc in range(self.documents):
            self._document(f"Doc_{doc}")
        bodies = "".join(
            f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>shouwen-test-{d}</ofd:DocID><ofd:Title>{escape(self.spec.title or '')}"
            f"</ofd:Title><ofd:Creator>shouwen tests/ofd_builder.py</ofd:Creator></ofd:DocInfo>"
            f"<ofd:DocRoot>Doc_{d}/Document.xml</ofd:DocRoot>"
            + (f"<ofd:Signatures>Doc_{d}/Signs/Signatures.xml</ofd:Signatures>" if self.seal else "")
            + "</ofd:DocBody>" for d in range(self.documents))
        self.files["OFD.xml"] = _xml(f'<ofd:OFD xmlns:ofd="{NS}" Version="1.1" DocType="OFD">{bodies}</ofd:OFD>')
        if self.seal:
            for d in range(self.documents):
                self._sign(f"Doc_{d}")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.files.items():
                z.writestr(name, data)
        return buf.getvalue()

    # --- parts --------------------------------------------------------------------------------
    def _document(self, doc: str) -> None:
        self.font_ids = {}
        page_parts = []
        for n, ops in enumerate(self.pages):
            page_id = self._id()
            self.files[f"{doc}/Pages/Page_{n}/Content.xml"] = self._page(ops, n, doc)
            page_parts.append(f'<ofd:Page ID="{page_id}" BaseLoc="Pages/Page_{n}/Content.xml"/>')
        fonts = "".join(
            f'<ofd:Font ID="{fid}" FontName={quoteattr(OFD_FONT_NAMES.get(ps, ps))} FamilyName={quoteattr(OFD_FONT_NAMES.get(ps, ps))}>'
            + ("<ofd:FontFile>FangSong_GB2312.ttf</ofd:FontFile>" if self.pua and ps == "FangSong_GB2312" else "")
            + "</ofd:Font>" for ps, fid in self.font_ids.items())
        media = ""
        if self.seal:
            media += '<ofd:MultiMedia ID="900" Type="Image" Format="PNG"><ofd:MediaFile>seal.png</ofd:MediaFile></ofd:MultiMedia>'
            self.files[f"{doc}/Res/seal.png"] = seal_png()
        if self.picture:
            media += '<ofd:MultiMedia ID="901" Type="Image" Format="PNG"><ofd:MediaFile>picture.png</ofd:MediaFile></ofd:MultiMedia>'
            self.files[f"{doc}/Res/picture.png"] = self.picture[0]
        media = f"<ofd:MultiMedias>{media}</ofd:MultiMedias>" if media else ""
        if self.pua:
            self.files[f"{doc}/Res/FangSong_GB2312.ttf"] = self.pua_font
        self.files[f"{doc}/PublicRes.xml"] = _xml(
            f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:ColorSpaces><ofd:ColorSpace ID="1" Type="RGB"/></ofd:ColorSpaces>'
            f"<ofd:Fonts>{fonts}</ofd:Fonts>{media}</ofd:Res>")
        self.page_ids = [p.split('"')[1] for p in page_parts]
        self.files[f"{doc}/Document.xml"] = _xml(
            f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>{self.next_id}</ofd:MaxUnitID>'
            f"<ofd:PageArea><ofd:PhysicalBox>0 0 {_f(self.w)} {_f(self.h)}</ofd:PhysicalBox>"
            f"<ofd:ApplicationBox>0 0 {_f(self.w)} {_f(self.h)}</ofd:ApplicationBox>"
            f"<ofd:ContentBox>{_f(self.spec.margin_left)} {_f(self.spec.margin_top)} "
            f"{_f(self.w - self.spec.margin_left - self.spec.margin_right)} {_f(self.h - self.spec.margin_top - self.spec.margin_bottom)}"
            f"</ofd:ContentBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
            f"<ofd:Pages>{''.join(page_parts)}</ofd:Pages></ofd:Document>")

    def _page(self, ops, n: int, doc: str) -> bytes:
        objects = []
        for op in ops:
            if isinstance(op, _Text):
                objects.append(self._text(op))
            else:
                objects.append(self._line(op))
        if self.picture and n == 0:
            x, y, w, h = self.picture[1]
            objects.append(f'<ofd:ImageObject ID="{self._id()}" ResourceID="901" Boundary="{_f(x)} {_f(y)} {_f(w)} {_f(h)}" '
                           f'CTM="{_f(w)} 0 0 {_f(h)} 0 0"/>')
        if self.seal and n == self._seal_page():
            x, y = self._seal_box()
            objects.append(f'<ofd:ImageObject ID="{self._id()}" ResourceID="900" Boundary="{_f(x)} {_f(y)} {SEAL_SIZE_MM} {SEAL_SIZE_MM}" '
                           f'CTM="{SEAL_SIZE_MM} 0 0 {SEAL_SIZE_MM} 0 0"/>')
        return _xml(f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="{self._id()}" Type="Body">'
                    + "".join(objects) + "</ofd:Layer></ofd:Content></ofd:Page>")

    def _text(self, t: _Text) -> str:
        fid = self.font_ids.setdefault(t.font, self._id())
        size = _mm(t.size_pt)
        x0 = _mm(t.chars[0][0])
        baseline = self.h - _mm(t.y_pt)
        xs = [_mm(x) for x, _, _ in t.chars]
        width = xs[-1] - x0 + _mm(t.chars[-1][2])
        text = "".join(ch for _, ch, _ in t.chars)
        if self.pua and t.font == "FangSong_GB2312":
            text = "".join(self.pua_map.get(ch, ch) for ch in text)
        deltas = [b - a for a, b in zip(xs, xs[1:])]
        color = " ".join(str(round(v * 255)) for v in t.color)
        delta_attr = f' DeltaX="{_deltas(deltas)}"' if deltas else ""
        return (f'<ofd:TextObject ID="{self._id()}" Font="{fid}" Size="{_f(size)}" '
                f'Boundary="{_f(x0)} {_f(baseline - size)} {_f(width)} {_f(size * 1.25)}">'
                f'<ofd:FillColor Value="{color}" ColorSpace="1"/>'
                f'<ofd:TextCode X="0" Y="{_f(size)}"{delta_attr}>{escape(text)}</ofd:TextCode></ofd:TextObject>')

    def _line(self, ln: _Line) -> str:
        lw = _mm(ln.width_pt)
        x0, x1 = _mm(min(ln.x1, ln.x2)), _mm(max(ln.x1, ln.x2))
        y = self.h - _mm(ln.y1)
        color = " ".join(str(round(v * 255)) for v in ln.color)
        return (f'<ofd:PathObject ID="{self._id()}" LineWidth="{_f(lw)}" Boundary="{_f(x0)} {_f(y - lw / 2)} {_f(x1 - x0)} {_f(lw)}">'
                f'<ofd:StrokeColor Value="{color}" ColorSpace="1"/>'
                f'<ofd:AbbreviatedData>M 0 {_f(lw / 2)} L {_f(x1 - x0)} {_f(lw / 2)}</ofd:AbbreviatedData></ofd:PathObject>')

    # --- the seal -------------------------------------------------------------------------------
    def _date_glyphs(self):
        """(page index, x_mm, baseline_mm) of the date line (成文日期), where the seal goes."""
        date = self.spec.date or ""
        for n, ops in enumerate(self.pages):
            for op in ops:
                if isinstance(op, _Text) and "".join(ch for _, ch, _ in op.chars) == date:
                    return n, _mm(op.chars[0][0]), self.h - _mm(op.y_pt)
        return 0, self.w / 2, self.h / 2

    def _seal_page(self) -> int:
        return self._date_glyphs()[0]

    def _seal_box(self) -> tuple[float, float]:
        _, x, baseline = self._date_glyphs()
        return x + 8, baseline - SEAL_SIZE_MM / 2 - 3  # 上距正文、下压成文日期 (GB/T 9704 §7.3.5.1)

    def _sign(self, doc: str) -> None:
        protected = [name for name in self.files if name.startswith(f"{doc}/") or name == "OFD.xml"]
        seal_file = f"{doc}/Signs/Sign_0/Seal.esl"
        self.files[seal_file] = seal_png()  # stand-in for an SES seal structure
        protected.append(seal_file)
        refs = "".join(
            f'<ofd:Reference FileRef="/{name}"><ofd:CheckValue>{base64.b64encode(hashlib.new("sm3", self.files[name]).digest()).decode()}'
            f"</ofd:CheckValue></ofd:Reference>" for name in sorted(protected))
        x, y = self._seal_box()
        page_id = self.page_ids[self._seal_page()]
        self.files[f"{doc}/Signs/Sign_0/Signature.xml"] = _xml(
            f'<ofd:Signature xmlns:ofd="{NS}"><ofd:SignedInfo><ofd:Provider ProviderName="shouwen test seal (stand-in)" '
            f'Version="1.0" Company="shouwen"/><ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>'
            f"<ofd:SignatureDateTime>20261120093000Z</ofd:SignatureDateTime>"
            f'<ofd:References CheckMethod="1.2.156.10197.1.401">{refs}</ofd:References>'
            f'<ofd:StampAnnot ID="1" PageRef="{page_id}" Boundary="{_f(x)} {_f(y)} {SEAL_SIZE_MM} {SEAL_SIZE_MM}"/>'
            f"<ofd:Seal><ofd:BaseLoc>/{seal_file}</ofd:BaseLoc></ofd:Seal></ofd:SignedInfo>"
            f"<ofd:SignedValue>/{doc}/Signs/Sign_0/SignedValue.dat</ofd:SignedValue></ofd:Signature>")
        self.files[f"{doc}/Signs/Sign_0/SignedValue.dat"] = b"stand-in: no CA here, the signature value is not real"
        self.files[f"{doc}/Signs/Signatures.xml"] = _xml(
            f'<ofd:Signatures xmlns:ofd="{NS}"><ofd:MaxSignId>1</ofd:MaxSignId>'
            f'<ofd:Signature ID="1" Type="Seal" BaseLoc="Sign_0/Signature.xml"/></ofd:Signatures>')
        if self.tamper:
            name = f"{doc}/Pages/Page_0/Content.xml"
            self.files[name] = self.files[name].replace("贵阳市".encode(), "遵义市".encode(), 1)

    # --- an embedded subset font whose text is stored as private-use code points --------------
    def _pua_font(self) -> None:
        from fontTools.ttLib import TTFont
        from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

        if self.font_dir is None:
            raise ValueError("pua needs font_dir")
        chars = sorted({ch for ops in self.pages for op in ops if isinstance(op, _Text) and op.font == "FangSong_GB2312"
                        for _, ch, _ in op.chars if not ch.isspace()})
        source = self.font_dir / "FangSong_GB2312.ttf"
        from fontTools import subset
        font = TTFont(str(source))
        options = subset.Options()
        options.name_IDs = ["*"]
        options.glyph_names = True
        sub = subset.Subsetter(options)
        sub.populate(text="".join(chars))
        sub.subset(font)
        cmap = font.getBestCmap()
        mapping = {}
        for k, ch in enumerate(chars):
            if ord(ch) in cmap:
                code = 0xE000 + k
                mapping[code] = cmap[ord(ch)]
                self.pua_map[ch] = chr(code)
        table = CmapSubtable.newSubtable(4)
        table.platformID, table.platEncID, table.language = 3, 1, 0
        table.cmap = mapping
        font["cmap"].tables = [table]
        post = font["post"]
        if self.pua == "unmapped":
            post.formatType = 3.0  # no glyph names: nothing in the font says what a glyph is
        else:  # keep the names fontTools gave the glyphs from the real cmap (uni4E3A …) in the font
            post.formatType, post.extraNames, post.mapping = 2.0, [], {}
        buf = io.BytesIO()
        font.save(buf)
        self.pua_font = buf.getvalue()


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def seal_png() -> bytes:
    """A red round seal (印章) with a star, as an RGBA PNG (a drawing, not a real seal)."""
    from PIL import Image, ImageDraw

    size = 240
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, size - 6, size - 6), outline=(230, 0, 18, 200), width=10)
    cx = cy = size / 2
    import math
    star = [(cx + (60 if k % 2 == 0 else 24) * math.sin(k * math.pi / 5), cy - (60 if k % 2 == 0 else 24) * math.cos(k * math.pi / 5))
            for k in range(10)]
    draw.polygon(star, fill=(230, 0, 18, 200))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def write_ofd(spec: builder.Spec, path: Path, font_dir: Path, **options) -> Path:
    """Typeset `spec` exactly as write_named_font_pdf does and write it as OFD at `path`."""
    options.setdefault("font_dir", font_dir)
    return builder.write_named_font_pdf(spec, path, font_dir,
                                        canvas_factory=lambda p, pagesize: OfdCanvas(p, pagesize, spec, options))
