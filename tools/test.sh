#!/usr/bin/env bash
# Runs every test: the Rust unit and integration tests (real gRPC on loopback, sled in temp
# dirs, redis-servers the tests start on loopback, ONNX Runtime and the Qwen tokenizer from
# the pinned assets), then the Python suite that talks to the real server binary using only the
# .proto, the tests of the fetch scripts, and the Kubernetes manifests' render and validation.
# Python packages come from PyPI, pinned in tests/e2e/requirements.txt, into ./.venv; Debian's
# ffmpeg, poppler-utils and redis-server are installed with apt when missing
# (tools/ensure-debian.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/fetch-assets.sh
tools/fetch-debian.sh prometheus
# Video files are decoded by Debian's ffmpeg (apt, by package name); the video tests need it.
tools/ensure-debian.sh ffmpeg ffmpeg ffprobe
# PDF pages hayro cannot draw are drawn by Debian's pdftoppm; the PDF tests need it.
tools/ensure-debian.sh poppler-utils pdftoppm
# The session-memory suite and the replica tests start Debian's redis-server themselves.
tools/ensure-debian.sh redis-server redis-server redis-cli
cargo build --locked --bin switchboard
cargo test --locked

if [ ! -x .venv/bin/python ] || ! cmp -s tests/e2e/requirements.txt .venv/.requirements; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/e2e/requirements.txt
  cp tests/e2e/requirements.txt .venv/.requirements
fi
E2E_SERVER_BIN="$PWD/target/debug/switchboard" .venv/bin/python -m pytest -q tests/e2e tests/tools
# The Kubernetes manifests render (kubectl kustomize, offline) and validate against the API schemas.
tools/k8s-check.sh
