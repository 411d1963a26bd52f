#!/usr/bin/env bash
# Copies what a build on the GPU machine lacks (it has CUDA PyTorch, nvcc, CMake and ninja, but
# no Debian dev packages and no network) into .carry/ (git-ignored): the header-only
# nlohmann-json and CLI11 with their CMake configs, zlib's headers and static library, and
# GoogleTest's sources. Name `.carry` in the device run's `carry`; scripts/gpu/device_run.sh
# builds and runs against it. About 6 MiB.
set -euo pipefail
cd "$(dirname "$0")/../.."
prefix=.carry/prefix
rm -rf .carry
mkdir -p "$prefix/include" "$prefix/lib" "$prefix/share/cmake"
cp -r /usr/include/nlohmann /usr/include/CLI "$prefix/include/"
cp -r /usr/share/cmake/nlohmann_json /usr/share/cmake/CLI11 "$prefix/share/cmake/"
cp /usr/include/zlib.h /usr/include/zconf.h "$prefix/include/"
cp /usr/lib/x86_64-linux-gnu/libz.a "$prefix/lib/"
cp -r /usr/src/googletest .carry/googletest
du -sh .carry
