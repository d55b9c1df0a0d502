#!/usr/bin/env bash
# Notebook 15's ablation (issue 31, item 2), the rows after r1, one after another, each in nbs/results/leaderboard/<run>/
# with its log beside it in <run>.log. A row whose summary.json exists is skipped; one with a checkpoint.pth is resumed.
# The queue stops at the first row that fails. Usage, from anywhere:
#   nohup tools/leaderboard_queue.sh [PID] >> nbs/results/leaderboard/queue.log 2>&1 &
# With a PID (a run already training, such as r1), the queue waits for it to end first: one run at a time on a shared CPU.
set -u
cd "$(dirname "$0")/.."
. .venv/bin/activate
unset OMP_NUM_THREADS
if [ $# -gt 0 ]; then while kill -0 "$1" 2>/dev/null; do sleep 60; done; fi
out=nbs/results/leaderboard
recipe="--flip-only --presize 128 --size 128 --bs 32 --opt ranger --sched flat_cos --lr 8e-3 --wd 0.01 --label-smoothing --epochs 5 --seed 42"
rows=(
  "r2-mish|--arch xresnet18 --act mish"
  "r3-sa|--arch xresnet18 --act mish --sa"
  "r4-maxblur|--arch xresnet18 --act mish --sa --pool maxblur"
  "r5-xse_resnext18|--arch xse_resnext18 --act mish --sa --pool maxblur"
)
for row in "${rows[@]}"; do
  run=${row%%|*}; opts=${row#*|}
  if [ -e "$out/$run/summary.json" ]; then echo "$(date -u +%FT%TZ) $run: done already, skipped"; continue; fi
  resume=""; [ -e "$out/$run/checkpoint.pth" ] && resume="--resume"
  echo "$(date -u +%FT%TZ) $run: resnet_nb_train $opts $recipe --out $out/$run $resume"
  # shellcheck disable=SC2086
  nice -n 10 resnet_nb_train $opts $recipe --out "$out/$run" $resume >> "$out/$run.log" 2>&1 || { echo "$(date -u +%FT%TZ) $run failed: see $out/$run.log"; exit 1; }
done
echo "$(date -u +%FT%TZ) queue finished"
