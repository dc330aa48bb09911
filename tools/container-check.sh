#!/usr/bin/env bash
# Builds the container image (./Dockerfile) on a machine that reaches no container registry, and
# checks it: with podman/buildah and mmdebstrap from Debian (installed with apt when missing and
# running as root), the base images the Dockerfile's FROM lines name are made locally instead of
# pulled:
#   localhost/switchboard-base/debian:bookworm-slim    mmdebstrap --variant=minbase from the
#       Debian mirror, imported with `podman import` (for docker.io/library/debian:bookworm-slim)
#   localhost/switchboard-base/rust:1.92.0-slim-bookworm   deploy/container/rust.Containerfile:
#       rustup-init (pinned sha256) installs Rust 1.92.0 from static.rust-lang.org
#   localhost/switchboard-base/redis:7.0   Debian's redis-server, for the readiness check
# then `podman build` of the Dockerfile's runtime target, and these checks on the image:
#   - it runs as uid 10001; ffmpeg, ffprobe, pdftoppm are there; the assets match tools/assets.lock;
#   - the service starts (sled), the image's HEALTHCHECK passes (`podman healthcheck run`), the
#     experts list answers over gRPC, and an OCR request is answered (ONNX Runtime loads);
#   - with Redis: readiness NOT_SERVING before Redis starts, SERVING once it does, NOT_SERVING
#     when it stops and SERVING when it is back, while liveness stays SERVING;
#   - `podman stop` (SIGTERM) ends it with status 0.
# Each step's seconds and the image's size are printed and written to target/container-check.log.
#
#   tools/container-check.sh            build (cached layers reused) and check
#   CHECK_ONLY=1 tools/container-check.sh   check the image already built
#
# On this project's sandboxed machines podman needs deploy/container/podman.conf (lower ulimits,
# runc); the script uses it unless CONTAINERS_CONF is set.
set -euo pipefail
cd "$(dirname "$0")/.."

export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/deploy/container/podman.conf}
image=${IMAGE:-localhost/switchboard:dev}
base=localhost/switchboard-base
debian_image=$base/debian:bookworm-slim
rust_image=$base/rust:1.92.0-slim-bookworm
redis_image=$base/redis:7.0
log=target/container-check.log
mkdir -p target
: > "$log"
say() { echo "container-check: $*" | tee -a "$log" >&2; }
timed() { # timed LABEL CMD...: runs CMD, says how long it took
  local label=$1 t0 rc=0
  shift
  t0=$(date +%s.%N)
  "$@" || rc=$?
  say "$label: $(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')") s (exit $rc)"
  return $rc
}
have_image() { podman image exists "$1"; }

if ! command -v podman > /dev/null || ! command -v mmdebstrap > /dev/null; then
  tools/ensure-debian.sh podman podman -- container builds
  tools/ensure-debian.sh buildah buildah -- container builds
  tools/ensure-debian.sh runc runc -- container builds
  tools/ensure-debian.sh mmdebstrap mmdebstrap -- the base image
fi

work=
cleanup() {
  podman rm --force --ignore -t 0 sbcheck-sled sbcheck-redis sbcheck-redis-server > /dev/null 2>&1 || true
  # After the containers that share its network namespace.
  podman rm --force --ignore -t 0 sbcheck-net > /dev/null 2>&1 || true
  [ -z "$work" ] || rm -rf "$work"
}
cleanup
work=$(mktemp -d)
trap cleanup EXIT

if [ -z "${CHECK_ONLY:-}" ]; then
  if ! have_image "$debian_image"; then
    # The machine's own extra CA certificates (a TLS-inspecting egress proxy, for one) go into
    # the local base, so that builds in it reach PyPI and crates.io as the host does.
    hooks=()
    if compgen -G "/usr/local/share/ca-certificates/*.crt" > /dev/null; then
      hooks+=(--customize-hook='copy-in /usr/local/share/ca-certificates /usr/local/share'
        --customize-hook='chroot "$1" update-ca-certificates')
    fi
    # Without manuals, translations and docs (copyrights kept), as the official slim image.
    slim=(--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*'
      --dpkgopt='path-include=/usr/share/locale/locale.alias' --dpkgopt='path-exclude=/usr/share/doc/*'
      --dpkgopt='path-include=/usr/share/doc/*/copyright')
    timed "mmdebstrap bookworm minbase" mmdebstrap --quiet --variant=minbase --include=ca-certificates \
      "${slim[@]}" "${hooks[@]}" bookworm "$work/rootfs.tar" \
      "deb http://deb.debian.org/debian bookworm main" \
      "deb http://deb.debian.org/debian bookworm-updates main" \
      "deb http://deb.debian.org/debian-security bookworm-security main"
    timed "podman import" podman import --change 'CMD ["/bin/bash"]' "$work/rootfs.tar" "$debian_image" > /dev/null
    rm -f "$work/rootfs.tar"
  fi
  if ! have_image "$rust_image"; then
    timed "rust base image" podman build --quiet --isolation chroot --build-arg DEBIAN_IMAGE="$debian_image" \
      -f deploy/container/rust.Containerfile -t "$rust_image" deploy/container > /dev/null
  fi
  # --format docker: OCI images have no HEALTHCHECK.
  build_image() {
    podman build --isolation chroot --format docker \
      --build-arg RUST_IMAGE="$rust_image" --build-arg DEBIAN_IMAGE="$debian_image" \
      --target runtime -t "$image" . >> "$log" 2>&1
  }
  timed "image build (runtime target)" build_image
