#!/usr/bin/env bash
# Makes sure Debian's ffmpeg and ffprobe are installed: the service decodes video files with
# them, run as subprocesses. Installed with apt by package name, never a pinned revision (Debian
# keeps only a package's current one); the upstream series the tests were written against is
# in tools/debian.lock. As root it installs what is missing; otherwise it says what to run.
# Idempotent. `--optional`: a missing ffmpeg is a warning, not a failure (tools/serve.sh: the
# service runs without it and answers video files with FAILED_PRECONDITION).
set -euo pipefail

optional=false
[ "${1:-}" = "--optional" ] && optional=true

have() { command -v ffmpeg > /dev/null && command -v ffprobe > /dev/null; }

if ! have; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "ensure-ffmpeg: installing Debian's ffmpeg with apt" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends ffmpeg > /dev/null ||
      { apt-get update > /dev/null && apt-get install -y --no-install-recommends ffmpeg > /dev/null; }
  fi
fi
if ! have; then
  msg="ffmpeg and ffprobe are missing: run 'sudo apt-get install -y --no-install-recommends ffmpeg' (video files are decoded with them; video.ffmpeg and video.ffprobe name other paths)"
  if $optional; then
    echo "ensure-ffmpeg: warning: $msg" >&2
    exit 0
  fi
  echo "ensure-ffmpeg: $msg" >&2
  exit 1
fi
echo "ensure-ffmpeg: $(ffmpeg -hide_banner -version | head -n 1)" >&2
