#!/usr/bin/env bash
# Installs Debian's English word lists (SCOWL): wbritish (size 50) and wbritish-huge (size 70). The
# citation formatter reads them to tell the proper nouns of a Title Case title from its ordinary words
# (src/reskb/citations/proper_nouns.py); without them such titles lose their proper nouns' capitals.
set -euo pipefail
if [ -r /usr/share/dict/british-english ] && [ -r /usr/share/dict/british-english-huge ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wbritish wbritish-huge >/dev/null
