#!/usr/bin/env bash
# The shipped model's recipe, end to end (after `npm run data`): two seeds trained side by side (one
# thread each, 50 minutes), averaged into one ONNX graph with its threshold re-frozen on validation,
# checked against onnxruntime-node on the whole test split, then copied into packages/model.
# Usage: bash tools/train/release.sh [dataset-dir] [run-dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${1:-$root/.cache/dataset}"
out="${2:-$root/.cache/model}"
py=/usr/bin/python3
cd "$root"
pids=()
for s in 1 2; do
  "$py" tools/train/train.py --data "$data/shards" --out "$out-s$s" --minutes 50 --triplet --threads 1 --seed "$s" > "$out-s$s.log" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
"$py" tools/train/train.py --data "$data/shards" --out "$out" --ensemble "$out-s1" "$out-s2" --threads 2
npx tsx tools/data/src/parity.ts "$data" "$out"
node tools/train/ship.mjs "$out" packages/model
cp "$out/parity.json" packages/model/parity.json
