#!/usr/bin/env bash
# Ctrl-C (SIGINT) during training: the run stops at the end of the step, saves a checkpoint that
# --resume can continue, and exits with status 130.
# interrupt_saves_and_exits_130.sh nplab-cli tiny.json work-dir
set -u
cli=$1 config=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$cli" train --model lbanp --config "$config" --steps 1000000 --batch 4 --device cpu \
  --out "$work/run" 2>"$work/log" &
pid=$!
# Wait until the loop has trained a step (the handlers are installed before the first).
for _ in $(seq 1 600); do
  grep -q "^step [0-9]" "$work/log" && break
  sleep 0.1
done
grep -q "^step [0-9]" "$work/log" || { echo "FAIL: no step was trained"; exit 1; }
kill -INT "$pid"
wait "$pid"
status=$?
cat "$work/log"
if [ "$status" -ne 130 ]; then echo "exit status $status, expected 130"; exit 1; fi
if [ ! -f "$work/run.pt" ] || [ ! -f "$work/run.json" ]; then echo "no checkpoint saved"; exit 1; fi
grep -q '"finished": false' "$work/run.json" || { echo "card does not say unfinished"; exit 1; }
# The saved run continues: one more step (of a shorter schedule) from where it stopped.
steps=$(sed -n 's/^ *"steps": \([0-9]*\),*$/\1/p' "$work/run.json")
"$cli" train --model lbanp --config "$config" --steps $((steps + 1)) --batch 4 --device cpu \
  --out "$work/run" --resume 2>&1 || { echo "resume failed"; exit 1; }
grep -q '"finished": true' "$work/run.json" || { echo "resumed run did not finish"; exit 1; }
echo "interrupted after $steps steps, saved and resumed"
