#!/usr/bin/env bash
# Fetches a tool the tests need from Debian into ./.assets/<package>/, by package name and
# upstream version series (tools/debian.lock), never by Debian revision: Debian keeps only a
# package's current revision, so an exact pin breaks the day it ships a fix. apt-get download
# needs no root and installs nothing; apt checks the .deb against the archive's signed index.
# The binary is run to check its version, and the revision and sha256 used are written to
# .assets/<package>/.fetched and printed as one "asset ..." line. Idempotent.
#
#   tools/fetch-debian.sh PACKAGE [--revision REV]
#
# --revision asks for one exact revision (to reproduce an old run); when the archive no longer
# has it, a warning says so and the current revision of the series is taken instead.
set -euo pipefail
cd "$(dirname "$0")/.."

pkg=${1:?usage: tools/fetch-debian.sh PACKAGE [--revision REV]}
shift
want_rev=
while [ $# -gt 0 ]; do
  case "$1" in
    --revision) want_rev=${2:?--revision needs a value}; shift 2 ;;
    *) echo "fetch-debian: unknown argument $1" >&2; exit 2 ;;
  esac
done

lock=${SWITCHBOARD_DEBIAN_LOCK:-tools/debian.lock}
read -r _ series member version_flag < <(awk -v p="$pkg" '$1 == p' "$lock") || {
  echo "fetch-debian: $pkg is not listed in $lock" >&2
  exit 2
}
dest=${SWITCHBOARD_ASSETS_DIR:-.assets}/$pkg
bin=$dest/$(basename "$member")
record=$dest/.fetched

# Upstream part of a Debian version: no epoch, no Debian revision.
upstream() { local v=${1#*:}; echo "${v%-*}"; }
in_series() { case "$(upstream "$1")" in "$series" | "$series".* | "$series"+* | "$series"~*) return 0 ;; esac; return 1; }
# The binary's own report must name the series as a version (2.42 matches 2.42.0, not 2.420).
reports_series() {
  local out
  out=$("$bin" "$version_flag" 2>&1 | head -n 3) || true
  grep -qE "(^|[^0-9.])${series//./\\.}([.+~-]|[^0-9]|$)" <<<"$out"
}
asset_line() { echo "asset debian:$pkg $(cat "$record")"; }

if [ -x "$bin" ] && [ -f "$record" ] && grep -q "series=$series " "$record" && reports_series \
  && { [ -z "$want_rev" ] || grep -q "revision=$want_rev " "$record"; }; then
  asset_line >&2
  exit 0
fi

# Versions the archive offers, newest first.
offered() { apt-cache madison "$pkg" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}'; }
refresh() {
  if [ "$(id -u)" = 0 ]; then
    echo "fetch-debian: refreshing the package lists (apt-get update)" >&2
    apt-get update -qq >/dev/null 2>&1 || echo "fetch-debian: apt-get update failed" >&2
  fi
}
pick() {
  local v
  if [ -n "$want_rev" ] && offered | grep -qxF "$want_rev"; then
    echo "$want_rev"
    return
  fi
  while read -r v; do
    if in_series "$v"; then echo "$v"; return; fi
  done < <(offered)
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
download() { (cd "$tmp" && rm -f ./*.deb && apt-get download -q "$pkg=$1" >"$tmp/apt.log" 2>&1); }

rev=$(pick)
# Lists may be missing on a fresh machine, or stale (naming a revision the archive dropped).
if [ -z "$rev" ] || ! download "$rev"; then
  refresh
  rev=$(pick)
  if [ -z "$rev" ]; then
    if [ -z "$(offered)" ]; then
      echo "fetch-debian: Debian's package lists offer no $pkg. Run: sudo apt-get update && tools/fetch-debian.sh $pkg" >&2
    else
      echo "fetch-debian: Debian offers $pkg $(offered | tr '\n' ' ')but the tests need the $series series ($lock); check the tests against the new series and update the lock" >&2
    fi
    exit 1
  fi
  download "$rev" || {
    echo "fetch-debian: apt-get download $pkg=$rev failed: $(tail -n 1 "$tmp/apt.log")" >&2
    echo "fetch-debian: run: sudo apt-get update && tools/fetch-debian.sh $pkg" >&2
    exit 1
  }
fi
if [ -n "$want_rev" ] && [ "$rev" != "$want_rev" ]; then
  echo "fetch-debian: warning: $pkg=$want_rev is no longer in the archive; taking the current $pkg=$rev of the $series series" >&2
fi

deb=$(ls "$tmp"/*.deb)
deb_sha=$(sha256sum "$deb" | cut -d' ' -f1)
dpkg-deb -x "$deb" "$tmp/x"
[ -f "$tmp/x/$member" ] || { echo "fetch-debian: $pkg=$rev has no $member" >&2; exit 1; }
mkdir -p "$dest"
rm -f "$record"
cp "$tmp/x/$member" "$bin"
chmod +x "$bin"
if ! reports_series; then
  echo "fetch-debian: $bin $version_flag does not report version $series: $("$bin" "$version_flag" 2>&1 | head -n 1)" >&2
  exit 1
fi
echo "series=$series revision=$rev deb_sha256=$deb_sha bin_sha256=$(sha256sum "$bin" | cut -d' ' -f1) " >"$record"
asset_line >&2
