#!/usr/bin/env python3
"""Render packages/model/MODEL_CARD.md from the shipped run's metrics.json, compared with earlier runs.
Usage: card.py <shipped-metrics.json> <parity.json> <out.md> <test rows.jsonl> <torch_stego_logit.npy> [label=metrics.json ...]"""
import json
import os
import sys


def pct(r):
    if r is None or r.get("rate") is None:
        return "n/a"
    lo, hi = r["ci95"]
    return f"{100 * r['rate']:.2f} % ({r['k']}/{r['n']}; 95 % CI {100 * lo:.2f}–{100 * hi:.2f})"


def wilson(k, n, z=1.96):
    p = k / n
    den = 1 + z * z / n
    c = (p + z * z / (2 * n)) / den
    h = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / den
    return [max(0.0, c - h), min(1.0, c + h)]


METADATA_ATTACKS = ("png-text", "jpeg-com", "xmp", "gif-comment")

# What the compared runs were (hand-written; the figures in the table above come from their metrics).
RUNS_NOTE = (
    "Model 0.7.0 is the recipe fixed in advance after 0.6.0: two seeds of 0.6.0's recipe (97 stats, triplet loss, 50 "
    "minutes on one thread each, trained side by side) averaged in one ONNX graph (`train.py --ensemble`, threshold "
    "re-frozen on validation), on a dataset whose clean files add what 0.6.0 flagged on the held-out packages: one "
    "cover in ten at 8–20 px (13 of 0.6.0's 16 held-out flags were icons of 8–64 px), Photoshop XMP with document-"
    "ancestor lists of 1–4000 ids (extended XMP in JPEG) and history logs (the two ukui wallpapers it flagged), and XMP "
    "packets in a JPEG COM or a PNG tEXt/zTXt chunk. **It ships against the selection rule fixed before: \"highest "
    "validation detection at the validation FPR target\".** By that rule 0.6.0 (its weights, threshold re-frozen on "
    "this validation split: the row '0.6.0, re-measured') would have stayed: 2712 against 2618 of 3216 validation "
    "stego, both at 1 validation false positive, and on test 0.6.0 detects more in every image-size bucket (8–20 px "
    "428 vs 404 of 539; 21–64 px 920 vs 885 of 1090; 65–256 px 1062 vs 1035 of 1216; larger 371 vs 362 of 439). "
    "But 3,936 clean validation files cannot tell an FPR of 0.01 % from 0.1 %, and the rule takes the FPR target as "
    "met by both. On test, 0.6.0 re-measured has 3 false positives of 3944 (0.08 %, above the 0.05 % target) and "
    "0.7.0 none. On the held-out packages as they ship (section above), 0.6.0 as shipped flags 16 of 8330 files "
    "(0.19 %; 95 % CI 0.12–0.31), 0.6.0 re-measured 7 (0.08 %; 0.04–0.17: the two ukui JPEGs and four icons at p ≥ "
    "0.99999, which no threshold removes) and 0.7.0 one (0.01 %; 0.00–0.07: the Minolta preview after a JPEG's end). "
    "Counting errors, 0.7.0 makes fewer whenever fewer than about 6 % of the scanned images carry a payload (2.9 "
    "points of detection against 0.18 points of false-positive rate on real files), and its flags are far more often "
    "right, so it ships. The price of breaking the rule: the held-out native files took part in this "
    "choice between two candidates, so 0.7.0's figure on them is no longer an independent estimate. The files the "
    "generator made from those packages did not take part, and show the same trade: 0.6.0 as shipped flags 0.20 % of "
    "their clean files (8/4000; 95 % CI 0.10–0.39) and detects 87.72 % of their stego (3508/3999), 0.7.0 0.00 % "
    "(0/4000; 0.00–0.10) and 81.42 % (3256/3999). The rule for the next release, fixed now: "
    "among candidates whose test-independent held-out FPR (a fresh package set) has an upper 95 % bound ≤ 0.1 %, the "
    "highest validation detection. Seeds 1 and 2 alone: 2605 and 2609 of 3216 on validation; the ensemble 2618. The two "
    "highest clean validation logits of both seeds (10.3–13.5) are synthetic two-colour stripe covers, which set the "
    "threshold: with about 3,900 clean validation files one or two files move detection by several points. Earlier "
    "runs, on earlier datasets (figures not comparable, kept in the history of this card): on 0.6.0's dataset seed 2 "
    "was 2.8 validation points below seed 1 (so single-run differences of a few points are weak evidence) and their "
    "ensemble fell between them; triplet loss beat no triplet loss on every dataset so far; the sequential-path "
    "statistics gave +3.2 validation points over 'blob evidence only' (0.4.0); terminator-matched and UserComment "
    "statistics, an evidence skip path, per-value metadata descriptors and top-push each scored lower on validation in "
    "a single run and were dropped."
    "\n\n**A candidate rejected by that rule: 0.8.0 (not shipped).** The same recipe on the next dataset (build.ts at "
    "2bb4b20: clean files split 60/20/20, 34,000 of them, so that 6,896 clean validation files set the threshold; the "
    "stripe/checker covers give their 'off' cells one alpha per image, not a random 0/255 per pixel; 12 % of the clean "
    "JPEGs carry a declared trailer, a motion photo's MP4 or a Minolta preview). Its threshold fell to logit 3.44 and on "
    "that dataset it beats 0.7.0 re-frozen there: validation 89.02 % (2870/3224) against 87.97 % (2836/3224, optimistic "
    "for 0.7.0: sources hashed 60–69 were in its training), test 89.88 % (2931/3261; 95 % CI 88.80–90.87) at 4/6812 "
    "false positives (0.06 %; 0.02–0.15) against 88.75 % at 5/6812; Starlight framings 97.82 % (2336/2388), the exif "
    "method 97.8 %. On held-out set 2, first scanned for this choice, it flags 0.70 % of the real files (109/15675; "
    "0.58–0.84) and 0.38 % of the generated clean files (15/4000), where 0.7.0 flags 0.41 % (64/15675; 0.32–0.52) and "
    "0.05 % (2/4000). Neither meets the bound (upper 95 % ≤ 0.1 %), so no candidate qualifies and 0.7.0 stays. 0.8.0's "
    "extra flags are statistical (lsb.rgb/palette at p 0.97–0.999: astronomical images, terminal screenshots, game "
    "BMPs, flags): a threshold frozen on generated clean files at 0.05 % does not carry over to real ones, whose "
    "highest clean logits lie far higher. 51 of 0.7.0's 64 are stale bytes after a GIF's end and one is a licence text "
    "appended to a JPEG (Known weaknesses), which every model flags."
)


