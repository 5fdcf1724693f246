#!/usr/bin/env bash
# A model on stego made by real tools that no training file comes from (steghide, outguess, stegosuite;
# tools/data/src/realtools.ts) on covers of a held-out set (default 6: packages no split draws from),
# with each cover clean beside them. The tools come from Debian (realtools.ts names the packages it
# misses); the files are made once and kept.
# Usage: bash tools/data/realtools.sh [set] [model.onnx] [report.json]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
set="${1:-6}"
model="${2:-$root/packages/model/starlight.onnx}"
report="${3:-$root/packages/model/realtools-set$set.json}"
cd "$root"
covers="$root/.cache/heldout$set"
[ "$set" = 1 ] && covers="$root/.cache/heldout"
[ -d "$covers" ] || { echo "fetch held-out set $set first: bash tools/data/heldout.sh $set" >&2; exit 2; }
out="$root/.cache/realtools$set"
[ -f "$out/manifest.jsonl" ] || npx tsx tools/data/src/realtools.ts --covers "$covers" --out "$out" --seed "$set"
npx tsx tools/data/src/heldout.ts --dataset "$out" --model "$model" --out "$report" --scores "$out/scores.jsonl"
