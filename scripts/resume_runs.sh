#!/usr/bin/env bash
# Resumes, in the background, every unfinished training run kept in runs/.
#
# A schedule that is longer than one session (CMANP's 100k steps take ~11 core-hours on the
# development machine) is saved to runs/NAME.pt with its card runs/NAME.json at the end of each
# session and committed, because the machine does not outlive the session. The card holds the run's
# model, data, schedule, batch, rate and seed, so this script rebuilds the exact `train --resume`
# command from it.
#
#   scripts/resume_runs.sh [--threads N] [--dry-run] [--cli PATH] [--into DIR]
#
# --into DIR trains a copy in DIR (default: in place, runs/); logs go to DIR/NAME.log.
# Each run gets N intra-op threads (default 1). Stop a run with Ctrl-C / SIGINT: it saves first.
set -euo pipefail
cd "$(dirname "$0")/.."

threads=1
dry_run=0
cli=build/bin/nplab-cli
into=runs
while (($#)); do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --cli) cli=$2; shift 2 ;;
    --into) into=$2; shift 2 ;;
    *) echo "resume_runs: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

shopt -s nullglob
cards=(runs/*.json)
if ((${#cards[@]} == 0)); then
  echo "resume_runs: no runs in runs/"
  exit 0
fi
if ((!dry_run)) && [[ ! -x $cli ]]; then
  echo "resume_runs: $cli not found; build first (make build) or pass --cli" >&2
  exit 1
fi
mkdir -p "$into"

for card in "${cards[@]}"; do
  name=$(basename "$card" .json)
  if [[ ! -f runs/$name.pt ]]; then
    echo "resume_runs: $card has no runs/$name.pt beside it; skipped" >&2
    continue
  fi
  # One line of shell words from the card, or "finished".
  args=$(python3 - "$card" <<'EOF'
import json, shlex, sys
card = json.load(open(sys.argv[1]))
if card.get("finished"):
    print("finished")
else:
    print(" ".join(shlex.quote(str(word)) for word in [
        "--model", card["registry_name"], "--data", card["data"],
        "--steps", card["schedule_steps"], "--batch", card["batch"],
        "--lr", card["lr"], "--seed", card["seed"], "--device", card.get("device", "cpu")]))
EOF
)
  if [[ $args == finished ]]; then
    echo "resume_runs: $name has finished its schedule; evaluate it and move it to models/ if better"
    continue
  fi
  if [[ $into != runs ]]; then
    cp "runs/$name.pt" "runs/$name.json" "$into/"
  fi
  command="$cli train $args --out $into/$name --resume"
  echo "resume_runs: $command  (log: $into/$name.log, $threads thread(s))"
  if ((!dry_run)); then
    # shellcheck disable=SC2086  # args is already shell-quoted
    OMP_NUM_THREADS=$threads nohup nice -n 10 $command >>"$into/$name.log" 2>&1 &
  fi
done
