#!/usr/bin/env bash
# Makes sure Debian's poppler-utils (pdftoppm) is installed: the service draws a PDF page with it
# when its in-process renderer (hayro) cannot, run as a subprocess. Installed with apt by package
# name, like ffmpeg (tools/ensure-ffmpeg.sh); the series the tests were written against is in
# tools/debian.lock. As root it installs what is missing; otherwise it says what to run.
# Idempotent. `--optional`: a missing pdftoppm is a warning (tools/serve.sh: PDFs hayro draws
# still work; a page that needs pdftoppm is FAILED_PRECONDITION).
set -euo pipefail

optional=false
[ "${1:-}" = "--optional" ] && optional=true

have() { command -v pdftoppm > /dev/null; }

if ! have; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "ensure-poppler: installing Debian's poppler-utils with apt" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends poppler-utils > /dev/null ||
      { apt-get update > /dev/null && apt-get install -y --no-install-recommends poppler-utils > /dev/null; }
  fi
fi
if ! have; then
  msg="pdftoppm is missing: run 'sudo apt-get install -y --no-install-recommends poppler-utils' (PDF pages the in-process renderer cannot draw are drawn with it; pdf.pdftoppm names another path)"
  if $optional; then
    echo "ensure-poppler: warning: $msg" >&2
    exit 0
  fi
  echo "ensure-poppler: $msg" >&2
  exit 1
fi
echo "ensure-poppler: $(pdftoppm -v 2>&1 | head -n 1)" >&2
