#!/usr/bin/env python3
"""Train the Starlight detector on feature shards written by tools/data (TypeScript), export ONNX.

Usage: /usr/bin/python3 tools/train/train.py --data DIR --out DIR [--minutes 45] [--triplet] [--smoke]

The shards hold the streams exactly as @starlight/core computed them (uint8 where the value is exact,
bit planes packed); nothing here recomputes a stream. See tools/data/README.md for the layout.
"""
import argparse
import collections
import json
import math
import os
import sys
import time

# torch parallelises over the batch with OpenMP; OpenBLAS threads underneath only oversubscribe.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import BIT_ORDER_TARGET, BIT_ORDERS, INPUTS, MIN_BIT_ORDER_MARGIN, METHODS, OUTPUTS, Ensemble, Head, Preprocess, StarlightNet  # noqa: E402

DCT_METHOD = METHODS.index("dct")

torch.backends.mkldnn.enabled = False  # Debian's build: the oneDNN path is slower than BLAS here


def load_split(data, split):
    d = os.path.join(data, split)
    arr = {}
    for f in os.listdir(d):
        if f.endswith(".npy"):
            arr[f[:-4]] = np.load(os.path.join(d, f), mmap_mode="r")
    with open(os.path.join(d, "rows.jsonl")) as fh:
        rows = [json.loads(line) for line in fh]
    assert len(rows) == arr["stego"].shape[0], (split, len(rows), arr["stego"].shape)
    return arr, rows


def streams_batch(arr, idx):
    """Float32 model inputs for rows idx, exactly as @starlight/core would hand them to the model."""
    u8 = lambda k: torch.from_numpy(np.ascontiguousarray(arr[k][idx]))
    pixel_u8 = u8("pixel")
    alpha_u8 = u8("alpha")
    n = len(idx)
    pal_lsb = np.unpackbits(arr["palette_lsb"][idx], axis=1).reshape(n, 1, 256, 256)
    bits = np.unpackbits(arr["bits"][idx], axis=2).reshape(n, 3, 4096)
    return dict(
        pixel=pixel_u8.float() / 255.0,
        meta=u8("meta").float() / 255.0,
        alpha=torch.stack([alpha_u8.float() / 255.0, (alpha_u8 & 1).float()], dim=1),
        lsb=(pixel_u8 & 1).float(),
        palette=u8("palette").float() / 255.0,
        palette_lsb=torch.from_numpy(pal_lsb).float(),
        format=u8("format"),
        content=u8("content"),
        bits=torch.from_numpy(bits).float(),
        tail=u8("tail").float() / 255.0,
        stats=u8("stats"),
        evidence=u8("evidence"),
        residual=u8("residual"),
        dct=u8("dct"),
    )


def _block_mean(x):
    """Mean over 8x8 blocks of a (n, c, 256, 256) uint8 0/1 array, as float32 (exactly k/64)."""
    n, c = x.shape[:2]
    return x.reshape(n, c, 32, 8, 32, 8).sum(axis=(3, 5), dtype=np.uint8).astype(np.float32) / np.float32(64)


def _agree_u8(x):
    left = np.concatenate([x[..., :1], x[..., :-1]], axis=-1)
    return (x == left).view(np.uint8)


def compact_rows(arr, idx):
    """Preprocess(streams) for rows idx, computed from the stored uint8 values without building the
    float streams (the machine is memory-bound). Checked against Preprocess itself in compact_split."""
    n = len(idx)
    pixel = np.ascontiguousarray(arr["pixel"][idx])
    alpha = np.ascontiguousarray(arr["alpha"][idx])
    pal_lsb = np.unpackbits(arr["palette_lsb"][idx], axis=1).reshape(n, 1, 256, 256)
    planes = np.concatenate([pixel & 1, (alpha & 1)[:, None], pal_lsb], axis=1)
    maps = np.concatenate([_block_mean(planes), _block_mean(_agree_u8(planes)), _block_mean(_agree_u8(pixel))], axis=1)
    bits = np.unpackbits(arr["bits"][idx], axis=2).reshape(n, 3, 4096).astype(np.float32)
    f = lambda k: torch.from_numpy(np.ascontiguousarray(arr[k][idx]))
    return (
        torch.from_numpy(maps),
        f("meta").float() / 255.0,
        f("palette").float() / 255.0,
        f("format"),
        f("content"),
        torch.from_numpy(bits),
        f("tail").float() / 255.0,
        f("stats"),
        f("evidence"),
        f("residual"),
        f("dct"),
    )


