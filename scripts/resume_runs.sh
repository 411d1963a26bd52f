#!/usr/bin/env bash
# Resumes, in the background, every unfinished training run kept in runs/.
#
# A schedule that is longer than one session (CMANP's 100k steps take ~11 core-hours on the
# development machine) is saved to runs/NAME.pt with its card runs/NAME.json at the end of each
# session and committed, because the machine does not outlive the session. The card holds the
# run's model config, data, schedule, batch, rate, clipping and seed, so this script rebuilds the
# exact `train --resume` command from it.
#
#   scripts/resume_runs.sh [--threads N] [--dry-run] [--wait] [--cli PATH] [--runs DIR]
#
# --threads N   intra-op threads per run (default 1)
# --dry-run     print the commands only
# --wait        wait for the runs to end (default: leave them in the background)
# --cli PATH    the nplab-cli to use (default: build/bin/nplab-cli of this checkout)
# --runs DIR    where the runs are (default: runs/ of this checkout); logs go to DIR/NAME.log
# Stop a run with Ctrl-C / SIGINT: it saves first, and running this script again continues it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

threads=1
dry_run=0
wait_for_runs=0
cli=$root/build/bin/nplab-cli
runs=$root/runs
while (($#)); do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
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

config_dir=$(mktemp -d "${TMPDIR:-/tmp}/nplab-resume.XXXXXX")
pids=()
names=()
for card in "${cards[@]}"; do
  name=$(basename "$card" .json)
  checkpoint=$runs/$name.pt
  if [[ ! -f $checkpoint ]]; then
    echo "resume_runs: $card has no $name.pt beside it; skipped" >&2
    continue
  fi
  # The card's model config goes to a file of its own (train checks that it is the saved run's);
  # the other settings become flags. One line of shell words, or "finished".
  args=$(python3 - "$card" "$config_dir/$name.config.json" <<'EOF'
import json, shlex, sys
card = json.load(open(sys.argv[1]))
if card.get("finished"):
    print("finished")
    sys.exit()
json.dump(card["config"], open(sys.argv[2], "w"))
words = ["--config", sys.argv[2], "--data", card["data"], "--steps", card["schedule_steps"],
         "--batch", card["batch"], "--lr", card["lr"], "--clip-norm", card["clip_norm"],
         "--seed", card["seed"], "--device", card.get("device", "cpu")]
print(" ".join(shlex.quote(str(word)) for word in words))
EOF
)
  if [[ $args == finished ]]; then
    echo "resume_runs: $name has finished its schedule; evaluate it and move it to models/ if it is better"
    continue
  fi
  log=$runs/$name.log
  echo "resume_runs: $cli train $args --out ${checkpoint%.pt} --resume  (log: $log, $threads thread(s))"
  ((dry_run)) && continue
  # args holds shell-quoted words (the config path may hold spaces), hence eval
  eval "OMP_NUM_THREADS=$threads nohup nice -n 10 \"\$cli\" train $args --out \"\${checkpoint%.pt}\" --resume" \
    >>"$log" 2>&1 &
  pids+=($!)
  names+=("$name")
done

# A background run reads its config file at start only; the files are left for those (a few
# hundred bytes each) and removed when nothing still needs them.
if ((dry_run)); then rm -rf "$config_dir"; fi
if ((wait_for_runs)); then
  status=0
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      echo "resume_runs: ${names[$i]} failed: $(tail -n 1 "$runs/${names[$i]}.log")" >&2
      status=1
    fi
  done
  rm -rf "$config_dir"
  exit $status
fi
