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
    "Model 0.8.0 is 0.7.0's recipe (two seeds, 97 stats, triplet loss, 50 minutes on one thread each, trained side by "
    "side and averaged in one ONNX graph) on the next dataset (build.ts at 2bb4b20: clean files split 60/20/20, 34,000 "
    "of them, 6,896 in validation; stripe/checker covers give their 'off' cells one alpha per image; 12 % of the clean "
    "JPEGs carry a declared trailer), with one change in how the threshold is frozen. Frozen on validation alone, as "
    "before, it fell to logit 3.44 (test 89.88 %, 2931/3261, at 4/6812 false positives), and held-out set 2 rejected "
    "that candidate: it flagged 0.70 % of the real files (109/15675), mostly astronomical images, screenshots, flags and "
    "game BMPs at p 0.97–0.999. Generated clean files do not show where real ones score. So the threshold is now frozen "
    "over the clean validation files together with every real file of held-out sets 1 and 2 (24,005; `train.py "
    "--calibration`, in `release.sh`): logit 6.24, where validation detection is 83.87 % (2704/3224) and test 83.50 % "
    "(2723/3261), with no false positive in either. In the table above the seeds and 0.7.0 re-frozen on this dataset "
    "have thresholds from validation alone (logits 3.4–6.5), which is why they detect more there. "
    "**The choice, on held-out set 3** (16 packages no split and no earlier set draws from, 19,974 files, each model "
    "scanned once): 0.7.0 flags 0.11 % of the real files (21/19974; 95 % CI 0.07–0.16) and 0.8.0 0.09 % (17/19974; "
    "0.05–0.14); 14 and 15 of these are cacti screenshots carrying the stale end of an earlier PNG after IEND (Known "
    "weaknesses), the rest 7 and 2. On the 4,000 clean files the generator made from set 3's images both flag one; of "
    "its 3,999 stego files 0.7.0 detects 82.92 % (3316) and 0.8.0 84.32 % (3372). On this dataset's validation split "
    "0.7.0 at its own threshold detects 81.48 % (2627/3224; optimistic: some of these sources were in its training) "
    "and 0.8.0 83.87 %. The rule fixed at 0.7.0 (ship the best validation detection among candidates whose fresh-set "
    "FPR has an upper 95 % bound ≤ 0.1 %) admits neither, since no threshold removes the PNG remnants (p = 1), and by "
    "its letter 0.7.0 would stay; 0.8.0 ships against that letter because it is at least as good as 0.7.0 on every "
    "figure of the fresh set and on validation. The rule for the next release, fixed now: the shipped model and the "
    "candidates are scanned on one fresh set; a candidate replaces the shipped model when its fresh-set FPR has an "
    "upper 95 % bound ≤ 0.1 %, or, when no model reaches that, when it flags no more of the fresh real files and "
    "detects more of the fresh generated stego and of validation. "
    "Earlier: 0.7.0 replaced 0.6.0 against the rule then in force (highest validation detection; 0.6.0 had 94 more "
    "validation detections but 16 held-out flags to 0.7.0's one); single seeds differ by up to 2.8 validation points, "
    "so single-run differences of a few points are weak evidence; triplet loss beat no triplet loss on every dataset so "
    "far; the sequential-path statistics gave +3.2 validation points (0.4.0); terminator-matched and UserComment "
    "statistics, an evidence skip path, per-value metadata descriptors and top-push each scored lower on validation in "
    "a single run and were dropped (figures in the history of this card)."
)


# How the shipped model treats metadata payloads that extraction finds (hand-written from tools/data/src/misses-style checks).
METADATA_FOUND_NOTE = "6 of the 54 found in test sit at logits 3.4–6.1, under the threshold of 6.24."


def table(title, d):
    out = [f"| {title} | detected |", "| --- | --- |"]
    out += [f"| {k} | {pct(v)} |" for k, v in d.items()]
    return "\n".join(out)


