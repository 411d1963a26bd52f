#!/usr/bin/env bash
# scripts/resume_runs.sh --stop: every run the script started in a runs directory gets SIGINT,
# saves where it is and exits before --stop returns; the next resume_runs.sh continues it. A run
# started by hand with a relative --out into the runs directory is stopped too; one writing
# elsewhere is left alone.
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
# By hand, from the runs' parent: `--out runs/byhand`; and a decoy, `--out elsewhere/decoy`.
mkdir -p "$work/elsewhere"
start_by_hand() {  # exec: $! is nplab-cli itself
  (cd "$work" && exec "$cli" train --model lbanp --config "$config" --steps 1000000 --batch 4 \
    --device cpu --out "$1" 2>"$work/$1.log") &
}
start_by_hand runs/byhand
byhand=$!
start_by_hand elsewhere/decoy
decoy=$!
# Wait until each loop has trained a step (its signal handlers are installed before the first).
for log in runs/long runs/byhand elsewhere/decoy; do
  for _ in $(seq 1 600); do
    grep -q "^step [0-9]" "$work/$log.log" 2>/dev/null && break
    sleep 0.1
  done
  grep -q "^step [0-9]" "$work/$log.log" 2>/dev/null || fail "$log never trained a step"
done
# The background run is resume_runs.sh's child, not ours: found by its command line, which is
# what --stop itself matches.
pid=$(pgrep -f -- " train .*--out $work/runs/long") || fail "no run in the background"
kill -0 "$byhand" 2>/dev/null || fail "the run started by hand is not running"
kill -0 "$decoy" 2>/dev/null || fail "the decoy run is not running"
trap 'kill -INT "$decoy" "$byhand" 2>/dev/null' EXIT

bash "$script" --runs "$work/runs" --stop >"$work/stop.out" || fail "--stop failed: $(cat "$work/stop.out")"
cat "$work/stop.out"
kill -0 "$pid" 2>/dev/null && fail "the run is still alive after --stop returned"
kill -0 "$byhand" 2>/dev/null && fail "the run started by hand (relative --out) is still alive"
kill -0 "$decoy" 2>/dev/null || fail "--stop stopped a run writing outside the runs directory"
grep -q "saved runs/byhand.pt" "$work/stop.out" || fail "--stop did not report the hand run's save"
grep -q "interrupted after step" "$work/stop.out" || fail "--stop did not report the save"
steps=$(sed -n 's/^ *"steps": \([0-9]*\),*$/\1/p' "$work/runs/long.json")
((steps > 2)) || fail "the card says $steps steps: nothing was saved after resuming"

bash "$script" --runs "$work/runs" --stop | grep -q "no training run is writing" ||
  fail "a second --stop found something to stop"
echo "stopped and saved at step $steps"