def compact_split(arr, chunk=256):
    """The parameter-free Preprocess over a whole split (once; the Head then trains on the result)."""
    n = arr["stego"].shape[0]
    outs = None
    for s in range(0, n, chunk):
        idx = np.arange(s, min(n, s + chunk))
        parts = compact_rows(arr, idx)
        if outs is None:
            # The fast path must equal the exported graph's Preprocess exactly.
            k = idx[: min(8, len(idx))]
            with torch.no_grad():
                ref = Preprocess()(**streams_batch(arr, k))
            for a, b in zip(parts, ref):
                assert torch.equal(a[: len(k)], b), "compact_rows differs from Preprocess"
            outs = [torch.empty((n,) + tuple(p.shape[1:]), dtype=torch.float32) for p in parts]
        for o, p in zip(outs, parts):
            o[s : s + len(idx)] = p
    return outs


def labels(arr):
    return (
        torch.from_numpy(np.asarray(arr["stego"], dtype=np.float32)),
        torch.from_numpy(np.asarray(arr["method"], dtype=np.int64)),
        torch.from_numpy(np.asarray(arr["bit_order"], dtype=np.int64)),
    )


def batch_hard_triplet(emb, y, margin=0.3):
    d = torch.cdist(emb, emb)
    same = y[:, None] == y[None, :]
    pos = (d * same.float()).amax(dim=1)
    neg = d.masked_fill(same, float("inf")).amin(dim=1)
    valid = torch.isfinite(neg)
    if not valid.any():
        return emb.sum() * 0
    return F.relu(pos[valid] - neg[valid] + margin).mean()


def top_push(logit, pos, k=2, margin=2.0):
    """Top-push ranking loss: every stego logit should clear the batch's highest clean logits by a margin.

    Detection is measured at a threshold frozen above all but ~1 in 2000 clean images, so what counts
    is the clean TAIL, not the clean mean that cross-entropy mostly sees. The mean of the k highest
    clean logits stands in for that tail; gradients push it down and the stego logits below it up.
    """
    tau = torch.topk(logit[~pos], min(k, int((~pos).sum()))).values.mean()
    return F.softplus(tau + margin - logit[pos]).mean()


def run_head(head, compact, idx):
    return head(*[c[idx] for c in compact])


def predict(head, compact, bs=1024):
    head.eval()
    n = compact[0].shape[0]
    out = [[], [], [], []]
    with torch.no_grad():
        for s in range(0, n, bs):
            idx = torch.arange(s, min(n, s + bs))
            for o, r in zip(out, run_head(head, compact, idx)):
                o.append(r)
    head.train()
    return [torch.cat(o) for o in out]


