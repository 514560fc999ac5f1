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
# PostgreSQL's server binaries, for the tests (tests/postgres.py runs its own throwaway server on a Unix socket):
# no cluster is created and no system service started.
[ "${1:-}" = "--dev" ] && APT_PACKAGES+=(postgresql)
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
