"""The documentation site at /docs/ (built by `shouwen docs` into site/ beside the code; pipelines/commands/docs.py).

Served without login: the manuals hold no office data, and a clerk who cannot log in must still be able to read
how to. Same address, certificate and proxy as the desk. The desk's Content-Security-Policy allows no inline
script; Material's pages carry a few small inline scripts of their own, so /docs/ answers with a policy that
allows exactly those (their sha256 hashes, computed once from the built pages), and still nothing from another
host.
"""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Optional

SITE = Path(__file__).resolve().parents[1] / "site"
_INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>(.*?)</script>", re.S)


def inline_script_hashes(site: Path) -> list[str]:
    """'sha256-…' of every inline script in the site's pages (Material's own), sorted."""
    found = set()
    for page in site.rglob("*.html"):
        for body in _INLINE.findall(page.read_text(encoding="utf-8")):
            found.add("'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'")
    return sorted(found)


def policy(site: Path) -> str:
    return ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            f"script-src 'self' {' '.join(inline_script_hashes(site))}; worker-src 'self' blob:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def mount(app, site: Optional[Path] = None) -> Optional[str]:
    """Serve `site` (default: site/ beside the code) at /docs/ when it has been built; returns the policy its
    responses carry (or None when there is no site)."""
    site = Path(site or SITE)
    if not (site / "index.html").is_file():
        return None
    from fastapi.staticfiles import StaticFiles

    app.mount("/docs", StaticFiles(directory=str(site), html=True), name="docs")
    return policy(site)