def freeze_dct_bias(head, compact, y_st, target_fpr, grid=np.arange(-10.0, 10.0001, 0.05)):
    """The DCT head's offset b (model.py): the one that detects the most validation stego at the
    threshold that keeps the validation clean false-positive rate <= target (ties: the middle one).
    The two heads are trained apart; without b the one whose clean tail sits higher takes the whole
    false-positive budget, whatever the other would find with a share of it."""
    head.eval()
    with torch.no_grad():
        parts = [head.parts(*[c[s : s + 1024] for c in compact]) for s in range(0, compact[0].shape[0], 1024)]
    head.train()
    p = torch.cat([x[0] for x in parts]).double()
    q = torch.cat([x[4] for x in parts]).double()
    clean = y_st == 0
    allowed = int(math.floor(target_fpr * int(clean.sum())))
    found = []
    for b in grid:
        c = torch.logaddexp(p, q + float(b))
        cut = torch.sort(c[clean], descending=True).values[allowed]
        found.append(int((c[~clean] > cut).sum()))
    best = [float(b) for b, f in zip(grid, found) if f == max(found)]
    return round(best[len(best) // 2], 2), max(found)


def wilson(k, n, z=1.96):
    if n == 0:
        return [None, None]
    p = k / n
    den = 1 + z * z / n
    c = (p + z * z / (2 * n)) / den
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return [max(0.0, c - h), min(1.0, c + h)]


def rate(k, n):
    return {"k": int(k), "n": int(n), "rate": (k / n) if n else None, "ci95": wilson(k, n)}


def silhouette(emb, y, max_n=2000, seed=0):
    g = torch.Generator().manual_seed(seed)
    if emb.shape[0] > max_n:
        sel = torch.randperm(emb.shape[0], generator=g)[:max_n]
        emb, y = emb[sel], y[sel]
    d = torch.cdist(emb, emb)
    classes = y.unique()
    if len(classes) < 2:
        return None, None
    s = []
    within, between = [], []
    for i in range(len(y)):
        same = y == y[i]
        same[i] = False
        if same.sum() == 0:
            continue
        a = d[i, same].mean()
        b = min(d[i, y == c].mean() for c in classes if c != y[i])
        s.append(((b - a) / max(a, b)).item())
        within.append(a.item())
        between.append(b.item())
    return float(np.mean(s)), float(np.mean(between) / max(1e-9, np.mean(within)))


def sequential_lsb(det, y_method, y_bit):
    """Detected palette / lsb.rgb stego with a sequential payload (a bit order to name)."""
    return det & ((y_method == 1) | (y_method == 2)) & (y_bit < 2)


def freeze_bit_order_margin(blog, sel, y_bit, kinds=None):
    """The smallest margin |logit(lsb-first) - logit(msb-first)| (>= ln 9) at which the orders named
    are right >= BIT_ORDER_TARGET of the time among `sel`, and among each payload kind of it (`kinds`:
    text, bytes) alone: random bytes read as random bytes in either order, so a model can be sure of an
    order it cannot know, and many sure text payloads must not hide a random payload's wrong order."""
    d_all = (blog[:, 0] - blog[:, 1]).double()
    groups = [sel] if kinds is None or not sel.any() else [sel & torch.from_numpy(kinds == k) for k in np.unique(kinds[sel.numpy()])]
    m = MIN_BIT_ORDER_MARGIN
    for g in groups:
        d = d_all[g]
        right = ((d < 0).long() == y_bit[g]).double()
        order = torch.argsort(d.abs(), descending=True)
        margins, hits = d.abs()[order], torch.cumsum(right[order], 0)
        ok = hits / torch.arange(1, len(order) + 1, dtype=torch.float64) >= BIT_ORDER_TARGET
        # the largest prefix (smallest margin) whose named orders reach the target
        k = int(torch.nonzero(ok).max().item()) if ok.any() else -1
        m = max(m, float(margins[k].item()) if k >= 0 else float("inf"))
    return min(m, 50.0)


def evaluate(logits, mlog, blog, emb, y_stego, y_method, y_bit, rows, cut, threshold, bo_margin):
    pred = logits >= cut
    clean = y_stego == 0
    stego = y_stego == 1
    res = {"threshold": threshold, "threshold_logit": cut}
    res["fpr"] = rate(int((pred & clean).sum()), int(clean.sum()))
    res["detection"] = rate(int((pred & stego).sum()), int(stego.sum()))
    per = {}
    for key in ("method", "format", "len_bucket", "variant", "big_short", "payload_kind", "jpeg_history"):
        groups = {}
        for i, r in enumerate(rows):
            if not r["stego"]:
                continue
            v = r.get(key)
            if key == "big_short":
                v = "short(<=64B) in >256^2" if (r["width"] * r["height"] > 65536 and (r.get("payload_len") or 0) <= 64) else None
            if v is None:
                continue
            g = groups.setdefault(str(v), [0, 0])
            g[1] += 1
            g[0] += int(pred[i])
        per[key] = {k: rate(*v) for k, v in sorted(groups.items())}
    res["detection_by"] = per
    cf = {}
    for i, r in enumerate(rows):
        if r["stego"] or not pred[i]:
            continue
        cf.setdefault(r["format"], 0)
        cf[r["format"]] += 1
    res["false_positives_by_format"] = cf
    det = stego & pred
    mp = mlog.argmax(1)
    res["method_accuracy_on_detected"] = rate(int((mp[det] == y_method[det]).sum()), int(det.sum()))
    by_m = {}
    for m in range(len(METHODS)):
        sel = det & (y_method == m)
        by_m[METHODS[m]] = rate(int((mp[sel] == m).sum()), int(sel.sum()))
    res["method_accuracy_by_method"] = by_m
    # As the scanner reports it: an order only when the two orders' logits differ by the frozen margin
    # (else "undetermined"). Random bytes read as random bytes in either order, and a
    # NUL is the same both ways: only payloads with structure (text) can be told apart. Reported apart.
    d = (blog[:, 0] - blog[:, 1]).double()
    decided = d.abs() >= bo_margin
    said = (d < 0).long()
    bo, bd = {}, {}
    for m in (1, 2):
        sel = sequential_lsb(det, y_method, y_bit) & (y_method == m)
        for kind in (None, "text", "bytes"):
            s2 = sel & torch.tensor([kind is None or r.get("payload_kind") == kind for r in rows])
            name = METHODS[m] + (f", {kind} payloads" if kind else "")
            bd[name] = rate(int((s2 & decided).sum()), int(s2.sum()))
            bo[name] = rate(int((s2 & decided & (said == y_bit)).sum()), int((s2 & decided).sum()))
    res["bit_order_accuracy"] = bo
    res["bit_order_decided"] = bd
    yc = torch.where(y_stego == 1, y_method + 1, torch.zeros_like(y_method))
    sil, ratio = silhouette(emb, yc)
    res["embedding"] = {"silhouette": sil, "between_within_ratio": ratio}
    return res


def train(args):
    t0 = time.time()
    names = ("val", "test") if args.eval_only or args.ensemble else ("train", "val", "test")
    splits = {s: load_split(args.data, s) for s in names}
    print({s: len(v[1]) for s, v in splits.items()}, flush=True)
    compact = {}
    for s, (arr, _) in splits.items():
        t = time.time()
        compact[s] = compact_split(arr)
        print(f"preprocessed {s}: {compact[s][0].shape[0]} rows in {time.time() - t:.0f}s", flush=True)
    ys = {s: labels(arr) for s, (arr, _) in splits.items()}
    stats_len = splits["val"][0]["stats"].shape[1]  # the head is sized from the shards' stats width
    if args.ensemble:
        # Average runs trained apart (their head.pt): one model, its threshold frozen on validation anew.
        heads, olds = [], []
        for d in args.ensemble:
            h = Head(stats_len=stats_len)
            h.load_state_dict(torch.load(os.path.join(d, "head.pt")))
            heads.append(h)
            olds.append(json.load(open(os.path.join(d, "metrics.json"))))
        args.triplet, args.top_push = olds[0]["triplet"], olds[0].get("top_push", 0.0)
        history = [dict(h, member=i) for i, o in enumerate(olds) for h in o["history"]]
        return finish(Ensemble(heads), args, splits, compact, ys, history, max(o["train_seconds"] for o in olds), members=args.ensemble)
    if args.eval_only:
        # Re-freeze the threshold and re-export a trained run (head.pt), keeping its training history.
        head = Head(stats_len=stats_len)
        head.load_state_dict(torch.load(os.path.join(args.out, "head.pt")))
        old = json.load(open(os.path.join(args.out, "metrics.json")))
        args.triplet, args.top_push = old["triplet"], old.get("top_push", 0.0)
        return finish(head, args, splits, compact, ys, old["history"], old["train_seconds"])

    torch.manual_seed(args.seed)
    head = Head(stats_len=stats_len)
    head.set_dct_scale(compact["train"][-1])  # the dct input is the last compact part
    opt = torch.optim.AdamW(head.parameters(), lr=args.lr, weight_decay=1e-4)
    n = compact["train"][0].shape[0]
    y_st, y_m, y_b = ys["train"]
    steps_per_epoch = max(1, n // args.batch)
    # The learning rate follows the time budget (warm-up, then cosine to zero at the deadline), so a
    # run uses its minutes fully on any machine and always ends annealed.
    t_start = time.time()
    budget = args.minutes * 60 - (t_start - t0)
    history = []
    step = 0

    def lr_at(frac):
        if frac < 0.05:
            return args.lr * (0.1 + 0.9 * frac / 0.05)
        return args.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, (frac - 0.05) / 0.95)))

    # --balance: stego rows drawn with weight 1/sqrt(count of their variant), clean rows as they are,
    # total stego mass unchanged (rare attacker variants are seen more often, clean share stays put).
    draw = None
    if args.balance:
        variants = [r["variant"] for r in splits["train"][1]]
        cnt = collections.Counter(v for v, y in zip(variants, y_st.tolist()) if y > 0.5)
        w = torch.tensor([cnt[v] ** -0.5 if y > 0.5 else 0.0 for v, y in zip(variants, y_st.tolist())], dtype=torch.float64)
        w = w * (float((y_st > 0.5).sum()) / float(w.sum()))
        draw = torch.where(y_st > 0.5, w, torch.ones_like(w))

    epoch = 0
    while epoch < args.epochs:
        perm = torch.multinomial(draw, n, replacement=True) if draw is not None else torch.randperm(n)
        tot = 0.0
        te = time.time()
        done = False
        for b in range(steps_per_epoch):
            frac = (time.time() - t_start) / max(1e-9, budget)
            if frac >= 1.0 and epoch > 0:
                done = True
                break
            for g in opt.param_groups:
                g["lr"] = lr_at(min(frac, 1.0)) if args.epochs > 1 else args.lr
            idx = perm[b * args.batch : (b + 1) * args.batch]
            batch = [c[idx] for c in compact["train"]]
            logit, mlog, blog, emb, q = head.parts(*batch)
            # The trunk learns the five methods and their variants; DCT-domain stego, which its inputs
            # cannot see, is left out of its losses. The DCT head learns, on JPEGs alone, whether the
            # coefficients were written by a DCT-domain tool (other JPEG stego, metadata or appended
            # data, leaves them clean).
            st = y_st[idx]
            dct_row = (st > 0.5) & (y_m[idx] == DCT_METHOD)
            keep = ~dct_row
            loss = F.binary_cross_entropy_with_logits(logit[keep], st[keep])
            sm = (st > 0.5) & keep
            if sm.any():
                loss = loss + F.cross_entropy(mlog[sm], y_m[idx][sm]) + 0.5 * F.cross_entropy(blog[sm], y_b[idx][sm])
            if args.top_push and sm.any() and (~(st > 0.5)).any():
                loss = loss + args.top_push * top_push(logit[keep], sm[keep], args.top_push_k, args.top_push_margin)
            if args.triplet:
                yc = torch.where(sm, y_m[idx] + 1, torch.zeros_like(y_m[idx]))
                loss = loss + args.triplet_weight * batch_hard_triplet(emb[keep], yc[keep])
            jpeg = batch[-1][:, 0] > 0.5
            if jpeg.any():
                loss = loss + F.binary_cross_entropy_with_logits(q[jpeg], dct_row[jpeg].float())
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            tot += loss.item()
        if b == 0 and done:
            break
        epoch += 1
        vl = predict(head, compact["val"])[0]
        vy = ys["val"][0]
        det0 = float((vl[vy == 1] > vl[vy == 0].max()).float().mean()) if (vy == 0).any() else None
        history.append({"epoch": epoch, "steps": step, "loss": tot / max(1, b), "val_detection_at_zero_val_fp": det0, "sec": round(time.time() - te, 1)})
        print(json.dumps(history[-1]), flush=True)
        if done:
            break

    return finish(head, args, splits, compact, ys, history, time.time() - t0)


