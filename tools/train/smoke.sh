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
# top-push pushes the highest clean logit down and the stego logits up (most those below it), and leaves lower clean logits alone
"$py" - <<'PY'
import sys, torch
sys.path.insert(0, "tools/train")
from train import top_push
logit = torch.tensor([0.0, 5.0, 1.0, 3.0, 9.0], requires_grad=True)
top_push(logit, torch.tensor([False, False, True, True, True]), k=1, margin=2.0).backward()
g = logit.grad.tolist()
assert g[0] == 0 and g[1] > 0 and g[2] < 0 and g[3] < 0 and g[3] < g[4] < 0, g  # a stego logit already clear gets a smaller push
print("top_push ok:", g)
from train import freeze_bit_order_margin
blog = torch.tensor([[5.0, 0, 0], [0, 5.0, 0], [3.0, 0, 0], [0, 2.5, 0], [2.4, 0, 0]])
every = torch.ones(5, dtype=torch.bool)
# the order at margin 3 is wrong: the margin must stay above it; when every order is right, the smallest margin (>= ln 9)
assert freeze_bit_order_margin(blog, every, torch.tensor([0, 1, 1, 1, 0])) == 5.0
assert abs(freeze_bit_order_margin(blog, every, torch.tensor([0, 1, 0, 1, 0])) - 2.4) < 1e-6
# 200 text payloads named right at margin 2.3 hide a random-byte payload named wrong at 3: per kind, the margin is 6
import numpy as np
blog = torch.tensor([[6.0, 0, 0], [3.0, 0, 0], [2.4, 0, 0]] + [[2.3, 0, 0]] * 200)
y_bit = torch.tensor([0, 1, 0] + [0] * 200)
kinds = np.array(["bytes"] * 3 + ["text"] * 200)
every = torch.ones(203, dtype=torch.bool)
assert abs(freeze_bit_order_margin(blog, every, y_bit) - 2.3) < 1e-6
assert freeze_bit_order_margin(blog, every, y_bit, kinds) == 6.0
print("freeze_bit_order_margin ok")
# the DCT head's offset: a head whose stego logits sit under the trunk's clean tail gets a share of the budget
from train import freeze_dct_bias
class Parts:
    def __init__(self, p, q): self.p, self.q = p, q
    def eval(self): return self
    def train(self): return self
    def parts(self, p, q): return p, None, None, None, q
p = torch.cat([torch.linspace(-5, 2, 1000), torch.full((100,), 5.0), torch.full((100,), -5.0)])
q = torch.cat([torch.linspace(-8, -1, 1000), torch.full((100,), -8.0), torch.full((100,), 0.0)])
y = torch.cat([torch.zeros(1000), torch.ones(200)])
b, found = freeze_dct_bias(Parts(p, q), [p, q], y, 0.001)
assert found == 200 and b > 1, (b, found)
assert freeze_dct_bias(Parts(p, q), [p, q], y, 0.001, grid=np.array([0.0]))[1] == 100
print("freeze_dct_bias ok:", b)
PY
"$py" tools/train/train.py --data "$work/data/shards" --out "$work/model" --epochs 1 --minutes 5 --batch 64 --triplet
cp "$work/model/metrics.json" "$work/metrics.trained.json"
"$py" tools/train/train.py --data "$work/data/shards" --out "$work/model" --eval-only  # re-freezes the same threshold from head.pt
npx tsx tools/data/src/parity.ts "$work/data" "$work/model"
"$py" - "$work/model/metrics.json" "$work/metrics.trained.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
c = m["split_counts"]
assert all(c[s]["clean"] > 0 and c[s]["stego"] > 0 for s in c), c
assert m["test"]["threshold_logit"] == t["test"]["threshold_logit"] and m["test"]["detection"] == t["test"]["detection"], (m["test"], t["test"])
print("smoke ok:", json.dumps({"counts": c, "test_detection": m["test"]["detection"], "test_fpr": m["test"]["fpr"]}))
PY
# real clean files (heldout.ts --scores lines) join validation when the threshold is frozen: a native file scoring above
# the validation-only threshold raises it past itself (as a probability too); generated rows are not real files and are ignored
cp -r "$work/model" "$work/model-cal"
"$py" - "$work" <<'PY'
import json, math, sys
w = sys.argv[1]
cut = json.load(open(f"{w}/model/metrics.json"))["test"]["threshold_logit"]
p = lambda l: 1 / (1 + math.exp(-l))
rows = [{"file": "pkg/a.png", "kind": "native", "probability": p(cut + 1)}, {"file": "pkg/b.png", "kind": "native", "probability": p(cut - 1)},
        {"file": "files/0.png", "kind": "generated", "probability": p(cut + 5)}]
