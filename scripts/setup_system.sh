#!/usr/bin/env bash
# Install the Debian packages protokoll needs. Idempotent: installs only what is missing,
# and only as root; otherwise prints the exact command to run.
set -euo pipefail
PACKAGES=(tesseract-ocr tesseract-ocr-swe tesseract-ocr-osd fonts-dejavu-core)
# pdftotext, the reading baseline the throughput benchmark prints beside the command.
PACKAGES+=(poppler-utils)
# Fonts the scan accuracy benchmark prints its pages in (serif, sans, condensed): DejaVu Sans Condensed is in
# -extra, Liberation Serif/Sans in liberation2, Liberation Sans Narrow only in the older fonts-liberation.
PACKAGES+=(fonts-dejavu-extra fonts-liberation2 fonts-liberation)
# The scan benchmark compares the ingest with OCRmyPDF on the same pages.
PACKAGES+=(ocrmypdf)
if [ "${PROTOKOLL_WITH_BROWSER:-0}" = "1" ]; then PACKAGES+=(chromium); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "protokoll needs these Debian packages; run as root:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
