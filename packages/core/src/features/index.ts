import type { DecodedImage } from '../image.js';
import { xmpValues } from '../metadata.js';
import type { PayloadReport } from '../payload/types.js';
import { effectiveLength } from '../payload/text.js';
import { decodeJpegCoefficients, type JpegCoefficients } from '../codecs/jpeg-decoder.js';
import { DCT_LEN, dctFeatures } from './dct.js';
import { chiPov } from './pov.js';
import { RESIDUAL_LEN, residualStats } from './residual.js';

export { RESIDUAL_LEN };

/**
 * Inputs our detector reads beyond the eight V4 streams. V4 only sees the 256x256 centre crop, so a
 * short message written from the top-left corner of a large image is invisible to it; these inputs
 * look where embedders actually write, and at global LSB statistics, without any assumption about
 * framing (terminators, markers) so that unknown tools are caught by the same evidence.
 */
export const HEAD_BITS = 4096;
export const TAIL_BYTES = 1024;
export const STATS_LEN = 97;
export const EVIDENCE_LEN = 14;

export const EXTRA_SHAPES = {
  bits: [3, HEAD_BITS],
  tail: [TAIL_BYTES],
  stats: [STATS_LEN],
  evidence: [EVIDENCE_LEN],
  residual: [RESIDUAL_LEN],
  dct: [DCT_LEN],
} as const;

export interface ExtraInputs {
  /** First HEAD_BITS LSBs from pixel (0,0) in raster order: ch0 R,G,B interleaved; ch1 alpha (RGBA only); ch2 palette index (P only). */
  bits: Float32Array;
  /** The bytes after the true end of the container (first TAIL_BYTES), /255. */
  tail: Float32Array;
  /** Global and prefix LSB statistics per plane, plus appended-data and metadata descriptors. */
  stats: Float32Array;
  /** What keyless payload extraction found (see computeEvidence). */
  evidence: Float32Array;
  /** LSB-replacement statistics robust to saturated and flat covers, and RGB LSB coupling (features/residual.ts). */
  residual: Float32Array;
  /** JPEG DCT-coefficient statistics (features/dct.ts); zeros for other formats. */
  dct: Float32Array;
}

const PLANE_FEATURES = 11;


/**
 * Per-plane statistics (11 values) of an 8-bit plane, read as v[off + i * stride] for pixel i:
 * 0 share of ones in the LSB plane
 * 1 horizontal LSB agreement P(lsb(x) == lsb(x+1))
 * 2 flat-neighbourhood speckle: among pixels whose 4 neighbours are all equal (v), the share that differ from v by exactly 1
 *   (LSB replacement and LSB matching both leave such +-1 speckles in flat areas; natural rendering rarely does)
 * 3 share of pixels in such flat neighbourhoods
 * 4..7 pairs-of-values chi-square over the first 1/64, 1/16, 1/4 and all of the raster
 *   (embedding equalises the counts of 2k and 2k+1; sequential embedding does it first at the start)
 * 8 speckle over the first 1/16 of the raster
 * 9 LSB agreement over the first 1/16 of the raster
 * 10 LSB agreement over the last 1/16 of the raster
 */
