#!/usr/bin/env bash
# Held-out evaluation of a model on images from Debian packages that no split of the training data
# draws from (fetch-covers.sh keeps the training sources to its own list): every image file as the
# packages ship it (native formats, real camera EXIF), then a dataset the generator makes from them
# (inscription format mix, the five methods and the attacker variants on unseen covers).
# Usage: bash tools/data/heldout.sh [model.onnx] [report.json]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
model="${1:-$root/packages/model/starlight.onnx}"
report="${2:-$root/packages/model/heldout.json}"
covers="$root/.cache/heldout"
cd "$root"
bash tools/data/fetch-covers.sh "$covers" oxygen-icon-theme pingus-data lincity-ng-data marble-data gnome-backgrounds mate-backgrounds \
  desktop-base lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 ukui-wallpapers plasma-workspace-wallpapers sway-backgrounds
[ -f "$covers.dataset/manifest.jsonl" ] || npx tsx tools/data/src/build.ts --out "$covers.dataset" --covers "$covers" --no-sample --synthetic 0 --clean 4000 --stego 4000 --seed 11
npx tsx tools/data/src/heldout.ts --native "$covers" --dataset "$covers.dataset" --model "$model" --out "$report"
