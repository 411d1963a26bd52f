#!/usr/bin/env bash
# Ctrl-C (SIGINT) while CMHP trains on Hawkes sequences: the run stops at the end of the step,
# saves a checkpoint with its training state, exits with status 130, and the same command with
# --resume finishes the schedule from the step it stopped at.
# tpp_interrupt_saves_and_resumes.sh nplab-cli work-dir
set -u
cli=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
echo '{"blocks": 1, "d_model": 16, "latents": 4, "feedforward": 16}' >"$work/tiny.json"
args=(train --model cmhp --config "$work/tiny.json" --data tpp-hawkes --batch 2
      --sequence-length 8 --device cpu --out "$work/run")
"$cli" "${args[@]}" --steps 1000000 2>"$work/log" &
pid=$!
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
grep -q '"finished": false' "$work/run.json" || { echo "card does not say unfinished"; exit 1; }
steps=$(sed -n 's/^ *"steps": \([0-9]*\),*$/\1/p' "$work/run.json")
"$cli" "${args[@]}" --steps $((steps + 2)) --resume 2>"$work/resume.log" ||
  { cat "$work/resume.log"; echo "resume failed"; exit 1; }
cat "$work/resume.log"
grep -q "from step $steps to $((steps + 2))" "$work/resume.log" ||
  { echo "did not resume from step $steps"; exit 1; }
grep -q '"finished": true' "$work/run.json" || { echo "resumed run did not finish"; exit 1; }
echo "interrupted after $steps steps, saved and resumed"