function planeStats(v: Uint8Array, off: number, stride: number, w: number, h: number, out: Float32Array, at: number): void {
  const n = w * h;
  const prefixN = Math.max(1, Math.floor(n / 16));
  const suffixFrom = Math.max(n - prefixN, prefixN); // a pixel in both counts for the prefix only
  const marks = [Math.max(1, Math.floor(n / 64)), prefixN, Math.max(1, Math.floor(n / 4)), n];
  const hist = new Uint32Array(256);
  let i = 0;
  for (let m = 0; m < 4; m++) {
    for (let j = off + i * stride; i < marks[m]!; i++, j += stride) hist[v[j]!]!++;
    out[at + 4 + m] = chiPov(hist);
  }
  let ones = 0;
  for (let k = 1; k < 256; k += 2) ones += hist[k]!;
  /** [agreeing, all] horizontal LSB pairs (i - 1, i) for i in [lo, hi), i not in the first column. */
  const agreement = (lo: number, hi: number): [number, number] => {
    let agree = 0;
    let pairs = 0;
    let x = lo % w;
    for (let k = lo, j = off + lo * stride; k < hi; k++, j += stride) {
      if (x !== 0) {
        agree += ((v[j]! ^ v[j - stride]!) & 1) ^ 1;
        pairs++;
      }
      if (++x === w) x = 0;
    }
    return [agree, pairs];
  };
  const [agreePre, pairsPre] = agreement(0, prefixN);
  const [agreeMid, pairsMid] = agreement(prefixN, suffixFrom);
  const [agreeSuf, pairsSuf] = agreement(suffixFrom, n);
  const agree = agreePre + agreeMid + agreeSuf;
  const pairs = pairsPre + pairsMid + pairsSuf;
  let flat = 0;
  let pm1 = 0;
  let flatPre = 0;
  let pm1Pre = 0;
  const up = w * stride;
  for (let y = 1; y < h - 1; y++) {
    let k = y * w + 1;
    for (let x = 1, j = off + k * stride; x < w - 1; x++, k++, j += stride) {
      const l = v[j - stride]!;
      if (v[j + stride] !== l || v[j - up] !== l || v[j + up] !== l) continue;
      const d = v[j]! - l;
      const hit = d === 1 || d === -1 ? 1 : 0;
      flat++;
      pm1 += hit;
      if (k < prefixN) {
        flatPre++;
        pm1Pre += hit;
      }
    }
  }
  out[at] = ones / n;
  out[at + 1] = pairs ? agree / pairs : 0.5;
  out[at + 2] = flat ? pm1 / flat : 0;
  out[at + 3] = flat / n;
  out[at + 8] = flatPre ? pm1Pre / flatPre : 0;
  out[at + 9] = pairsPre ? agreePre / pairsPre : 0.5;
  out[at + 10] = pairsSuf ? agreeSuf / pairsSuf : 0.5;
}

/**
 * Weighted-stego (WS) estimates of the LSB replacement rate of the R, G and B planes (Fridrich &
 * Goljan 2004, Ker's weights): p = 2 * sum w (s - s^1)(s - pred) / sum w, pred the mean of the four
 * neighbours and w = 1 / (5 + their variance). About 0 for covers, the share of pixels whose LSB
 * carries a message for LSB replacement, wherever the message lies (keyed or sequential, any
 * framing). Written to out[at..at+2] over the whole image and out[at+3..at+5] over its first 1/16.
 */
function wsEstimates(rgb: Uint8Array, w: number, h: number, out: Float32Array, at: number): void {
  const prefixRows = Math.max(1, Math.ceil(h / 16));
  for (let c = 0; c < 3; c++) {
    let num = 0;
    let den = 0;
    let numPre = 0;
    let denPre = 0;
    const row = 3 * w;
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1, j = y * row + 3 + c; x < w - 1; x++, j += 3) {
        const a = rgb[j - 3]!;
        const b = rgb[j + 3]!;
        const u = rgb[j - row]!;
        const d = rgb[j + row]!;
        const pred = (a + b + u + d) / 4;
        const wt = 1 / (5 + (a * a + b * b + u * u + d * d) / 4 - pred * pred);
        const s = rgb[j]!;
        const t = wt * (s & 1 ? s - pred : pred - s);
        num += t;
        den += wt;
        if (y < prefixRows + 1) {
          numPre += t;
          denPre += wt;
        }
      }
    }
    out[at + c] = den ? Math.max(-1, Math.min(2, (2 * num) / den)) : 0;
    out[at + 3 + c] = denPre ? Math.max(-1, Math.min(2, (2 * numPre) / denPre)) : 0;
  }
}

/** Prefix lengths (values read along the path) at which the sequential-path statistics are taken. */
export const PATH_SCALES_RGB = [48, 192, 768, 3072, 12288] as const;
export const PATH_SCALES_PIXEL = [16, 64, 256, 1024, 4096] as const;
/** Residuals larger than this are edges and texture, not a flipped LSB: left out. */
const PATH_RESIDUAL_LIMIT = 1.5;