def text_table(title, col, d):
    """A two-column table of figures already written out (the heldout-set*.json reports hold them as text)."""
    return "\n".join([f"| {title} | {col} |", "| --- | --- |"] + [f"| {k} | {v} |" for k, v in d.items()]) + "\n"


# The held-out report files next to parity.json, in the order the card shows them.
HELDOUT_SETS = [
    ("heldout-set3.json", 3, "Set 3, scanned to choose between this model and 0.7.0 (see Runs compared) and used for nothing else: its figures are the independent ones."),
    ("heldout-set2.json", 2, "Set 2: its real files took part in freezing this model's threshold, its GIFs showed the stale remnants core now reads as part of the file, and it rejected the first 0.8.0 candidate: not independent."),
    ("heldout-set1.json", 1, "Set 1: its real files took part in freezing this model's threshold and its figures in choosing 0.7.0: not independent, shown for continuity."),
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
    cal = m.get("calibration")
    if cal:
        w(f"**Frozen threshold**: {t['threshold']:.6f} on sigmoid(stego_logit) (logit {t['threshold_logit']:.2f}), chosen for a clean false-positive")
        w(f"rate ≤ 0.05 % over the validation split's clean files together with {cal['real_clean_files']:,} real files, every image of held-out")
        w(f"sets 1 and 2 as their packages ship them (`train.py --calibration`): it flags {cal['validation_clean_flagged_at_threshold']} of the first")
        w(f"({pct(m['val']['fpr'])}) and {cal['real_flagged_at_threshold']} of the second. A threshold frozen on generated clean files alone")
        w("does not carry to real ones (Runs compared).\n")
    else:
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
    w("are padded after their end with zeros or 0xFF (1 B–32 KB); 12 % of the clean JPEGs carry data after their end that")
    w("their own metadata declares, as phones and cameras write it (a motion photo's MP4 named by Google's XMP, a Konica")
    w("Minolta preview image named by its maker note), which @starlight/core reads as part of the file. Stego is made with")
    w("`@starlight/embed` on OTHER covers (disjoint sources): 75 % the five Starlight methods in both bit orders,")
    w("payloads 8 B to capacity (log-uniform; 70 % text slices — a slice of mostly blanks becomes random bytes —, 30 % random")
    w("bytes; the manifest records each payload's kind, SHA-256 and, up to 1 KiB, the payload), 25 % attacker variants (sequential LSB")
    w("without terminator, keyed scattered LSB, LSB matching, one channel, 0.01–1 bpp random payloads, appended zip/png,")
    w("PNG text chunks under varied keywords, JPEG COM, XMP in several places, GIF comments — as text, base64, hex or raw")
    w("bytes, often next to legitimate metadata); 15 % of the other stego files carry legitimate metadata too, and half")
    w("the exif-method files write their UserComment among a camera's or editor's fields (maker notes, GPS, thumbnail).")
    w("Splits are by source image (hash of the source id: no source or tile of it in")
    w("two splits); clean files go 60/20/20 and stego 70/15/15, so that ~6,900 clean validation files set the threshold.\n")
    w("| split | clean | stego |\n| --- | --- | --- |")
    for s in ("train", "val", "test"):
        w(f"| {s} | {c[s]['clean']} | {c[s]['stego']} |")
    w("")
    w("## Results on the test split\n")
    w(f"- Clean false-positive rate: {pct(t['fpr'])}")
    w(f"- Detection (all stego): {pct(t['detection'])}")
    w(f"- Method accuracy on detected stego: {pct(t['method_accuracy_on_detected'])}")
    decided = t.get("bit_order_decided", {})
    for k, v in t["bit_order_accuracy"].items():
        if k in decided:
            w(f"- Bit order, {k} (detected, sequential): named in {pct(decided[k])}; right when named: {pct(v)}")
        else:
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
    w("- Reproduce: `npm run data && npm run train` (data ≈ 18 min: 12.6 min of files, 5.1 min of shards; training ≈ 60 min on this 2-core machine: `tools/train/release.sh` trains `--seed 1` and `--seed 2` side by side for 50 minutes, then `train.py --ensemble` averages them and checks parity, the ensemble scans held-out sets 1 and 2, `train.py --ensemble --calibration` freezes the threshold again with their real files, and it ships; ≈ 25 min more). This model's dataset files and manifest are what `tools/data/src/build.ts` writes at commit 2bb4b20. Held-out figures: `bash tools/data/heldout.sh 3` (and 1, 2).\n")
    w("## Known weaknesses\n")
    w(f"- The targets of issue 4 (FPR ≤ 0.05 % with ≥ 99.5 % detection per method) are NOT met by this model: the test FPR is {pct(t['fpr'])}, but detection per method is well below 99.5 % (tables above), and bit order reaches 99 % only for text payloads.")
    w("- Payloads hidden in metadata text (PNG text chunks, JPEG COM, XMP, GIF comments) are mostly missed (see the")
    w("  variant table). Extraction finds the encoded or binary ones of about 96+ bytes (54 of the 169 in test; one")
    w("  clean file of the 34,000 in train, validation and test, none of 26,315 real files from Debian packages); shorter ones look like")
    w("  ids and digests, and 30 % of these payloads are plain prose, like a legitimate description. The model does not")
    w("  flag every found one: " + METADATA_FOUND_NOTE)
    w("  Extraction lists every such field (`field`, with `(base64)`/`(hex)` when it decoded one), and the scan reports it")
    w("  when the detector says exif. The Starlight exif method (EXIF UserComment) is detected 87.5 % of the time (435/497;")
    w("  97.8 % at the validation-only threshold, logit 3.44); its 62 test misses are comments of 8–1347 bytes (all but two")
    w("  up to 123), 48 of them random bytes, which read like the binary EXIF data cameras write.")
    w("- Random-byte payloads in LSB planes carry no framing evidence; sequential ones are seen by the path")
    w("  statistics where the cover is smooth, not where it is noisy. Their bit order cannot be told: random bytes read")
    w("  as random bytes in either order and a NUL terminator is the same both ways, so bit-order accuracy on them is a")
    w("  coin toss at best (see the bit-order lines by payload kind: 44–50 %), and the scan reports their bytes only when")
    w("  extraction finds them; text payloads get the right order 98.7–99.4 % of the time.")
    w("- Low-rate random payloads (≤ 0.1 bpp), keyed scattered LSB and LSB matching on noisy covers are hard for any")
    w("  keyless detector; so are payloads in tiny images. JPEG DCT-domain tools (steghide, outguess, F5) were not in")
    w("  the training data at all.")
    w("- The covers are icons, game art and textures: the generator writes the metadata photographs carry, but few")
    w("  covers are photographs. On held-out set 3, the independent one, this model flags 0.09 % of the real files")
    w("  (17/19974), about twice the target: 15 are cacti documentation screenshots that carry the stale end of an earlier")
    w("  PNG after their IEND (an older, longer file overwritten in place: IDAT data, chunks with valid CRCs, an IEND of")
    w("  its own). Core counts that as appended data on purpose: an IEND chunk proves nothing about the bytes before it,")
    w("  and appending after IEND is the commonest way to hide data in a PNG (README). The other 2 are 16-px palette")
    w("  icons. The GIF counterpart, 51 of 0.7.0's 64 flags on set 2, is now read as part of the file (a rule with a")
    w("  known evasion route: `staleRemnantEnd` in containers/gif.ts). On set 2 (its real files set the threshold) it")
    w("  flags 15: a JPEG with a 13 KB licence text appended after its EOI (data after the end it is), a JPEG with a")
    w("  copyright notice in its EXIF UserComment (the exif method's very field), and 13 statistical (screenshots, flags,")
    w("  nebula photographs, a grid). Set 1 as it ships gives 0/8330.")
    w("- The threshold is the 16th-highest of 30,901 clean scores (6,896 generated validation files and 24,005 real files")
    w("  of 25 packages); those real files resemble what these packages ship, so the real-file rate it implies holds")
    w("  for files like them: set 3, from other packages, shows 0.09 %, and 0.01 % without the PNG remnants.")
    open(out, "w").write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
