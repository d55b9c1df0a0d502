#!/usr/bin/env bash
# The book's table on a GPU, in one call on a machine that reaches no package registry.
#
# Prepare, on a machine with a network, from the project root (about 52 MiB, in the git-ignored .device/):
#   mkdir -p .device/wheels && ../shared/data/shrink 128 .device   # 128 px copies of the original 160 px files
#   pip download --no-deps --only-binary=:all: --python-version 3.12 --platform manylinux2014_x86_64 -d .device/wheels \
#     fastai==2.8.7 fastcore==1.14.5 fastprogress fastdownload fasttransform==0.0.2 plum-dispatch==2.9.0 beartype \
#     accelerate huggingface_hub safetensors psutil graphviz
# Then on the GPU machine (which has torch and torchvision), from the project root, with $OUT a folder to fill:
#   bash tools/gpu_run.sh
# It trains the chapter's five models at the book's settings (5 epochs at 128 px, bs 128, lr 3e-3; the ResNet-50 for
# 20 epochs, at 128 px since no 320 px copy fits the transfer), writes each run's summary.json under $OUT, and prints
# accuracy against the book, seconds per epoch and images per second.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:?set OUT to the folder for results}
dev=.device
pip install -q --no-index --find-links "$dev/wheels" --no-deps "$dev"/wheels/*.whl
pip install -q --no-index --no-deps --no-build-isolation -e .
data=${FASTAI_HOME:-$HOME/.fastai}/data
mkdir -p "$data"
[ -d "$data/imagenette2-128" ] || tar -xzf "$dev/imagenette2-128.tgz" -C "$data"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.txt"
run() { resnet_nb_train --data "$data/imagenette2-128" --presize 128 --size 128 --fp16 --out "$out/$1" --arch "$@" 2>&1 | tail -3; }
run fcn
run resblock
run resblock2
run resnet18
run resnet50 --epochs 20
python - "$out" <<'EOF'
import json, sys
from pathlib import Path
from resnet_nb.learner import book_accuracy
rows = []
for arch in ['fcn', 'resblock', 'resblock2', 'resnet18', 'resnet50']:
    s = json.loads((Path(sys.argv[1])/arch/'summary.json').read_text())
    rows.append(f"| {arch} | {s['epochs_run']} | {s['accuracy']:.1%} | {book_accuracy[arch]:.1%} | {s['seconds_per_epoch']:.1f} | {s['train_images_per_second']:,.0f} | {s['hardware']} |")
table = "| model | epochs | ours | book | s/epoch | train img/s | GPU |\n|---|---|---|---|---|---|---|\n" + "\n".join(rows)
print(table)
(Path(sys.argv[1])/'table.md').write_text(table + "\n")
EOF