def real_clean_logits(files):
    """Logits of the native (real) files in heldout.ts --scores JSON lines (inf where the probability rounds to 1)."""
    rows = [json.loads(line) for f in files for line in open(f) if line.strip()]
    p = np.array([r["probability"] for r in rows if r["kind"] == "native"], dtype=np.float64)
    with np.errstate(divide="ignore"):
        return torch.from_numpy(np.log(p) - np.log1p(-p))


def finish(head, args, splits, compact, ys, history, train_seconds, members=None):
    """Freeze the threshold on validation, measure validation and test, save, export."""
    # The smallest threshold that keeps the validation clean false-positive rate <= target, chosen on
    # LOGITS in float64: in float32 the sigmoid of a logit above ~17 is exactly 1, so thresholds near
    # 1 cannot be told apart there. The spec stores its probability (float64), as the scanner compares.
    # With --calibration, real clean files (their probabilities, as tools/data/src/heldout.ts --scores
    # writes them) join the validation clean files: a threshold frozen on generated files alone
    # does not carry to real ones.
    dct_bias, _ = freeze_dct_bias(head, compact["val"], ys["val"][0], args.target_fpr)
    head.dct_bias.fill_(dct_bias)
    vlog = predict(head, compact["val"])
    real = real_clean_logits(args.calibration or [])
    vclean = torch.sort(torch.cat([vlog[0][ys["val"][0] == 0].double(), real]), descending=True).values
    allowed = int(math.floor(args.target_fpr * len(vclean)))
    cut = float(vclean[allowed].item()) if len(vclean) > allowed else 0.0
    cut = min(max(float(np.nextafter(cut, np.inf)), 0.0), 30.0)  # strictly above that clean score
    thr = 1.0 / (1.0 + math.exp(-cut))
    # Strictly above it as a probability too: near 1, neighbouring logits share one float64 probability,
    # and the scanner computes its own (a few ulps of margin for another exp()).
    top = 1.0 / (1.0 + math.exp(-float(vclean[allowed].item()))) if len(vclean) > allowed else 0.0
    if thr <= top < 1.0:
        while thr <= top:
            thr = float(np.nextafter(thr, 1.0))
        for _ in range(4):
            thr = float(np.nextafter(thr, 1.0))
    kinds = np.array([str(r.get("payload_kind")) for r in splits["val"][1]])
    bo_margin = freeze_bit_order_margin(vlog[2], sequential_lsb((vlog[0].double() >= cut) & (ys["val"][0] == 1), ys["val"][1], ys["val"][2]), ys["val"][2], kinds)
    tlog = predict(head, compact["test"])
    metrics = {
        "split_counts": {s: {"clean": int((ys[s][0] == 0).sum()), "stego": int((ys[s][0] == 1).sum())} for s in ys},
        "triplet": bool(args.triplet),
        "top_push": args.top_push,
        "history": history,
        "val": evaluate(vlog[0].double(), vlog[1], vlog[2], vlog[3], *ys["val"], splits["val"][1], cut, thr, bo_margin),
        "test": evaluate(tlog[0].double(), tlog[1], tlog[2], tlog[3], *ys["test"], splits["test"][1], cut, thr, bo_margin),
        "train_seconds": train_seconds,
        "bit_order_margin": bo_margin,
        "dct_bias": dct_bias,
    }
    if members:
        metrics["members"] = [os.path.basename(os.path.normpath(d)) for d in members]
    if args.calibration:
        metrics["calibration"] = {
            "real_clean_files": len(real),
            "sources": [os.path.basename(f) for f in args.calibration],
            "real_flagged_at_threshold": int((real >= cut).sum()),
            "validation_clean_flagged_at_threshold": int((vlog[0][ys["val"][0] == 0].double() >= cut).sum()),
        }
    os.makedirs(args.out, exist_ok=True)
    torch.save(head.state_dict(), os.path.join(args.out, "head.pt"))
    with open(os.path.join(args.out, "metrics.json"), "w") as fh:
        json.dump(metrics, fh, indent=1)
    export(head, thr, bo_margin, args, splits["test"][0])
    print(json.dumps({k: metrics["test"][k] for k in ("threshold", "threshold_logit", "fpr", "detection", "method_accuracy_on_detected", "bit_order_accuracy", "embedding")}), flush=True)
    return metrics