fi
if ! have_image "$redis_image"; then
  printf 'FROM %s\nRUN apt-get update && apt-get install -y --no-install-recommends redis-server && rm -rf /var/lib/apt/lists/*\nUSER redis\nCMD ["redis-server", "--appendonly", "yes", "--dir", "/tmp", "--protected-mode", "no"]\n' \
    "$debian_image" > "$work/redis.Containerfile"
  timed "redis image" podman build --quiet --isolation chroot -f "$work/redis.Containerfile" -t "$redis_image" "$work" > /dev/null
fi

size=$(podman image inspect --format '{{.Size}}' "$image")
say "image $image: $((size / 1000000)) MB ($size bytes, uncompressed layers)"
podman history --format '{{.Size}}\t{{.CreatedBy}}' "$image" | cut -c1-150 >> "$log"

fail=0
check() { # check WHAT CMD...: runs CMD, says PASS or FAIL
  local what=$1
  shift
  if "$@" >> "$log" 2>&1; then say "PASS $what"; else say "FAIL $what"; fail=1; fi
}
in_image() { podman run --rm --entrypoint "$1" "$image" "${@:2}"; }

check "runs as uid 10001" bash -c "[ \"\$(podman run --rm --entrypoint id $image -u)\" = 10001 ]"
check "ffmpeg, ffprobe and pdftoppm in the image" in_image sh -c 'ffmpeg -version && ffprobe -version && pdftoppm -v'
# Every asset in the image matches the lock's sha256 (the last column).
grep -v '^#' tools/assets.lock | awk 'NF {print $5 "  .assets/" $4}' > "$work/assets.sha256"
check "assets match tools/assets.lock" podman run --rm -v "$work/assets.sha256:/tmp/assets.sha256:ro" \
  --entrypoint sha256sum "$image" -c /tmp/assets.sha256

# The service, sled (the default), its HEALTHCHECK and a request.
wait_health() { # wait_health CTR SERVICE WANT SECONDS
  local i out
  for ((i = 0; i < $4 * 4; i++)); do
    out=$(podman exec "$1" switchboard health --service "$2" 2>&1 | head -n 1) || true
    [ "$out" = "$3" ] && return 0
    sleep 0.25
  done
  echo "health of ${2:-the process} in $1: ${out:-no answer}, wanted $3" >&2
  return 1
}
t0=$(date +%s.%N)
podman run -d --name sbcheck-sled "$image" > /dev/null
if wait_health sbcheck-sled switchboard.v1.Switchboard SERVING 120; then
  say "PASS started and SERVING in $(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')") s"
else
  say "FAIL start: $(podman logs --tail 5 sbcheck-sled 2>&1)"
  fail=1
fi
check "the image's HEALTHCHECK (podman healthcheck run)" podman healthcheck run sbcheck-sled
check "experts listed over gRPC" bash -c "podman exec sbcheck-sled switchboard experts | grep -q '^ocr '"
png=tests/fixtures/ocr_text/a4_en.png
if [ -f "$png" ]; then
  podman cp "$png" sbcheck-sled:/tmp/page.png
  check "an OCR request answered (ONNX Runtime and the OCR models load)" bash -c \
    "podman exec sbcheck-sled switchboard ask --expert ocr --image /tmp/page.png --text 'read it' | tee -a $log | grep -q '[A-Za-z]'"
fi
t0=$(date +%s.%N)
podman stop -t 40 sbcheck-sled > /dev/null
code=$(podman inspect --format '{{.State.ExitCode}}' sbcheck-sled)
say "podman stop (SIGTERM): exit status $code after $(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')") s"
[ "$code" = 0 ] || fail=1
podman logs sbcheck-sled >> "$log" 2>&1 || true

# Redis: readiness follows it, liveness does not. Both join the network namespace of a holder
# container, so they reach each other on loopback (a pod would need the catatonit pause binary).
podman run -d --name sbcheck-net --entrypoint sleep "$image" infinity > /dev/null
podman run -d --network container:sbcheck-net --name sbcheck-redis \
  -e SWITCHBOARD_MEMORY__BACKEND=redis -e SWITCHBOARD_MEMORY__REDIS__URL=redis://127.0.0.1:6379/ \
  "$image" > /dev/null
check "Redis not started: readiness NOT_SERVING" wait_health sbcheck-redis switchboard.v1.Switchboard NOT_SERVING 120
check "Redis not started: liveness SERVING" wait_health sbcheck-redis "" SERVING 5
podman run -d --network container:sbcheck-net --name sbcheck-redis-server "$redis_image" > /dev/null
check "Redis started: readiness SERVING" wait_health sbcheck-redis switchboard.v1.Switchboard SERVING 20
podman stop -t 5 sbcheck-redis-server > /dev/null
check "Redis stopped: readiness NOT_SERVING" wait_health sbcheck-redis switchboard.v1.Switchboard NOT_SERVING 20
check "Redis stopped: liveness SERVING" wait_health sbcheck-redis "" SERVING 5
podman start sbcheck-redis-server > /dev/null
check "Redis back: readiness SERVING" wait_health sbcheck-redis switchboard.v1.Switchboard SERVING 20
podman logs sbcheck-redis >> "$log" 2>&1 || true

if [ $fail = 0 ]; then say "all checks passed"; else say "some checks FAILED (details in $log)"; fi
exit $fail