open(f"{w}/scores.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in rows))
PY
"$py" tools/train/train.py --data "$work/data/shards" --out "$work/model-cal" --eval-only --calibration "$work/scores.jsonl"
"$py" - "$work" <<'PY'
import json, math, sys
w = sys.argv[1]
old = json.load(open(f"{w}/model/metrics.json"))["test"]["threshold_logit"]
m = json.load(open(f"{w}/model-cal/metrics.json"))
cal, cut, thr = m["calibration"], m["test"]["threshold_logit"], json.load(open(f"{w}/model-cal/model.json"))["threshold"]
assert cal["real_clean_files"] == 2 and cal["real_flagged_at_threshold"] == 0, cal
assert abs(cut - (old + 1)) < 1e-6 and thr > 1 / (1 + math.exp(-(old + 1))), (old, cut, thr)
print("calibration ok:", json.dumps({"threshold_logit": [old, cut], "calibration": cal}))
PY
# an ensemble of two runs trained apart (seeds 1 and 2) exports as one model: the members' parts (trunk and DCT-head
# logits) averaged, then combined with the ensemble's own frozen DCT-head offset
"$py" tools/train/train.py --data "$work/data/shards" --out "$work/model2" --epochs 1 --minutes 5 --batch 64 --triplet --seed 2
"$py" tools/train/train.py --data "$work/data/shards" --out "$work/ensemble" --ensemble "$work/model" "$work/model2"
npx tsx tools/data/src/parity.ts "$work/data" "$work/ensemble"
"$py" - "$work" <<'PY'
import json, sys, numpy as np, torch
w = sys.argv[1]
sys.path.insert(0, "tools/train")
import train as T
from model import Head, combine
arr, _ = T.load_split(f"{w}/data/shards", "test")
compact = T.compact_split(arr)
m = json.load(open(f"{w}/ensemble/metrics.json"))
parts = []
for d in ("model", "model2"):
    h = Head(stats_len=arr["stats"].shape[1])
    h.load_state_dict(torch.load(f"{w}/{d}/head.pt"))
    with torch.no_grad():
        parts.append(h.eval().parts(*compact))
mean = [(x + y) / 2 for x, y in zip(*parts)]
want = combine(*mean, torch.tensor(m["dct_bias"]))[0].numpy()
a, b, e = (np.load(f"{w}/{d}/torch_stego_logit.npy") for d in ("model", "model2", "ensemble"))
assert np.abs(e - want).max() < 1e-4 and np.abs(a - b).max() > 1e-3, (e[:4], want[:4], a[:4], b[:4])
assert m["members"] == ["model", "model2"], m["members"]
# each run standardises the dct input by its training split's readable JPEGs, inside the graph; runs saved
# before that (no dct_mu/dct_sd) load as the identity
tr, _ = T.load_split(f"{w}/data/shards", "train")
dct = T.compact_split(tr)[-1]
jpegs = dct[dct[:, 0] > 0.5]
assert len(jpegs) >= 2, "the smoke data has JPEGs"
state = torch.load(f"{w}/model/head.pt")
assert torch.allclose(state["dct_mu"], jpegs.mean(0)) and torch.allclose(state["dct_sd"], jpegs.std(0).clamp_min(1e-3))
old = Head(stats_len=arr["stats"].shape[1])
old.load_state_dict({k: v for k, v in state.items() if k not in ("dct_mu", "dct_sd")})
assert old.dct_mu.eq(0).all() and old.dct_sd.eq(1).all()
print("ensemble ok:", json.dumps({"test_detection": m["test"]["detection"], "test_fpr": m["test"]["fpr"]}))
PY