def export(head, threshold, bo_margin, args, test_arr):
    import onnx

    net = StarlightNet(head).eval()
    example = streams_batch(test_arr, np.arange(min(2, test_arr["stego"].shape[0])))
    path = os.path.join(args.out, "starlight.onnx")
    torch.onnx.export(
        net,
        tuple(example[k] for k in INPUTS),
        path,
        input_names=INPUTS,
        output_names=OUTPUTS,
        dynamic_axes={k: {0: "batch"} for k in INPUTS + OUTPUTS},
        opset_version=17,
        do_constant_folding=True,
    )
    spec = {
        "name": "starlight-detector",
        "threshold": threshold,
        "inputs": INPUTS,
        "outputs": OUTPUTS,
        "methods": METHODS,
        "bit_orders": BIT_ORDERS,
        "bit_order_margin": bo_margin,
        "opset": 17,
        "precision": "fp32",
        "triplet": bool(args.triplet),
    }
    onnx.checker.check_model(onnx.load(path), full_check=True)
    # PyTorch logits of the whole test split, for the onnxruntime parity check in TypeScript.
    n = test_arr["stego"].shape[0]
    outs = [[] for _ in OUTPUTS]
    with torch.no_grad():
        for s in range(0, n, 128):
            r = net(**streams_batch(test_arr, np.arange(s, min(n, s + 128))))
            for o, x in zip(outs, r):
                o.append(x.numpy())
    for name, o in zip(OUTPUTS, outs):
        np.save(os.path.join(args.out, f"torch_{name}.npy"), np.concatenate(o).astype(np.float32))
    with open(os.path.join(args.out, "model.json"), "w") as fh:
        json.dump(spec, fh, indent=1)
    print(f"exported {path} ({os.path.getsize(path) / 1024:.0f} KiB)", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=1000, help="upper bound; the time budget decides")
    ap.add_argument("--minutes", type=float, default=45)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--triplet", action="store_true")
    ap.add_argument("--triplet-weight", type=float, default=0.5)
    ap.add_argument("--target-fpr", type=float, default=0.0005)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--top-push", type=float, default=0.0, help="weight of the top-push ranking loss (0: off)")
    ap.add_argument("--top-push-k", type=int, default=2)
    ap.add_argument("--top-push-margin", type=float, default=2.0)
    ap.add_argument("--eval-only", action="store_true", help="re-freeze the threshold, measure and export the run in --out (head.pt)")
    ap.add_argument("--ensemble", nargs="+", metavar="RUN", help="average these runs' heads into one model in --out (threshold re-frozen)")
    ap.add_argument("--calibration", nargs="+", metavar="SCORES", help="real clean files' probabilities (heldout.ts --scores) that join validation for the threshold")
    ap.add_argument("--balance", action="store_true", help="draw stego rows 1/sqrt(variant count) (rare variants more often)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    train(args)


if __name__ == "__main__":
    main()
