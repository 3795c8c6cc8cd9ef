#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (never a Playwright browser download), and poppler-utils
# (pdftotext, pdftoppm) for the test that prints a practice page to PDF and reads it back.
set -euo pipefail
"$(dirname "$0")/install-wordlists.sh"  # the English word lists the citation formatter reads
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/pdftotext ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium poppler-utils >/dev/null
/usr/bin/chromium --version
