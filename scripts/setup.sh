#!/usr/bin/env bash
# Idempotent set-up: the Debian packages NPLab builds against and a project venv holding the
# PyTorch wheel whose bundled LibTorch CMake uses. A second run checks and does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly TORCH_VERSION="2.13.0"
readonly PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev qt6-svg-dev libqt6svg6 qt6-image-formats-plugins
  libqcustomplot-dev libqcustomplot2.1-qt6
  libgtest-dev libgmock-dev libcli11-dev nlohmann-json3-dev zlib1g-dev
  dataset-fashion-mnist xvfb xauth
)
# GUI-less machines (a headless CUDA box) may skip the Qt packages.
if [[ "${NPLAB_NO_GUI:-0}" == "1" ]]; then
  mapfile -t PACKAGES < <(printf '%s\n' "${PACKAGES[@]}" | grep -vE '^(qt6|libqt6|libqcustomplot|xvfb|xauth)')
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present (${#PACKAGES[@]} checked)"
fi

python_bin=${PYTHON:-python3}
if [[ -x .venv/bin/python ]] && .venv/bin/python -c "import torch,sys; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" 2>/dev/null; then
  echo "setup: .venv has torch $TORCH_VERSION"
else
  echo "setup: creating .venv with torch==$TORCH_VERSION (the LibTorch CMake builds against)"
  "$python_bin" -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check "torch==$TORCH_VERSION"
fi
echo "setup: done"
