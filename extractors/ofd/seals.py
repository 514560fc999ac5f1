"""Electronic seals and signatures of an OFD file (电子印章与签名).

GB/T 33190-2016 §18: Signatures.xml lists each Signature.xml; its SignedInfo names the protected
files (References, each with a CheckValue digest under the References' CheckMethod: SM3 or SHA-256),
the seal's appearance (StampAnnot: page and box in mm) and the seal file. Here the digests are
recomputed, so a protected file changed after signing is found. The signature value itself
(SignedValue.dat, an SM2/X.509 signature over the SignedInfo) is not verified: that needs the
issuing CA's certificates, which the office's system holds.
"""
from __future__ import annotations

import base64
import hashlib
import posixpath

from ..errors import UnusableInput
from .container import normalise
from .resources import numbers

# CheckMethod values seen in files: OIDs and names.
SM3 = {"1.2.156.10197.1.401", "1.2.156.10197.1.401.1", "1.2.156.10197.1.401.2", "sm3"}
SHA256 = {"2.16.840.1.101.3.4.2.1", "sha256", "sha-256"}
SHA1 = {"1.3.14.3.2.26", "sha1", "sha-1"}


def digest(method: str, data: bytes) -> bytes | None:
    """SM3 (GB/T 32905, through OpenSSL's hashlib, else gmssl) or SHA-256/SHA-1; None when unknown."""
    key = (method or "").strip().lower()
    if key in SM3 or "sm3" in key:
        try:
            return hashlib.new("sm3", data).digest()
        except ValueError:  # OpenSSL built without SM3: pure-Python gmssl where installed, else not checked
            try:
                from gmssl import func, sm3
            except ImportError:
                return None
            return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))
    if key in SHA256 or key == "":
        return hashlib.sha256(data).digest()
    if key in SHA1:
        return hashlib.sha1(data).digest()
    return None


def read_seals(ofd) -> list[dict]:
    """Every signature of every DocBody: [{kind, page, box_mm, signed_at, provider, method, references,
    unchanged, changed, missing}]; `page` is the 1-based page number (None when the PageRef is unknown)."""
    package = ofd.package
    out: list[dict] = []
    for sig_list, _doc in ofd.signatures:
        if not package.has(sig_list):
            continue
        root = package.xml(sig_list)
        for entry in root.iter("Signature"):
            part = normalise(entry.get("BaseLoc", ""), posixpath.dirname(sig_list))
            if not package.has(part):
                out.append({"kind": entry.get("Type") or "Seal", "missing_signature": part})
                continue
            out.append(_signature(ofd, package.xml(part), entry.get("Type") or "Seal"))
    return out


def _signature(ofd, sig, kind: str) -> dict:
    info = sig.find("SignedInfo")
    if info is None:
        raise UnusableInput("OFD 签名文件缺少 SignedInfo，签名结构损坏", "corrupt")
    refs = info.find("References")
    method = refs.get("CheckMethod", "") if refs is not None else ""
    changed, missing, checked = [], [], 0
    for ref in (refs.iter("Reference") if refs is not None else []):
        name = normalise(ref.get("FileRef", ""))
        expected = (ref.findtext("CheckValue") or "").strip()
        if not ofd.package.has(name):
            missing.append(name)
            continue
        value = digest(method, ofd.package.read(name))
        if value is None:
            continue
        checked += 1
        try:
            if base64.b64decode(expected) != value:
                changed.append(name)
        except ValueError:
            changed.append(name)
    stamps = []
    for stamp in info.iter("StampAnnot"):
        box = numbers(stamp.get("Boundary"))
        page_ref = stamp.get("PageRef", "")
        page = ofd.page_ids.index(page_ref) + 1 if page_ref in ofd.page_ids else None
        stamps.append({"page": page, "box_mm": [round(v, 1) for v in box[:4]] if len(box) >= 4 else None})
    provider = info.find("Provider")
    seal_loc = info.findtext("Seal/BaseLoc") or ""
    value_loc = (sig.findtext("SignedValue") or "").strip()
    return {
        "kind": kind,
        "stamps": stamps,
        "signed_at": (info.findtext("SignatureDateTime") or "").strip() or None,
        "provider": provider.get("ProviderName") if provider is not None and provider.get("ProviderName")
        else ((provider.findtext("ProviderName") or "").strip() or None if provider is not None else None),
        "method": method,
        "references": checked + len(missing),
        "unchanged": checked > 0 and not changed and not missing,
        "changed": changed,
        "missing": missing,
        # where the seal's picture lives: the seal file (SES v1-v3) or the signed value (v4 embeds the seal)
        "seal_parts": [normalise(p) for p in (seal_loc.strip(), value_loc) if p],
    }


def seal_picture(package, seal: dict):
    """The seal's image (PNG/JPEG/GIF inside the SES structure) as a Pillow image, or None."""
    import io

    from PIL import Image

    for part in seal.get("seal_parts", []):
        if not package.has(part):
            continue
        data = package.read(part)
        for magic in (b"\x89PNG\r\n", b"\xff\xd8\xff", b"GIF8"):
            at = data.find(magic)
            if at >= 0:
                try:
                    image = Image.open(io.BytesIO(data[at:]))
                    image.load()
                    return image
                except Exception:  # a truncated or odd picture: no appearance, the note still stands
                    continue
    return None


def seal_notes(seals: list[dict]) -> list[str]:
    """Chinese notes for the report: one per signature."""
    notes = []
    for s in seals:
        if "missing_signature" in s:
            notes.append(f"OFD 声明了电子签章，但签名文件“{s['missing_signature']}”缺失，无法核验")
            continue
        where = "；".join(
            (f"第 {st['page']} 页" if st["page"] else "页面未知") +
            (f"，位置 x={st['box_mm'][0]:g} y={st['box_mm'][1]:g} 宽 {st['box_mm'][2]:g} 高 {st['box_mm'][3]:g}（毫米）"
             if st["box_mm"] else "") for st in s["stamps"]) or "无可见印章外观"
        label = "电子印章" if s["stamps"] else "电子签名"
        if s["unchanged"]:
            verdict = f"签章保护的 {s['references']} 个文件摘要核验一致，签章后未被改动"
        elif s["references"] > 1 and len(s["changed"]) == s["references"]:
            # every file differs, the seal file too: a digest method computed otherwise, not proof of changes
            verdict = (f"签章保护的 {s['references']} 个文件摘要全部不一致（摘要方式 {s['method']}），无法核验"
                       "是否被改动，请以签章系统验证")
        elif s["changed"] or s["missing"]:
            parts = s["changed"] + [f"{m}（缺失）" for m in s["missing"]]
            verdict = "签章后文件被改动：" + "、".join(parts[:5]) + "（摘要不一致）"
        else:
            verdict = f"摘要算法 {s['method'] or '未声明'} 无法核验"
        when = f"，签章时间 {s['signed_at']}" if s["signed_at"] else ""
        notes.append(f"文件带有{label}（{where}{when}）；{verdict}；签名证书未验证")
    return notes