/**
 * Weighted-stego evidence along the path sequential embedders write, from pixel (0,0) in raster
 * order over `chans` of a plane with `per` values per pixel, as a t-statistic at each prefix length
 * in `scales`. Each value's residual e = s - pred against the mean of its neighbours (those that
 * exist: row 0 is where short payloads lie), signed as WS does (s odd: s - pred, else pred - s),
 * kept when |e| <= 1.5 and weighted 1 / (5 + neighbour variance). LSB replacement makes e about +1
 * where the cover is flat; a cover leaves e = 0 there and signs at random elsewhere. Written as
 * sign(z) log1p(|z|) / 4 (z grows with the square root of the length for a real payload).
 */
function pathStats(v: Uint8Array, w: number, h: number, per: number, chans: readonly number[], scales: readonly number[], out: Float32Array, at: number): void {
  const row = w * per;
  const zs: number[] = [];
  let t = 0;
  let vv = 0;
  let count = 0;
  let k = 0;
  const last = Math.min(w * h * chans.length, scales[scales.length - 1]!);
  for (let p = 0, x = 0, y = 0; count < last; p++) {
    for (const c of chans) {
      const j = p * per + c;
      const a = x > 0 ? v[j - per]! : -1;
      const b = x < w - 1 ? v[j + per]! : -1;
      const u = y > 0 ? v[j - row]! : -1;
      const d = y < h - 1 ? v[j + row]! : -1;
      let sum = 0;
      let sq = 0;
      let n = 0;
      for (const q of [a, b, u, d]) {
        if (q < 0) continue;
        sum += q;
        sq += q * q;
        n++;
      }
      if (n >= 2) {
        const pred = sum / n;
        const s = v[j]!;
        const e = s & 1 ? s - pred : pred - s;
        if (Math.abs(e) <= PATH_RESIDUAL_LIMIT) {
          const wt = 1 / (5 + sq / n - pred * pred);
          t += wt * e;
          vv += wt * wt * e * e;
        }
      }
      if (++count === scales[k] || count === last) {
        const z = t / Math.sqrt(vv + 0.04);
        while (k < scales.length && (count >= scales[k]! || count === last)) zs[k++] = z;
      }
      if (count === last) break;
    }
    if (++x === w) {
      x = 0;
      y++;
    }
  }
  for (let i = 0; i < scales.length; i++) {
    const z = zs[i] ?? 0;
    out[at + i] = (Math.sign(z) * Math.log1p(Math.abs(z))) / 4;
  }
}

/**
 * The sequential-path statistics (15 values): R,G,B interleaved (lsb.rgb, stepic-style
 * tools) at PATH_SCALES_RGB, then at PATH_SCALES_PIXEL the largest over R, G and B read alone
 * (one-channel tools), and the palette indices (P images only; else 0).
 */
function sequentialPathStats(img: DecodedImage, out: Float32Array, at: number): void {
  const { width: w, height: h } = img;
  pathStats(img.rgb, w, h, 3, [0, 1, 2], PATH_SCALES_RGB, out, at);
  at += PATH_SCALES_RGB.length;
  const one = new Float32Array(PATH_SCALES_PIXEL.length);
  for (let c = 0; c < 3; c++) {
    pathStats(img.rgb, w, h, 3, [c], PATH_SCALES_PIXEL, one, 0);
    for (let i = 0; i < one.length; i++) out[at + i] = c === 0 ? one[i]! : Math.max(out[at + i]!, one[i]!);
  }
  at += PATH_SCALES_PIXEL.length;
  if (img.mode === 'P' && img.indices) pathStats(img.indices, w, h, 1, [0], PATH_SCALES_PIXEL, out, at);
}

export const METADATA_FEATURES = 12;

/**
 * Descriptors of the metadata text (see MetadataText): how many values and bytes there are, and the
 * character make-up of the longest value (printable, entropy, letters, spaces, hex digits, digits,
 * base64 alphabet, LZ compressibility), so the detector can tell a tool's "Software" tag or an
 * ImageMagick hex dump from free text or an encoded blob hidden in a comment.
 */
