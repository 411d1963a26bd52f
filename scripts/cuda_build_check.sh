#!/usr/bin/env bash
# Builds the GUI-less core, CLI and core tests against a CUDA LibTorch on this (GPU-less) machine
# and runs the core tests: the CUDA code paths (CUDA graphs, the caching allocator's statistics)
# must compile, link and leave every CPU result unchanged. GPU-only tests skip here; they run on a
# GPU machine (scripts/gpu/device_run.sh).
#
# Needs: the CUDA 13 toolkit's nvcc (/usr/local/cuda) and PyTorch 2.14.1, a CUDA 13 build, which
# pip takes from this machine's disk (about 5.5 GB in the venv). Usage:
#   scripts/cuda_build_check.sh [VENV_DIR (default /work/cuda-venv)] [BUILD_DIR (default build-cuda)]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-/work/cuda-venv}
build=${2:-build-cuda}
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch==2.14.1
fi
torch_prefix=$("$venv/bin/python" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')
# Where the toolkit and the wheel's nvrtc are (LibTorch's CMake does not find them alone here).
mapfile -t hints < <(scripts/cuda_cmake_hints.sh "$venv/bin/python")
mkdir -p "$build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNPLAB_BUILD_GUI=OFF \
  -DCMAKE_PREFIX_PATH="$torch_prefix" "${hints[@]}" | tee "$build/configure.log"
grep -q "CUDA code paths: ON" "$build/configure.log" ||
  { echo "cuda_build_check: the LibTorch found has no CUDA" >&2; exit 1; }
cmake --build "$build" --target nplab_core_tests nplab-cli
(cd "$build" && OMP_NUM_THREADS=1 ctest -L "core|cli" --timeout 600 --output-on-failure)
