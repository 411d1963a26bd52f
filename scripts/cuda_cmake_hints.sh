#!/usr/bin/env bash
# Prints the CMake arguments (one per line) that let LibTorch's CMake find its CUDA pieces when
# PyTorch came from pip: its CMake looks for the CUDA toolkit beside nvcc and for nvrtc in the
# toolkit, but a pip install keeps nvrtc in its own nvidia/ packages, and an nvcc on the PATH
# outside the toolkit's folder (/usr/local/bin/nvcc) hides where the toolkit is. Prints nothing
# that is not there. Usage: mapfile -t hints < <(scripts/cuda_cmake_hints.sh [PYTHON])
set -euo pipefail
python=${1:-python3}
for root in /usr/local/cuda "$(dirname "$(dirname "$(readlink -f "$(command -v nvcc || echo /x/x)")")")"; do
  if [[ -f $root/include/cuda_runtime_api.h ]]; then
    echo "-DCUDA_TOOLKIT_ROOT_DIR=$root"
    echo "-DCUDAToolkit_ROOT=$root"
    break
  fi
done
nvidia=$("$python" -c 'import nvidia; print(list(nvidia.__path__)[0])' 2>/dev/null || true)
if [[ -n $nvidia ]]; then
  for nvrtc in "$nvidia"/cu1[0-9]/lib/libnvrtc.so.* "$nvidia"/cuda_nvrtc/lib/libnvrtc.so.*; do
    if [[ -f $nvrtc && $nvrtc != *builtins* && $nvrtc != *alt* ]]; then
      echo "-DCUDA_nvrtc_LIBRARY=$nvrtc"
      echo "-DCUDA_NVRTC_LIB=$nvrtc"
      break
    fi
  done
fi