# How the shipped model treats metadata payloads that extraction finds (hand-written from tools/data/src/misses-style checks).
METADATA_FOUND_NOTE = "12 of the 51 found in test sit at logits 3.5–9.6, under the threshold of 10.5."


def table(title, d):
    out = [f"| {title} | detected |", "| --- | --- |"]
    out += [f"| {k} | {pct(v)} |" for k, v in d.items()]
    return "\n".join(out)


def text_table(title, col, d):
    """A two-column table of figures already written out (heldout.json holds them as text)."""
    return "\n".join([f"| {title} | {col} |", "| --- | --- |"] + [f"| {k} | {v} |" for k, v in d.items()]) + "\n"


# The held-out report files next to parity.json, in the order the card shows them.
HELDOUT_SETS = [
    ("heldout.json", 2, "Set 2, scanned once to choose between this model and the 0.8.0 candidate (see Runs compared) and used for nothing else: its figures are the independent ones."),
    ("heldout-set1.json", 1, "Set 1, the packages whose figures helped choose model 0.7.0: no longer an independent estimate, shown for continuity."),
]


def heldout_section(w, ho, number, intro):
    nat, ds = ho["native"], ho["dataset"]
    pkgs = sorted(nat["byPackage"])
    w(f"## Held-out sources, set {number}: images from packages no split draws from\n")
    w(f"{intro} The test split shares its generator and its kinds of covers with training; these figures do not: every image")
    w(f"of {len(pkgs)} Debian packages that no split draws from ({', '.join(pkgs)}), scanned by the real scanner with this model")
    w(f"and its frozen threshold. Reproduce: `bash tools/data/heldout.sh {number}`.\n")
    copies = nat.get("copiesOfTrainingCovers", 0)
    left_out = f"; {copies} files byte-identical to a training cover left out" if copies else ""
    w(f"**As the packages ship them** ({nat['files']} files: icons, game sprites, map tiles, screenshots, wallpapers and photographs with")
    w(f"their cameras' EXIF{left_out}): clean false-positive rate {nat['fpr']}.\n")
    w(text_table("package", "flagged", nat["byPackage"]))
    w(text_table("format-mode", "flagged", nat["byFormat"]))
    if nat["flagged"]:
        w("Flagged files: " + "; ".join(f"`{f}`" for f in nat["flagged"]) + "\n")
    w(f"**Made by the generator from those packages' images** (`build.ts --no-sample --synthetic 0` on their covers,")
    w(f"{ds['files']} files, all splits): clean false-positive rate {ds['fpr']}; detection {ds['detection']};")
    w(f"method accuracy on detected stego {ds['methodAccuracy']}.\n")
    w(text_table("method (Starlight framings only)", "detected", ds["starlightByMethod"]))
    w(text_table("variant", "detected", ds["byVariant"]))


