#!/usr/bin/env bash
# One-time set-up on a fresh Debian machine; safe to run again (it skips what is already there).
#   bash scripts/setup.sh          installs what `shouwen` needs into .venv/
#   bash scripts/setup.sh --dev    also the test and benchmark tools
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: LibreOffice converts .doc/.wps (and renders test PDFs), CJK fonts, poppler for PNG previews.
APT_PACKAGES=(libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming poppler-utils)
# Tesseract is the peer the OCR benchmark compares against: a development tool only.
[ "${1:-}" = "--dev" ] && APT_PACKAGES+=(tesseract-ocr tesseract-ocr-chi-sim)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] 安装系统软件包 / installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Free fonts of the 公文 families (Fandol: 仿宋, 楷体, 黑体, 宋体; GPL with the font exception) so that a PDF
# LibreOffice makes here uses fonts of the right families, and the fontconfig aliases that map the names
# documents use (仿宋_GB2312, FangSong, 楷体_GB2312, 黑体, 方正小标宋简体 …) to them. Debian ships Fandol only inside
# texlive-lang-chinese (which pulls in TeX Live): the package is downloaded and only the fonts are unpacked.
FONT_DIR=/usr/local/share/fonts/shouwen-fandol
FC_CONF=/etc/fonts/conf.d/65-shouwen-gongwen-fonts.conf
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ! -f "$FONT_DIR/FandolFang-Regular.otf" ]; then
  echo "[setup] 安装 Fandol 公文字体 / installing the Fandol fonts"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -q texlive-lang-chinese >/dev/null 2>&1 || { $SUDO apt-get update -qq && apt-get download -q texlive-lang-chinese >/dev/null; })
  dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
  $SUDO mkdir -p "$FONT_DIR"
  $SUDO cp "$tmp"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol{Fang,Hei,Kai,Song}-*.otf "$FONT_DIR"/
  $SUDO cp "$tmp"/x/usr/share/doc/texlive-doc/fonts/fandol/{README,COPYING.gz} "$FONT_DIR"/ 2>/dev/null || true
  rm -rf "$tmp"
fi
if ! cmp -s extractors/fontconfig/65-shouwen-gongwen-fonts.conf "$FC_CONF"; then
  $SUDO cp extractors/fontconfig/65-shouwen-gongwen-fonts.conf "$FC_CONF"
  $SUDO fc-cache -f >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "[setup] 创建虚拟环境 / creating .venv"
  "$PY" -m venv .venv
fi
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev,paddle]"  # the tests run the optional PaddleOCR engine too
stamp=".venv/.installed${extra}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "[setup] 安装 Python 依赖 / installing Python dependencies"
  .venv/bin/pip install -q --disable-pip-version-check -e ".${extra}"
  touch "$stamp"
fi
