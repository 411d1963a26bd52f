#!/usr/bin/env bash
# --stop-after stops at its step and, when the run is already there, trains nothing; a second
# Ctrl-C says which of the two exit statuses it chose: 131 "stopped without saving", or 130 when
# it came during the save and waited for it.
# stop_after_and_a_second_interrupt.sh nplab-cli tiny.json work-dir
set -u
cli=$1 config=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
card_steps() { sed -n 's/^ *"steps": \([0-9]*\),*$/\1/p' "$1"; }
train() { "$cli" train --model lbanp --config "$config" --batch 4 --device cpu "$@"; }

train --steps 50 --stop-after 3 --out "$work/run" 2>"$work/log1" || fail "first run: $(cat "$work/log1")"
grep -q "stopped after step 3 (--stop-after)" "$work/log1" || fail "no stop message: $(cat "$work/log1")"
[ "$(card_steps "$work/run.json")" = 3 ] || fail "card steps $(card_steps "$work/run.json"), expected 3"

for at in 3 2; do
  train --steps 50 --stop-after $at --resume --out "$work/run" 2>"$work/log2" ||
    fail "resume at $at: $(cat "$work/log2")"
  grep -q "is already at step 3 (--stop-after $at); nothing to do" "$work/log2" ||
    fail "--stop-after $at at step 3 did not say so: $(cat "$work/log2")"
  [ "$(card_steps "$work/run.json")" = 3 ] || fail "--stop-after $at trained on, to $(card_steps "$work/run.json")"
done

# Started directly, not through train(): $! must be nplab-cli, not a subshell. A full-size CMANP
# step takes a few tenths of a second, so the second signal lands inside the step.
OMP_NUM_THREADS=1 "$cli" train --model cmanp --batch 16 --device cpu --steps 1000000 \
  --out "$work/twice" 2>"$work/log3" &
pid=$!
for _ in $(seq 1 600); do
  grep -q "^step [0-9]" "$work/log3" && break
  sleep 0.1
done
grep -q "^step [0-9]" "$work/log3" || { echo "FAIL: no step was trained"; exit 1; }
kill -INT "$pid"
sleep 0.05  # two presses, not one: signals sent together merge into one
kill -INT "$pid"
wait "$pid"
status=$?
cat "$work/log3"
case $status in
  131) grep -q "stopped without saving" "$work/log3" || fail "131 without its message" ;;
  130) grep -q "it stops once the save is complete" "$work/log3" || fail "130 without waiting for the save"
       [ -f "$work/twice.pt" ] || fail "130 but no checkpoint" ;;
  *) fail "two Ctrl-Cs gave exit status $status" ;;
esac
echo "stop-after and a second interrupt behave (second Ctrl-C: exit $status)"
