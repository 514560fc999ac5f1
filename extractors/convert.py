"""LibreOffice headless conversion (格式转换): .doc/.wps → docx, and docx → PDF for previews and tests.

LibreOffice follows a document's external links and exits 0 even when it could not load the file,
so every run has: a fresh throw-away profile, no network where `unshare -n` is allowed, a time
limit, and a check that the output file really exists.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from .errors import UnusableInput

CONVERT_SECONDS = 120


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@lru_cache(maxsize=1)
def _can_unshare_network() -> bool:
    unshare = shutil.which("unshare")
    if not unshare:
        return False
    try:
        return subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def convert_files(sources: list[Path], target: str, outdir: Path, timeout: float = CONVERT_SECONDS) -> list[Path]:
    """Convert files with one LibreOffice process; return the outputs that exist, in the order given."""
    binary = soffice_binary()
    if not binary:
        raise UnusableInput("未安装 LibreOffice，无法转换文件格式；请运行 scripts/setup.sh", "unsupported")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shouwen-lo-") as profile:
        cmd = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", target, "--outdir", str(outdir), *map(str, sources)]
        if _can_unshare_network():
            cmd = ["unshare", "-rn", *cmd]  # no network: a document's external links are not fetched
        env = {**os.environ, "HOME": profile}
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise UnusableInput(f"格式转换超时（超过 {timeout:g} 秒），文件可能损坏", "timeout") from exc
    ext = target.split(":")[0]
    return [outdir / f"{Path(s).stem}.{ext}" for s in sources if (outdir / f"{Path(s).stem}.{ext}").exists()]


def convert_to_docx(data: bytes, fmt: str) -> bytes:
    """.doc or .wps bytes → docx bytes; UnusableInput when LibreOffice could not read them."""
    with tempfile.TemporaryDirectory(prefix="shouwen-conv-") as tmp:
        source = Path(tmp) / f"input.{fmt}"
        source.write_bytes(data)
        outputs = convert_files([source], "docx:MS Word 2007 XML", Path(tmp) / "out")
        if not outputs:
            raise UnusableInput(f"{fmt} 文件无法打开（可能已加密或损坏），LibreOffice 未能转换", "corrupt")
        return outputs[0].read_bytes()
