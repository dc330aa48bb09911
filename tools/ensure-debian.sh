#!/usr/bin/env bash
# Makes sure a Debian package whose binaries the service or its tests run as subprocesses is
# installed (ffmpeg for video files, poppler-utils for the PDF fallback, redis-server for shared
# memory). Installed with apt by package name, never a pinned revision: Debian keeps only a
# package's current one; the upstream series the tests were written against is in
# tools/debian.lock. As root it installs what is missing; otherwise it says what to run.
# Idempotent.
#
#   tools/ensure-debian.sh [--optional] PACKAGE BINARY... [-- WHY]
#
# `--optional`: a missing package is a warning, not a failure (tools/serve.sh: the service runs
# without it and answers what needs it with FAILED_PRECONDITION). WHY is said with the warning.
set -euo pipefail

optional=false
[ "${1:-}" = "--optional" ] && { optional=true; shift; }
[ $# -ge 2 ] || { echo "usage: $0 [--optional] PACKAGE BINARY... [-- WHY]" >&2; exit 2; }
package=$1
shift
bins=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do bins+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
why="$*"

have() {
  for b in "${bins[@]}"; do command -v "$b" > /dev/null || return 1; done
}

if ! have && [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  echo "ensure-debian: installing Debian's $package with apt" >&2
  export DEBIAN_FRONTEND=noninteractive
  # A failed install falls through to the message below (a warning with --optional).
  apt-get install -y --no-install-recommends "$package" > /dev/null 2>&1 ||
    { apt-get update > /dev/null 2>&1 && apt-get install -y --no-install-recommends "$package" > /dev/null; } ||
    true
fi
if ! have; then
  msg="${bins[*]} missing: run 'sudo apt-get install -y --no-install-recommends $package'${why:+ ($why)}"
  if $optional; then
    echo "ensure-debian: warning: $msg" >&2
    exit 0
  fi
  echo "ensure-debian: $msg" >&2
  exit 1
fi
version=$(dpkg-query -W -f '${Version}' "$package" 2> /dev/null || echo "not from dpkg")
echo "ensure-debian: $package $version (${bins[*]})" >&2
