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
# Free fonts of the 公文 families (Fandol), unpacked here by scripts/setup.sh, and the aliases that render the
# names documents use (仿宋_GB2312, 楷体_GB2312, 黑体, 方正小标宋简体 …) with them: given to LibreOffice only,
# through its own fontconfig file; the machine's font set is left as it is.
GONGWEN_FONT_DIR = Path("/usr/local/share/shouwen/fonts")
GONGWEN_ALIASES = Path(__file__).with_name("fontconfig") / "65-shouwen-gongwen-fonts.conf"


def fontconfig_file(folder: Path) -> Path | None:
    """Write a fontconfig file into `folder`: the system's configuration plus the 公文 fonts and aliases.

    None when the fonts are not installed (then LibreOffice substitutes fonts, and the report says so).
    """
    if not (GONGWEN_FONT_DIR / "FandolFang-Regular.otf").exists():
        return None
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{GONGWEN_FONT_DIR}</dir>\n  <include>{GONGWEN_ALIASES}</include>\n</fontconfig>\n", encoding="utf-8")
    return conf


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
        fonts_conf = fontconfig_file(Path(profile))
        if fonts_conf:
            env["FONTCONFIG_FILE"] = str(fonts_conf)
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


def read(data: bytes, fmt: str, ocr: bool = True):
    """The registry's reader for doc and wps (extractors/formats.py): converted to docx by LibreOffice, then read as
    a docx; the report notes the conversion."""
    from .docx_reader import read_docx
    from .formats import NAMES_ZH

    document = read_docx(convert_to_docx(data, fmt))
    document.format = fmt
    document.notes.append(f"原件为{NAMES_ZH[fmt]}，已用 LibreOffice 转换为 docx 后初审")
    return document
