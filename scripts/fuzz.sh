#!/usr/bin/env bash
# Runs the fuzz targets of a build for a bounded time over their seed corpora and prints the
# executions of each: `scripts/fuzz.sh BUILD_DIR [SECONDS_PER_TARGET [TARGET...]]` (default: 60 s,
# every target built). The build
# needs -DNPLAB_BUILD_FUZZERS=ON (and, for CI, -DNPLAB_SANITIZE=address,undefined). New inputs
# a libFuzzer build finds go to a scratch folder, not into tests/fuzz/corpus/. A target that
# crashes fails the run; its input is kept in BUILD_DIR/fuzz-findings/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:?usage: scripts/fuzz.sh BUILD_DIR [SECONDS_PER_TARGET]}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
only=("$@")
findings="$build_dir/fuzz-findings"
mkdir -p "$findings"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export OMP_NUM_THREADS=1 QT_QPA_PLATFORM=offscreen

failed=0
summary=()
for corpus in tests/fuzz/corpus/*/; do
  target=$(basename "$corpus")
  if ((${#only[@]})) && [[ ! " ${only[*]} " =~ " $target " ]]; then
    continue
  fi
  binary="$build_dir/bin/fuzz_$target"
  if [[ ! -x "$binary" ]]; then
    echo "fuzz: $binary not built (image_import needs Qt Gui); skipped"
    continue
  fi
  mkdir -p "$scratch/$target"
  log="$findings/$target.log"
  echo "fuzz: $target for ${seconds}s"
  mkdir -p "$findings/$target"  # where a crashing input is left (crash-*)
  if (cd "$findings/$target" && nice -n 19 "$OLDPWD/$binary" -max_total_time="$seconds" \
        -timeout=30 -rss_limit_mb=4096 -max_len=200000 "$scratch/$target" "$OLDPWD/$corpus") \
        >"$log" 2>&1; then
    runs=$(grep -oE 'Done [0-9]+ runs' "$log" | tail -1 | grep -oE '[0-9]+' || echo '?')
    summary+=("$target: $runs executions in ${seconds}s, no finding")
  else
    failed=1
    summary+=("$target: FAILED (see $log)")
    tail -40 "$log"
  fi
done
printf 'fuzz: %s\n' "${summary[@]}"
exit "$failed"
