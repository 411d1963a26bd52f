#!/usr/bin/env bash
# scripts/resume_runs.sh --stop: every run the script started in a runs directory gets SIGINT,
# saves where it is and exits before --stop returns; the next resume_runs.sh continues it.
# resume_runs_stop_saves_every_run.sh nplab-cli tiny.json resume_runs.sh work-dir
set -u
cli=$1 config=$2 script=$3 work=$4
rm -rf "$work" && mkdir -p "$work/runs"
export OMP_NUM_THREADS=1
fail() { echo "FAIL: $*"; cat "$work/runs/long.log" 2>/dev/null; exit 1; }
# A run far from its end (a million-step schedule), saved after 2 steps.
"$cli" train --model lbanp --config "$config" --steps 1000000 --batch 4 --device cpu \
  --out "$work/runs/long" --stop-after 2 2>/dev/null || fail "the first 2 steps did not train"

bash "$script" --runs "$work/runs" --cli "$cli" --device cpu || fail "resume_runs.sh failed"
# Wait until the resumed loop runs (its signal handlers are installed before this line).
for _ in $(seq 1 600); do
  grep -q "Ctrl-C saves" "$work/runs/long.log" 2>/dev/null && break
  sleep 0.1
done
sleep 1
pid=$(pgrep -f -- " train .*--out $work/runs/long") || fail "no run in the background"

bash "$script" --runs "$work/runs" --stop >"$work/stop.out" || fail "--stop failed: $(cat "$work/stop.out")"
cat "$work/stop.out"
kill -0 "$pid" 2>/dev/null && fail "the run is still alive after --stop returned"
grep -q "interrupted after step" "$work/stop.out" || fail "--stop did not report the save"
steps=$(sed -n 's/^ *"steps": \([0-9]*\),*$/\1/p' "$work/runs/long.json")
((steps > 2)) || fail "the card says $steps steps: nothing was saved after resuming"

bash "$script" --runs "$work/runs" --stop | grep -q "no training run is writing" ||
  fail "a second --stop found something to stop"
echo "stopped and saved at step $steps"
