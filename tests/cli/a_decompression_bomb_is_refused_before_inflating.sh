#!/usr/bin/env bash
# A checkpoint zip whose one entry inflates to 300 MiB from a few hundred KiB is refused from its
# central directory, before LibTorch inflates it.
# a_decompression_bomb_is_refused_before_inflating.sh nplab-cli work-dir
set -u
cli=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
python3 - "$work/bomb.pt" <<'PY' || { echo "FAIL: could not write the bomb"; exit 1; }
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as archive:
    with archive.open("bomb/data/0", "w") as entry:
        chunk = bytes(1 << 20)
        for _ in range(300):
            entry.write(chunk)
PY
output=$("$cli" eval --checkpoint "$work/bomb.pt" --data gp-rbf --batches 1 2>&1)
status=$?
echo "$output"
[ "$status" -eq 1 ] || { echo "FAIL: exit status $status, expected 1"; exit 1; }
echo "$output" | grep -q "declares 300 MiB of data in a file of 0 MiB" ||
  { echo "FAIL: not refused from the declared sizes"; exit 1; }
