#!/usr/bin/env bash
# Resumes, in the background, every unfinished training run kept in runs/.
#
# A schedule can take longer than a machine is available (CMANP's 100k steps take ~11 core-hours
# on a 2-core CPU): such a run is saved to runs/NAME.pt with its card runs/NAME.json whenever it
# is stopped, and committed, so that any checkout continues it. The card holds the
# run's model config, data, schedule, batch, rate, clipping and seed, and `train --out RUN --resume`
# takes them from it: this script starts that for each unfinished run.
#
#   scripts/resume_runs.sh [--threads N] [--device D] [--dry-run] [--wait] [--cli PATH] [--runs DIR]
#   scripts/resume_runs.sh --stop [--runs DIR]
#
# --threads N   intra-op threads per run (default 1)
# --device D    auto (default: CUDA when there is a GPU), cpu or cuda[:N]
# --dry-run     print the commands only
# --wait        wait for the runs to end (default: leave them in the background)
# --cli PATH    the nplab-cli to use (default: build/bin/nplab-cli of this checkout)
# --runs DIR    where the runs are (default: runs/ of this checkout); logs go to DIR/NAME.log
# --stop        send SIGINT to every training run writing into DIR (whatever nplab-cli binary runs
#               it) and wait until each has saved and exited: do this, then commit DIR.
# A run stopped with Ctrl-C / SIGINT saves first, and running this script again continues it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

threads=1
device=auto
dry_run=0
stop=0
wait_for_runs=0
cli=$root/build/bin/nplab-cli
runs=$root/runs
while (($#)); do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --device) device=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --stop) stop=1; shift ;;
    --wait) wait_for_runs=1; shift ;;
    --cli) cli=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "resume_runs: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

if [[ ! -d $runs ]]; then
  echo "resume_runs: $runs is not a directory" >&2
  exit 2
fi
runs=$(cd "$runs" && pwd)  # absolute: the runs' command lines are matched on it

if ((stop)); then
  # Training processes whose --out lies in the runs directory: read from each command line and,
  # when relative (a run started by hand, `--out runs/NAME`), resolved against the process's cwd.
  running=()
  outs=()
  # A process that pgrep listed may be gone a moment later (another short run ending): every
  # lookup below tolerates that instead of letting `set -e` end the script without a word.
  while read -r pid; do
    out=$(ps -o args= -p "$pid" 2>/dev/null | sed -n 's/.*--out \([^ ]*\).*/\1/p') || continue
    [[ -n $out ]] || continue
    if [[ $out != /* ]]; then
      cwd=$(readlink -f "/proc/$pid/cwd" 2>/dev/null) || continue
      out=$cwd/$out
    fi
    [[ $(cd "$(dirname "$out")" 2>/dev/null && pwd) == "$runs" ]] || continue
    running+=("$pid")
    outs+=("$out")
  done < <(pgrep -f -- " train .*--out " || true)
  if ((${#running[@]} == 0)); then
    echo "resume_runs: no training run is writing into $runs"
    exit 0
  fi
  kill -INT "${running[@]}" 2>/dev/null || true
  # The loop notices SIGINT at the end of the step in progress, then saves (a few seconds).
  for _ in $(seq 1 1200); do
    alive=0
    for pid in "${running[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.5
  done
  if ((alive)); then
    echo "resume_runs: a run did not stop within 10 minutes: ${running[*]}" >&2
    exit 1
  fi
  for out in "${outs[@]}"; do
    log=${out%.pt}.log
    [[ -f $log ]] && echo "resume_runs: $(grep -a 'saved' "$log" | tail -n 1)"
  done
  exit 0
fi

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
