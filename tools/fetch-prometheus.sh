#!/usr/bin/env bash
# Fetches Debian's Prometheus server binary (for tests/prometheus.rs, which lets a real
# Prometheus scrape the service) into ./.assets/prometheus. Pinned by version and sha256;
# apt-get download needs no root and installs nothing. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${SWITCHBOARD_ASSETS_DIR:-.assets}/prometheus
version=2.42.0+ds-5+b6
deb_sha=3b0e0255b059a7696bd4a139a4a4eb24d71df067936a61ece5093559cbc7991c
if [ -x "$dest/prometheus" ] && [ "$(cat "$dest/.version" 2>/dev/null)" = "$version" ]; then
  exit 0
fi
echo "fetching Debian prometheus=$version -> $dest" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
download() { (cd "$tmp" && apt-get download -q "prometheus=$version" >/dev/null 2>&1); }
if ! download; then
  # Package lists may be missing or stale on a fresh machine; root can refresh them.
  if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null 2>&1 || true; fi
  download || {
    echo "apt-get download prometheus=$version failed (run apt-get update)" >&2
    exit 1
  }
fi
deb=$(ls "$tmp"/prometheus_*.deb)
got=$(sha256sum "$deb" | cut -d' ' -f1)
if [ "$got" != "$deb_sha" ]; then
  echo "checksum mismatch for $deb: $got" >&2
  exit 1
fi
dpkg-deb -x "$deb" "$tmp/x"
mkdir -p "$dest"
cp "$tmp/x/usr/bin/prometheus" "$dest/prometheus"
echo "$version" > "$dest/.version"
echo "prometheus ready in $dest" >&2