function metadataStats(img: DecodedImage, out: Float32Array, at: number): void {
  const values: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const f of img.text ?? []) {
    if (f.kind === 'xmp') for (const v of xmpValues(f.value)) values.push(enc.encode(v.value));
    else values.push(f.value);
  }
  let total = 0;
  let longest: Uint8Array = new Uint8Array(0);
  let info = 0;
  for (const v of values) {
    total += v.length;
    if (v.length > longest.length) longest = v;
    info = Math.max(info, entropy(v) * v.length);
  }
  const L = longest.subarray(0, 4096);
  const n = Math.max(1, L.length);
  let printable = 0;
  let letters = 0;
  let spaces = 0;
  let hex = 0;
  let digits = 0;
  let b64 = 0;
  for (const b of L) {
    const letter = (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
    const digit = b >= 48 && b <= 57;
    if ((b >= 32 && b <= 126) || b === 9 || b === 10 || b === 13) printable++;
    if (letter) letters++;
    if (b === 32) spaces++;
    if (digit || (b >= 65 && b <= 70) || (b >= 97 && b <= 102)) hex++;
    if (digit) digits++;
    if (letter || digit || b === 43 || b === 47 || b === 61) b64++;
  }
  out[at] = Math.log2(1 + values.length) / 8;
  out[at + 1] = Math.log2(1 + total) / 20;
  out[at + 2] = Math.log2(1 + longest.length) / 20;
  out[at + 3] = printable / n;
  out[at + 4] = entropy(L) / 8;
  out[at + 5] = letters / n;
  out[at + 6] = spaces / n;
  out[at + 7] = hex / n;
  out[at + 8] = digits / n;
  out[at + 9] = b64 / n;
  out[at + 10] = L.length ? effectiveLength(L) / L.length : 0;
  out[at + 11] = Math.log2(1 + info) / 20;
}

/** Shannon entropy of the byte values (bits per byte; over the first 4096 bytes). */
function entropy(v: Uint8Array): number {
  const n = Math.min(v.length, 4096);
  if (n === 0) return 0;
  const hist = new Uint16Array(256);
  for (let i = 0; i < n; i++) hist[v[i]!]!++;
  let e = 0;
  for (const c of hist) if (c) e -= (c / n) * Math.log2(c / n);
  return e;
}

const AI42 = [0x41, 0x49, 0x34, 0x32];

/** Evidence (log10 likelihood ratio) squashed to a model-friendly range: 8 (the "found" level) maps to 0.5. */
const squash = (e: number): number => Math.min(64, Math.max(-4, e)) / 16;
const EVIDENCE_SLOT: Record<string, number> = {
  'alpha/msb-first': 0,
  'alpha/lsb-first': 1,
  'palette/msb-first': 2,
  'palette/lsb-first': 3,
  'lsb.rgb/msb-first': 4,
  'lsb.rgb/lsb-first': 5,
  'exif/null': 6,
  'eoi/null': 7,
};

/**
 * The payload report as a fixed vector, so that the detector weighs extraction evidence together
 * with its statistical inputs and the scan gives ONE calibrated probability (no rule on top):
 * 0..7 best evidence per method and bit order (alpha, palette, lsb.rgb x msb/lsb-first; exif; eoi),
 * 8 the best candidate has the AI42 marker, 9 it is NUL-terminated, 10 it is printable text,
 * 11 it reaches PAYLOAD_FOUND_CONFIDENCE, 12 log2(1 + its length) / 32, 13 it is truncated.
 */
export function computeEvidence(report: PayloadReport): Float32Array {
  const v = new Float32Array(EVIDENCE_LEN);
  const seen = new Set<number>();
  for (const c of report.candidates) {
    const k = EVIDENCE_SLOT[`${c.method}/${c.bitOrder}`];
    if (k === undefined) continue;
    const e = squash(c.evidence);
    if (!seen.has(k) || e > v[k]!) v[k] = e;
    seen.add(k);
  }
  const best = report.candidates[0];
  if (best) {
    v[8] = best.marker === 'AI42' ? 1 : 0;
    v[9] = best.terminated ? 1 : 0;
    v[10] = best.text !== null ? 1 : 0;
    v[11] = report.found ? 1 : 0;
    v[12] = Math.log2(1 + best.length) / 32;
    v[13] = best.truncated ? 1 : 0;
  }
  return v;
}