def main():
    shipped, parity_path, out, rows_path, logits_path = sys.argv[1:6]
    m = json.load(open(shipped))
    others = [(a.split("=", 1)[0], json.load(open(a.split("=", 1)[1]))) for a in sys.argv[6:]]
    parity = json.load(open(parity_path))
    t = m["test"]
    # An ensemble is evaluated on val and test only: its training split is its members', the same as the compared runs'.
    c = {**next((x["split_counts"] for _, x in others if "train" in x["split_counts"]), {}), **m["split_counts"]}
    hist = [h for h in m["history"] if h["loss"] > 0]
    lines = []
    w = lines.append
    w("# Starlight detector — model card\n")
    w("One ONNX model (FP32, opset 17, dynamic batch axis) that reads the eight Starlight V4 streams plus four")
    w("inputs of ours (`bits`: the first 4096 LSBs from pixel (0,0) of RGB, alpha and palette-index planes; `tail`:")
    w("the bytes after the container's true end; `stats`: 97 values — global/prefix LSB statistics, weighted-stego LSB")
    w("replacement-rate estimates per channel, weighted-stego t-statistics along the sequential embedding path from pixel")
    w("(0,0) at five prefix lengths (R,G,B interleaved; each channel alone; palette indices), and descriptors of the")
    w("metadata text (PNG text chunks, JPEG COM, XMP, GIF comments); `evidence`: 14 values")
    w("summarising keyless payload extraction — the log-likelihood evidence per method and bit order, marker,")
    w("terminator, text, length; base64/hex and binary data in metadata text are decoded and weighed — so that one calibrated probability weighs the statistics and any decoded")
    w("framing together, with no rule on top) and outputs")
    w("`stego_logit`, `method_logits` (alpha 0, palette 1, lsb.rgb 2, exif 3, eoi 4), `bit_order_logits`")
    w("(lsb-first, msb-first, none) and a 64-d `embedding`. All inputs are computed by `@starlight/core`")
    w("(`extractModelInputs`); training read them from shards written by that same code.\n")
    w(f"**Frozen threshold**: {t['threshold']:.6f} on sigmoid(stego_logit), chosen on the validation split for a clean")
    w(f"false-positive rate ≤ 0.05 % (validation: {pct(m['val']['fpr'])}).\n")
    w("## Data\n")
    w("Built by `npm run data` (tools/data): clean covers from `../shared/data/starlight-sample-clean` and the Debian")
    w("packages adwaita/gnome/tango icon themes, gimp-data(-extras), extremetuxracer-data, neverball-data, hedgewars-data,")
    w("supertux-data, frozen-bubble-data, freeciv-data (tiled, cropped, box-downscaled or pixel-art-upscaled to 8–2048 px;")
    w("one in ten to 8–20 px, the size of small icons),")
    w("plus ~8 % synthetic covers (noise, gradients, plasma, dithering, shapes); written as PNG RGB/RGBA/P/P+tRNS/L/LA,")
    w("GIF, JPEG q60–95, WebP lossy/lossless, BMP; 30 % of the clean files (every format but BMP) carry realistic")
    w("legitimate metadata as real tools write it (camera/editor EXIF — with maker notes of 0.3–40 KB, some of them")
    w("enciphered, GPS IFDs and JPEG thumbnails in IFD1, as photographs carry them —, PNG Software/date/Title/Comment")
    w("chunks, ImageMagick raw-profile hex dumps, Photoshop/GIMP/exiftool XMP packets — Photoshop's with document-ancestor")
    w("lists of 1–4000 ids, extended XMP in JPEG when they outgrow a segment, and history logs —, XMP packets in a JPEG COM")
    w("or a PNG tEXt/zTXt chunk as ImageMagick and others write them, JPEG COM, GIF comments), and 3 %")
    w("are padded after their end with zeros or 0xFF (1 B–32 KB). Stego is made with")
    w("`@starlight/embed` on OTHER covers (disjoint sources): 75 % the five Starlight methods in both bit orders,")
    w("payloads 8 B to capacity (log-uniform; 70 % text slices — a slice of mostly blanks becomes random bytes —, 30 % random")
    w("bytes; the manifest records each payload's kind, SHA-256 and, up to 1 KiB, the payload), 25 % attacker variants (sequential LSB")
    w("without terminator, keyed scattered LSB, LSB matching, one channel, 0.01–1 bpp random payloads, appended zip/png,")
    w("PNG text chunks under varied keywords, JPEG COM, XMP in several places, GIF comments — as text, base64, hex or raw")
    w("bytes, often next to legitimate metadata); 15 % of the other stego files carry legitimate metadata too, and half")
    w("the exif-method files write their UserComment among a camera's or editor's fields (maker notes, GPS, thumbnail).")
    w("Splits are by source image (hash of the source id: no source or tile of it in")
    w("two splits).\n")
    w("| split | clean | stego |\n| --- | --- | --- |")
    for s in ("train", "val", "test"):
        w(f"| {s} | {c[s]['clean']} | {c[s]['stego']} |")
    w("")
    w("## Results on the test split\n")
    w(f"- Clean false-positive rate: {pct(t['fpr'])}")
    w(f"- Detection (all stego): {pct(t['detection'])}")
    w(f"- Method accuracy on detected stego: {pct(t['method_accuracy_on_detected'])}")
    for k, v in t["bit_order_accuracy"].items():
        w(f"- Bit-order accuracy, {k} (detected, sequential): {pct(v)}")
    w(f"- Embedding: silhouette {t['embedding']['silhouette']:.3f}, between/within distance ratio {t['embedding']['between_within_ratio']:.3f}")
    w("")
    by = t["detection_by"]
    w(table("method", by["method"]) + "\n")
    if True:
        import numpy as np

        rows = [json.loads(l) for l in open(rows_path)]
        p = 1 / (1 + np.exp(-np.load(logits_path).astype(np.float64)))
        groups = {}
        for r, pr in zip(rows, p):
            if r["stego"] and r["variant"] == "starlight":
                g = groups.setdefault(r["method"], [0, 0])
                g[0] += int(pr >= t["threshold"])
                g[1] += 1
        from_counts = lambda k, n: {"k": k, "n": n, "rate": k / n, "ci95": wilson(k, n)}
        w(table("method (Starlight framings only)", {k: from_counts(*v) for k, v in sorted(groups.items())}) + "\n")
    w(table("variant", by["variant"]) + "\n")
    w(table("format", by["format"]) + "\n")
    w(table("payload length (bytes)", by["len_bucket"]) + "\n")
    w(table("short payloads in large images", by["big_short"]) + "\n")
    if by.get("payload_kind"):
        w(table("payload (text: printable UTF-8; bytes: anything else)", by["payload_kind"]) + "\n")
    w(f"False positives on the test split by clean format: {json.dumps(t['false_positives_by_format'])}\n")
    w("Method accuracy by method (detected): " + ", ".join(f"{k} {pct(v)}" for k, v in t["method_accuracy_by_method"].items()) + "\n")
    rec_path = os.path.join(os.path.dirname(parity_path), "recovery.json")
    if os.path.exists(rec_path):
        rec = json.load(open(rec_path))
        w("## What it says: payload recovery, end to end\n")
        w("Every test-split stego file with a Starlight framing or an appended file was scanned by the real scanner")
        w("(`@starlight/runtime-node`, this model, its frozen threshold); the payload the scan reports is compared with")
        w("the one the generator embedded (the manifest keeps each payload's SHA-256): recovered means the same bytes")
        w("(a prefix of them when the embedder cut the payload to the cover's capacity).")
        w("Reproduce: `tsx tools/data/src/recovery.ts .cache/dataset packages/model/starlight.onnx`.\n")
        w("| method | detected | method right (of detected) | payload recovered (of detected) |\n| --- | --- | --- | --- |")
        frac = lambda k, n: pct({"k": k, "n": n, "rate": k / n, "ci95": wilson(k, n)}) if n else "—"
        for k, g in sorted(rec["by"].items()) + [("all", rec["total"])]:
            w(f"| {k} | {frac(g['detected'], g['n'])} | {frac(g['methodRight'], g['detected'])} | {frac(g['recovered'], g['detected'])} |")
        w("")
    for name, number, intro in HELDOUT_SETS:
        ho_path = os.path.join(os.path.dirname(parity_path), name)
        if os.path.exists(ho_path):
            heldout_section(w, json.load(open(ho_path)), number, intro)
    w("## Runs compared\n")
    w("Same data and splits; each run's threshold frozen on its own validation split for FPR ≤ 0.05 %.\n")
    w("| run | val detection | test detection | test FPR | Starlight framings (test) | metadata-text attacks (test) | silhouette | between/within |\n| --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, x in [("shipped", m)] + others:
        v = x["test"]["detection_by"]["variant"]
        meta = [v[k] for k in METADATA_ATTACKS if k in v]
        mk, mn = sum(g["k"] for g in meta), sum(g["n"] for g in meta)
        mt = {"k": mk, "n": mn, "rate": mk / mn, "ci95": wilson(mk, mn)} if mn else None
        w(f"| {label} | {pct(x['val']['detection'])} | {pct(x['test']['detection'])} | {pct(x['test']['fpr'])} | {pct(v.get('starlight'))} | {pct(mt)} | {x['test']['embedding']['silhouette']:.3f} | {x['test']['embedding']['between_within_ratio']:.3f} |")
    w("")
    w(RUNS_NOTE + "\n")
    w("## Training and export\n")
    members = m.get("members") or []
    if members:
        w(f"- An ensemble of {len(members)} runs trained side by side (one thread each, Debian python3-torch 1.13, 50-minute budget including preprocessing): " + "; ".join(f"{os.path.basename(d.rstrip('/'))} {len([h for h in hist if h.get('member') == k])} epochs" for k, d in enumerate(members)) + f", {m['train_seconds'] / 60:.1f} min at most.")
    else:
        w(f"- {len(hist)} epochs in {m['train_seconds'] / 60:.1f} min (Debian python3-torch 1.13, one thread, 50-minute budget including preprocessing, while the compared run used the other core); loss {hist[0]['loss']:.3f} → {hist[-1]['loss']:.3f}.")
    w(f"- ONNX parity, onnxruntime-node 1.30 (inputs computed from the image files by @starlight/core) vs PyTorch (inputs from the shards), all {parity['rows']} test images: max |Δ| = " + ", ".join(f"{k} {v:.2e}" for k, v in parity["maxAbsDiff"].items()) + f" (tolerance {parity['tolerance']}).")
    w("- Reproduce: `npm run data && npm run train` (data ≈ 13 min: 8.7 min of files, 4.2 min of shards; training ≈ 60 min on this 2-core machine: `tools/train/release.sh` trains `--seed 1` and `--seed 2` side by side for 50 minutes, then `train.py --ensemble` averages them, checks parity and ships). This model's dataset files and manifest are what `tools/data/src/build.ts` writes at commit 2807c08. Held-out figures: `bash tools/data/heldout.sh`.\n")
    w("## Known weaknesses\n")
    w(f"- The targets of issue 4 (FPR ≤ 0.05 % with ≥ 99.5 % detection per method) are NOT met by this model: the test FPR is {pct(t['fpr'])}, but detection per method is well below 99.5 % (tables above), and bit order reaches 99 % only for text payloads.")
    w("- Payloads hidden in metadata text (PNG text chunks, JPEG COM, XMP, GIF comments) are mostly missed (see the")
    w("  variant table). Extraction finds the encoded or binary ones of about 96+ bytes (51 of the 161 in test; no")
    w("  clean file in train, validation or test, nor in 26,315 real files from Debian packages); shorter ones look like")
    w("  ids and digests, and 30 % of these payloads are plain prose, like a legitimate description. The model does not")
    w("  flag every found one: " + METADATA_FOUND_NOTE)
    w("  Extraction lists every such field (`field`, with `(base64)`/`(hex)` when it decoded one), and the scan reports it")
    w("  when the detector says exif. The Starlight exif method (EXIF UserComment) is detected 84.9 % of the time (462/544;")
    w("  0.6.0: 94.9 % on its dataset at a threshold logit of 7.9, 0.5.0: 98.5 % before clean files carried camera maker")
    w("  notes); its 82 test misses are comments of 8–391 bytes, 63 of them random bytes, which read like the binary EXIF")
    w("  data cameras write.")
    w("- Random-byte payloads in LSB planes carry no framing evidence; sequential ones are seen by the path")
    w("  statistics where the cover is smooth, not where it is noisy. Their bit order cannot be told: random bytes read")
    w("  as random bytes in either order and a NUL terminator is the same both ways, so bit-order accuracy on them is a")
    w("  coin toss at best (see the bit-order lines by payload kind: 41–58 %), and the scan reports their bytes only when")
    w("  extraction finds them; text payloads get the right order 98–100 % of the time.")
    w("- Low-rate random payloads (≤ 0.1 bpp), keyed scattered LSB and LSB matching on noisy covers are hard for any")
    w("  keyless detector; so are payloads in tiny images. JPEG DCT-domain tools (steghide, outguess, F5) were not in")
    w("  the training data at all.")
    w("- The covers are icons, game art and textures: the generator writes the metadata photographs carry, but few")
    w("  covers are photographs. On held-out set 2 (sections above) this model flags 0.41 % of the real files (64/15675),")
    w("  eight times the target: 51 of them are pidgin-themes and nagios-images GIFs with 9–400 stale bytes after the")
    w("  trailer that end in 00 3B themselves (an older, longer version of the file overwritten in place without")
    w("  truncation), which the scan reports as eoi data and no clean training file resembles; one JPEG has a 13 KB")
    w("  licence text appended after its EOI (data after the end it is); one carries a copyright notice in its EXIF")
    w("  UserComment (the exif method's very field); 11 are statistical (nebula photographs, screenshots, flags, a grid).")
    w("  On set 1 it flagged one real file, a Konica Minolta preview image after a JPEG's end (Wood.jpg); @starlight/core")
    w("  now reads trailers that the file's metadata declares (maker-note previews, motion-photo videos, Samsung SEF) as")
    w("  part of the file, and set 1 as it ships gives 0/8330. Set 1 helped choose this model, so its figure is optimistic.")
    w("- The validation split has about 3,900 clean images, so an FPR of 0.05 % can only be resolved to about ±0.1 %, and the")
    w("  threshold is set by the one or two highest clean logits (here synthetic two-colour stripes): detection at that")
    w("  threshold moves by several points with them.")
    open(out, "w").write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
