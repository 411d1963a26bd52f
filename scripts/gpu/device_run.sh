#!/usr/bin/env bash
# One prepared run on the GPU machine (see scripts/gpu/prepare_carry.sh): a GUI-less build
# against that machine's CUDA LibTorch, the core and CLI tests, then the benchmark report on
# CUDA. Results go to $OUT (the device tool brings them back). Usage, from the device tool:
#   bash scripts/gpu/device_run.sh [extra commands to run after, e.g. a training run]
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp/out}
mkdir -p "$out"
prefix=$PWD/.carry/prefix
torch_prefix=$(python3 -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')
mapfile -t hints < <(scripts/cuda_cmake_hints.sh python3)  # toolkit and nvrtc of a pip PyTorch
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
  cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DNPLAB_BUILD_GUI=OFF \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$prefix" -DZLIB_ROOT="$prefix" "${hints[@]}" \
    -DNPLAB_GTEST_SOURCE_DIR="$PWD/.carry/googletest" &&
    cmake --build build-gpu -j "$(nproc)" &&
    (cd build-gpu && OMP_NUM_THREADS=1 ctest -j 8 --timeout 300 --output-on-failure)
} 2>&1 | tee "$out/build_and_test.log"
if [[ -x build-gpu/bin/nplab-cli ]]; then
  build-gpu/bin/nplab-cli bench report --out "$out/bench-cuda" --device cuda 2>&1 |
    tee "$out/bench.log"
fi
if [[ -x build-gpu/bin/nplab-cli ]]; then
  # Issue 6's headline: TNP-KR's scan attention, 100,000 context points, 1,000,000 targets.
  build-gpu/bin/nplab-cli bench attention --modes scan --n 100000 --queries 1000000 \
    --device cuda --csv 2>&1 | tee "$out/attention_100k_1M.csv"
fi
if (($#)); then "$@" 2>&1 | tee "$out/extra.log"; fi
