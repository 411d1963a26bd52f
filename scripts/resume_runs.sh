#!/usr/bin/env bash
# Resumes, in the background, every unfinished training run kept in runs/.
#
# A schedule that is longer than one session (CMANP's 100k steps take ~11 core-hours on the
# development machine) is saved to runs/NAME.pt with its card runs/NAME.json at the end of each
# session and committed, because the machine does not outlive the session. The card holds the
# run's model config, data, schedule, batch, rate, clipping and seed, and `train --out RUN --resume`
# takes them from it: this script starts that for each unfinished run.
#
#   scripts/resume_runs.sh [--threads N] [--device D] [--dry-run] [--wait] [--cli PATH] [--runs DIR]
#
# --threads N   intra-op threads per run (default 1)
# --device D    auto (default: CUDA when there is a GPU), cpu or cuda[:N]
# --dry-run     print the commands only
# --wait        wait for the runs to end (default: leave them in the background)
# --cli PATH    the nplab-cli to use (default: build/bin/nplab-cli of this checkout)
# --runs DIR    where the runs are (default: runs/ of this checkout); logs go to DIR/NAME.log
# Stop a run with Ctrl-C / SIGINT: it saves first, and running this script again continues it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

threads=1
device=auto
dry_run=0
wait_for_runs=0
cli=$root/build/bin/nplab-cli
runs=$root/runs
while (($#)); do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --device) device=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --wait) wait_for_runs=1; shift ;;
    --cli) cli=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "resume_runs: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

shopt -s nullglob
cards=("$runs"/*.json)
if ((${#cards[@]} == 0)); then
  echo "resume_runs: no runs in $runs"
  exit 0
fi
if ((!dry_run)) && [[ ! -x $cli ]]; then
  echo "resume_runs: $cli not found; build first (make build) or pass --cli" >&2
  exit 1
fi

pids=()
names=()
for card in "${cards[@]}"; do
  name=$(basename "$card" .json)
  checkpoint=$runs/$name.pt
  if [[ ! -f $checkpoint ]]; then
    echo "resume_runs: $card has no $name.pt beside it; skipped" >&2
    continue
  fi
  if python3 -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1])).get("finished") else 1)' \
    "$card"; then
    echo "resume_runs: $name has finished its schedule; evaluate it and move it to models/ if it is better"
    continue
  fi
  log=$runs/$name.log
  echo "resume_runs: $cli train --out ${checkpoint%.pt} --resume --device $device  (log: $log, $threads thread(s))"
  ((dry_run)) && continue
  OMP_NUM_THREADS=$threads nohup nice -n 10 "$cli" train --out "${checkpoint%.pt}" --resume \
    --device "$device" >>"$log" 2>&1 &
  pids+=($!)
  names+=("$name")
done

if ((wait_for_runs)); then
  status=0
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      echo "resume_runs: ${names[$i]} failed: $(tail -n 1 "$runs/${names[$i]}.log")" >&2
      status=1
    fi
  done
  exit $status
fi
