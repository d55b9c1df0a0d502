#!/usr/bin/env bash
# The book's table on a GPU, in one call on a machine that reaches no package registry.
#
# Prepare, on a machine with a network, from the project root (about 56 MiB, in the git-ignored .device/):
#   mkdir -p .device/wheels && ../shared/data/shrink 128 .device   # 128 px copies of the original 160 px files
#   pip download --no-deps --only-binary=:all: --python-version 3.12 --platform manylinux2014_x86_64 -d .device/wheels \
#     fastai==2.8.7 fastcore==1.14.5 fastprogress==1.0.3 fastdownload fasttransform==0.0.2 plum-dispatch==2.9.0 beartype graphviz
# (the GPU machine's image has the rest of fastai's needs: torch, torchvision, accelerate, pandas, matplotlib, pillow,
# requests, pyyaml, scipy, scikit-learn.) Then on the GPU machine, from the project root, with $OUT the folder whose
# files come back:
#   bash tools/gpu_run.sh
# It trains the chapter's five models at the book's settings (5 epochs at 128 px, bs 128, lr 3e-3, fp16 mixed
# precision as the book; the ResNet-50 for 20 epochs, at 128 px since no 320 px copy fits the transfer), with the runs
# (checkpoints included) in $RUNS, and writes to $OUT only what comes back: each run's summary as <arch>.json, the
# table as table.md, the GPU as gpu.txt and the log as log.txt (8 files at most come back, of at most 16 MiB each).
# A dry run on a CPU, in quick mode, from a Python 3.12 environment with the machine's packages but no fastai (the wheels
# bring it): RESNET_NB_QUICK=1 PRECISION=fp32 OUT=/tmp/o FASTAI_HOME=/tmp/h bash tools/gpu_run.sh
# (checked on 2026-11-30: eight files of under 1 KB each in $OUT; the tracked files add 2.8 MiB to .device/).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:?set OUT to the folder for results}
runs=${RUNS:-$(mktemp -d)}
precision=${PRECISION:-fp16}
dev=.device
exec > >(tee "$out/log.txt") 2>&1
# installed beside the machine's own packages, not into them (the machine may not let us write there)
site=$(mktemp -d)
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target "$site" "$dev"/wheels/*.whl
export PYTHONPATH="$site:$PWD${PYTHONPATH:+:$PYTHONPATH}"
data=${FASTAI_HOME:-$HOME/.fastai}/data
mkdir -p "$data"
[ -d "$data/imagenette2-128" ] || tar -xzf "$dev/imagenette2-128.tgz" -C "$data"
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$out/gpu.txt"
else echo "no GPU: $(nproc) CPU cores" > "$out/gpu.txt"; fi
cat "$out/gpu.txt"
run() {
  python3 -m resnet_nb.train --data "$data/imagenette2-128" --presize 128 --size 128 --precision "$precision" --out "$runs/$1" --arch "$@" | tail -3
  cp "$runs/$1/summary.json" "$out/$1.json"
}
run fcn
run resblock
run resblock2
run resnet18
run resnet50 --epochs 20
python - "$out" <<'PY'
import json, sys
from pathlib import Path
from resnet_nb.learner import book_accuracy
out,rows = Path(sys.argv[1]),[]
for arch in ['fcn', 'resblock', 'resblock2', 'resnet18', 'resnet50']:
    s = json.loads((out/f'{arch}.json').read_text())
    rows.append(f"| {arch} | {s['epochs_run']} | {s['data']['resize']} | {s['accuracy']:.1%} | {book_accuracy[arch]:.1%} | {s['seconds_per_epoch']:.1f} | "
                f"{s['train_images_per_second']:,.0f} | {s['precision']} | {s['hardware']} |{' quick mode' if s['quick'] else ''}")
table = "| model | epochs | px | ours | book | s/epoch | train img/s | precision | hardware |\n|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows)
print(table)
(out/'table.md').write_text(table + "\n")
PY
