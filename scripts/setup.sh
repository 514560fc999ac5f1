#!/usr/bin/env bash
# One-time set-up on a fresh Debian machine; safe to run again (it skips what is already there).
#   bash scripts/setup.sh          installs what `shouwen` needs into .venv/
#   bash scripts/setup.sh --dev    also the test and benchmark tools
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: LibreOffice converts .doc/.wps (and renders test PDFs), CJK fonts, poppler for PNG previews.
APT_PACKAGES=(libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming poppler-utils libcairo2)
# Tesseract is the peer the OCR benchmark compares against: a development tool only.
[ "${1:-}" = "--dev" ] && APT_PACKAGES+=(tesseract-ocr tesseract-ocr-chi-sim)
# PostgreSQL's server binaries, for the tests (tests/postgres.py runs its own throwaway server on a Unix socket):
# no cluster is created and no system service started.
[ "${1:-}" = "--dev" ] && APT_PACKAGES+=(postgresql)
# Dovecot's IMAP server, for the tests of the office mailbox (tests/mailservers.py runs its own instance with a
# configuration in a temporary folder, on loopback, with TLS): no system service is started.
[ "${1:-}" = "--dev" ] && APT_PACKAGES+=(dovecot-imapd)
# Debian's Chromium, driven by Playwright in the web desk's browser tests (`playwright install` cannot download here).
[ "${1:-}" = "--dev" ] && APT_PACKAGES+=(chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] 安装系统软件包 / installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    $SUDO mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/shouwen.conf >/dev/null
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Free fonts of the 公文 families (Fandol: 仿宋, 楷体, 黑体, 宋体; GPL with the font exception) so that a PDF
# LibreOffice makes here uses fonts of the right families, and the fontconfig aliases that map the names
# documents use (仿宋_GB2312, FangSong, 楷体_GB2312, 黑体, 方正小标宋简体 …) to them. Debian ships Fandol only inside
# texlive-lang-chinese (which pulls in TeX Live): the package is downloaded and only the fonts are unpacked.
# They go to a folder fontconfig does not scan by default: only the LibreOffice that shouwen runs sees them
# (extractors/convert.py gives it its own fontconfig file), the machine's font set stays as it was.
FONT_DIR=/usr/local/share/shouwen/fonts
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
# The font cache, built with the aliases (they mark Fandol's Bold faces bold when scanning) into the system's
# cache folder, because LibreOffice runs with a throw-away HOME; again whenever the alias file changes.
ALIASES="$PWD/extractors/fontconfig/65-shouwen-gongwen-fonts.conf"
if [ ! -f "$FONT_DIR/.cache-stamp" ] || [ "$ALIASES" -nt "$FONT_DIR/.cache-stamp" ]; then
  conf=$(mktemp --suffix=.conf)
  printf '<?xml version="1.0"?>\n<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>%s</dir><include>%s</include></fontconfig>\n' \
    "$FONT_DIR" "$ALIASES" > "$conf"
  $SUDO env FONTCONFIG_FILE="$conf" fc-cache -f "$FONT_DIR" >/dev/null
  rm -f "$conf"
  $SUDO touch "$FONT_DIR/.cache-stamp"
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
