#!/usr/bin/env python3
"""What the JPEG DCT input (121 values, @starlight/core features/dct.ts) separates on its own: a linear
classifier (standardised inputs, logistic regression by gradient descent) fitted on the even covers of
tools/data/src/dct-probe.ts's output and measured on the odd ones, per tool and rate.
Usage: /usr/bin/python3 tools/train/dct_probe.py <dct-probe.jsonl>"""
import json
import sys

import numpy as np
import torch


def auc(pos, neg):
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    ranks[order] = np.arange(1, len(allv) + 1)
    # average ranks of ties
    _, inv, counts = np.unique(allv, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=ranks)
    ranks = (sums / counts)[inv]
    return (ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def main():
    torch.manual_seed(0)
    torch.set_num_threads(2)
    rows = [json.loads(line) for line in open(sys.argv[1])]
    X = np.array([r["f"] for r in rows], dtype=np.float32)
    y = np.array([r["tool"] != "clean" for r in rows], dtype=np.float32)
    test = np.array([r["cover"] % 2 == 1 for r in rows])
    mu, sd = X[~test].mean(0), X[~test].std(0) + 1e-6
    Z = torch.tensor((X - mu) / sd)
    net = torch.nn.Linear(X.shape[1], 1)
    opt = torch.optim.Adam(net.parameters(), 1e-2, weight_decay=1e-4)
    tr = torch.tensor(~test)
    yt = torch.tensor(y)
    pw = torch.tensor(float((y[~test] == 0).sum() / (y[~test] == 1).sum()))
    for _ in range(2000):
        loss = torch.nn.functional.binary_cross_entropy_with_logits(net(Z[tr]).squeeze(1), yt[tr], pos_weight=pw)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        s = net(Z).squeeze(1).numpy()
    clean = s[test & (y == 0)]
    print(f"covers: {len({r['cover'] for r in rows})} (fit on the even ones, measured on the {int((test & (y == 0)).sum())} odd ones)")
    print("tool      rate  n    AUC    detected at 5 % / 1 % FPR (thresholds from the test clean files)")
    t5, t1 = np.percentile(clean, 95), np.percentile(clean, 99)
    for tool in ("f5", "jsteg", "outguess", "pm1"):
        for rate in (0.05, 0.2, 0.5):
            m = test & np.array([r["tool"] == tool and r["rate"] == rate for r in rows])
            if not m.any():
                continue
            p = s[m]
            print(f"{tool:9} {rate:4}  {m.sum():3}  {auc(p, clean):.3f}  {(p > t5).mean() * 100:5.1f} % / {(p > t1).mean() * 100:5.1f} %")


if __name__ == "__main__":
    main()