export function computeExtraInputs(img: DecodedImage, bytes: Uint8Array, report: PayloadReport, opts: { dct?: boolean; residual?: boolean } = {}): ExtraInputs {
  const { width: w, height: h } = img;
  const n = w * h;
  const bits = new Float32Array(3 * HEAD_BITS);
  const rgbBits = Math.min(HEAD_BITS, n * 3);
  for (let i = 0; i < rgbBits; i++) bits[i] = img.rgb[i]! & 1;
  if (img.mode === 'RGBA' && img.alpha) {
    for (let i = 0; i < Math.min(HEAD_BITS, n); i++) bits[HEAD_BITS + i] = img.alpha[i]! & 1;
  }
  if (img.mode === 'P' && img.indices) {
    for (let i = 0; i < Math.min(HEAD_BITS, n); i++) bits[2 * HEAD_BITS + i] = img.indices[i]! & 1;
  }

  const appended = bytes.subarray(Math.min(img.end, bytes.length));
  const tail = new Float32Array(TAIL_BYTES);
  for (let i = 0; i < Math.min(TAIL_BYTES, appended.length); i++) tail[i] = appended[i]! / 255;

  const stats = new Float32Array(STATS_LEN);
  // Planes: R, G and B read in place from the interleaved raster, then alpha (RGBA only) and palette indices (P only).
  const planes: ([Uint8Array, number, number] | null)[] = [
    [img.rgb, 0, 3],
    [img.rgb, 1, 3],
    [img.rgb, 2, 3],
    img.mode === 'RGBA' && img.alpha ? [img.alpha, 0, 1] : null,
    img.mode === 'P' && img.indices ? [img.indices, 0, 1] : null,
  ];
  planes.forEach((p, k) => {
    if (p) planeStats(p[0], p[1], p[2], w, h, stats, k * PLANE_FEATURES);
  });
  let at = planes.length * PLANE_FEATURES; // 55
  let zeros = 0;
  let printable = 0;
  for (const b of appended) {
    if (b === 0) zeros++;
    if ((b >= 32 && b <= 126) || b === 9 || b === 10 || b === 13) printable++;
  }
  const m = Math.max(1, appended.length);
  stats[at++] = Math.log2(1 + appended.length) / 32;
  stats[at++] = appended.length ? zeros / m : 0;
  stats[at++] = appended.length ? printable / m : 0;
  stats[at++] = AI42.every((c, i) => appended[i] === c) ? 1 : 0;
  stats[at++] = Math.log2(1 + img.exif.length) / 32;
  stats[at++] = Math.log2(1 + n) / 32;
  stats[at++] = img.mode === 'RGBA' ? 1 : 0;
  stats[at++] = img.mode === 'P' ? 1 : 0;
  stats[at++] = img.lossy ? 1 : 0;
  metadataStats(img, stats, at); // 64..75
  at += METADATA_FEATURES;
  wsEstimates(img.rgb, w, h, stats, at); // 76..81
  at += 6;
  sequentialPathStats(img, stats, at); // 82..96
  // `dct: false`, `residual: false` (a model without that input): all zeros, without the pass that computes it
  const dct = opts.dct === false ? new Float32Array(DCT_LEN) : dctFeatures(jpegCoefficients(img, bytes));
  const residual = opts.residual === false ? new Float32Array(RESIDUAL_LEN) : residualStats(img.rgb, w, h);
  return { bits, tail, stats, evidence: computeEvidence(report), residual, dct };
}

/**
 * A JPEG's quantized coefficients, or null for other formats and for JPEGs core's own decoder
 * cannot entropy-decode although the pixel decoder could (then the DCT inputs are all zero, which
 * the model reads as "no coefficients": slot 0).
 */
function jpegCoefficients(img: DecodedImage, bytes: Uint8Array): JpegCoefficients | null {
  if (img.format !== 'jpeg') return null;
  try {
    return decodeJpegCoefficients(bytes);
  } catch {
    return null;
  }
}
