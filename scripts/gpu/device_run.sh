#!/usr/bin/env bash
# One prepared run on a GPU machine (see scripts/gpu/prepare_carry.sh): a GUI-less build against
# that machine's CUDA LibTorch, the core and CLI tests, the benchmark report on CUDA and TNP-KR's
# scan attention at 100,000 context points and 1,000,000 targets. Each stage has a time limit, so
# one slow stage cannot take the others' results with it. Results go to $OUT as at most three
# files: build_and_test.log, bench.log and results.tgz (the report's CSVs and summary).
#   bash scripts/gpu/device_run.sh [extra command to run after, e.g. a training run]
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp/out}
work=$(mktemp -d)
mkdir -p "$out" "$work/bench-cuda"
prefix=$PWD/.carry/prefix
torch_prefix=$(python3 -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')
mapfile -t hints < <(scripts/cuda_cmake_hints.sh python3)  # toolkit and nvrtc of a pip PyTorch
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
  cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DNPLAB_BUILD_GUI=OFF \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$prefix" -DZLIB_ROOT="$prefix" "${hints[@]}" \
    -DNPLAB_GTEST_SOURCE_DIR="$PWD/.carry/googletest" &&
    timeout 300 cmake --build build-gpu -j "$(nproc)"
  echo "build finished after $SECONDS s"
  (cd build-gpu && OMP_NUM_THREADS=1 timeout 180 ctest -j 12 --timeout 100 --output-on-failure)
  echo "tests finished after $SECONDS s"
} >"$out/build_and_test.log" 2>&1
cli=build-gpu/bin/nplab-cli
if [[ -x $cli ]]; then
  timeout -s INT 240 "$cli" bench report --out "$work/bench-cuda" --device cuda >"$out/bench.log" 2>&1
  echo "bench report finished after $SECONDS s" >>"$out/build_and_test.log"
  timeout -s INT 60 "$cli" bench attention --modes scan --n 100000 --queries 1000000 \
    --device cuda --csv >"$work/attention_100k_1M.csv" 2>&1
  echo "attention 100k x 1M finished after $SECONDS s" >>"$out/build_and_test.log"
fi
if (($#)); then "$@" >"$work/extra.log" 2>&1; fi
tar czf "$out/results.tgz" -C "$work" .
