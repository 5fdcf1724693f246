#!/usr/bin/env bash
# The whole detector pipeline in miniature, for CI: covers from ../shared + synthetic ones, the
# embedders, TypeScript feature shards, one epoch of PyTorch training, ONNX export + onnx.checker,
# and the onnxruntime-node vs PyTorch parity check on the test split. Fails (never skips) when a
# dependency is missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${SMOKE_DIR:-$root/.cache/smoke}"
py=/usr/bin/python3
"$py" -c 'import torch, onnx, numpy' || { echo "smoke: Debian's python3-torch, python3-onnx and python3-numpy are required (see .ci/run)"; exit 1; }
rm -rf "$work" && mkdir -p "$work"
cd "$root"
npx tsx tools/data/src/build.ts --out "$work/data" --clean 160 --stego 160 --seed 7 --covers "$work/no-debian-covers" --synthetic 0.3
npx tsx tools/data/src/shards.ts "$work/data"
"$py" tools/train/train.py --data "$work/data/shards" --out "$work/model" --epochs 1 --minutes 5 --batch 64
npx tsx tools/data/src/parity.ts "$work/data" "$work/model"
"$py" - "$work/model/metrics.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
c = m["split_counts"]
assert all(c[s]["clean"] > 0 and c[s]["stego"] > 0 for s in c), c
print("smoke ok:", json.dumps({"counts": c, "test_detection": m["test"]["detection"], "test_fpr": m["test"]["fpr"]}))
PY
