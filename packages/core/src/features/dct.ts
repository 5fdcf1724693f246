import type { JpegCoefficients, JpegComponentCoefficients } from '../codecs/jpeg-decoder.js';
import { chiPov } from './pov.js';

/**
 * JPEG DCT-domain steganalysis inputs: what JSteg, OutGuess, F5 and steghide change is the file's
 * quantized DCT coefficients, which pixel LSBs do not show. All zeros (with slot 0 = 0) for other
 * formats and for JPEGs whose coefficients cannot be read.
 *
 * The reference for "what the cover looked like" is Fridrich's calibration: the pixels the
 * coefficients decode to, cropped by 4 rows and 4 columns (off the 8x8 grid) and quantized again
 * with the file's own table. Cropping breaks the block structure an embedder wrote into, so the
 * calibrated statistics are close to the cover's whatever was embedded. Computed over the luma
 * (first) component's top-left CALIBRATION_BLOCKS x CALIBRATION_BLOCKS blocks.
 *
 *   0       1 (coefficients read)
 *   1       log2(mean luma quantization step) / 8
 *   2       log2(1 + non-zero luma AC coefficients) / 24
 *   3..7    share of luma AC coefficients with |v| = 0, 1, 2, 3, 4 (the region)
 *   8..12   the same after calibration
 *   13..17  log((count + 1) / (calibrated count + 1)) for |v| = 0..4, clipped to +-4
 *   18      F5's modification-rate estimate (Fridrich, Goljan, Hogea 2002) from the |v| = 0, 1, 2
 *           counts of the three lowest AC modes, clipped to [-1, 2]
 *   19..21  pairs-of-values chi-square (JSteg, OutGuess before correction) of the luma AC
 *           coefficients outside {0, 1}, log1p(chi / dof), over the first 1/16, 1/4 and all of
 *           them in block order (sequential embedders start at the first block)
 *   22      the same over the chroma components
 *   23..71  intra-block Markov transitions (Shi, Chen, Chen 2006): P(next | current) of the
 *           differences of neighbouring |coefficients| along rows and columns, truncated to +-3
 *           (7 x 7, rows and columns averaged)
 *   72..120 those transitions minus the calibrated ones, x4
 */
export const DCT_LEN = 121;
export const CALIBRATION_BLOCKS = 64;
const T = 3;
const M = 2 * T + 1;

/** C[u * 8 + x] = c(u) / 2 * cos((2x + 1) u pi / 16): the orthonormal 8-point DCT-II basis. */
const C = new Float64Array(64);
for (let u = 0; u < 8; u++) for (let x = 0; x < 8; x++) C[u * 8 + x] = (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);

export function dctFeatures(jpeg: JpegCoefficients | null): Float32Array {
  const out = new Float32Array(DCT_LEN);
  const y = jpeg?.components[0];
  if (!jpeg || !y || y.blocksWide === 0 || y.blocksHigh === 0) return out;
  out[0] = 1;
  let q = 0;
  for (let k = 0; k < 64; k++) q += y.quant[k]!;
  out[1] = Math.log2(Math.max(1, q / 64)) / 8;
  out[2] = Math.log2(1 + nonZeroAc(y)) / 24;

  const bw = Math.min(y.blocksWide, CALIBRATION_BLOCKS);
  const bh = Math.min(y.blocksHigh, CALIBRATION_BLOCKS);
  const region = regionCoefficients(y, bw, bh);
  const cal = bw >= 2 && bh >= 2 ? calibrated(region, bw, bh, y.quant) : null;
  const hObs = absHistogram(region, 5);
  const hCal = cal ? absHistogram(cal, 5) : null;
  const nObs = region.length / 64 * 63;
  for (let k = 0; k < 5; k++) {
    out[3 + k] = hObs[k]! / nObs;
    if (hCal && cal) {
      const nCal = (cal.length / 64) * 63;
      out[8 + k] = hCal[k]! / nCal;
      // compare counts on the same footing: the calibrated region has (bw-1)(bh-1) blocks
      const scaled = (hCal[k]! * nObs) / nCal;
      out[13 + k] = Math.max(-4, Math.min(4, Math.log((hObs[k]! + 1) / (scaled + 1))));
    }
  }
  if (cal) out[18] = f5Beta(region, cal);
  const luma = povPrefixes(y);
  out[19] = luma[0]!;
  out[20] = luma[1]!;
  out[21] = luma[2]!;
  let chroma = 0;
  for (let c = 1; c < jpeg.components.length; c++) chroma = Math.max(chroma, povPrefixes(jpeg.components[c]!)[2]!);
  out[22] = chroma;
  const mObs = markov(region);
  out.set(mObs, 23);
  if (cal) {
    const mCal = markov(cal);
    for (let i = 0; i < M * M; i++) out[72 + i] = 4 * (mObs[i]! - mCal[i]!);
  }
  return out;
}

function nonZeroAc(c: JpegComponentCoefficients): number {
  let n = 0;
  for (let by = 0; by < c.blocksHigh; by++) {
    for (let bx = 0; bx < c.blocksWide; bx++) {
      const o = (by * c.blocksPerLine + bx) * 64;
      for (let k = 1; k < 64; k++) if (c.coefs[o + k] !== 0) n++;
    }
  }
  return n;
}

/** The top-left bw x bh blocks, contiguous (row-major blocks, 64 coefficients each). */
function regionCoefficients(c: JpegComponentCoefficients, bw: number, bh: number): Int16Array {
  const r = new Int16Array(bw * bh * 64);
  for (let by = 0; by < bh; by++) {
    const o = by * c.blocksPerLine * 64;
    r.set(c.coefs.subarray(o, o + bw * 64), by * bw * 64);
  }
  return r;
}

/**
 * Calibration: decode the region's blocks to pixels (dequantize, IDCT, +128, round and clamp as a
 * decoder does), crop 4 pixels off the top and left, and quantize the (bw-1) x (bh-1) blocks of the
 * result with the same table.
 */
function calibrated(region: Int16Array, bw: number, bh: number, quant: Int32Array): Int16Array {
  const W = bw * 8;
  const px = new Float64Array(W * bh * 8);
  const tmp = new Float64Array(64);
  for (let b = 0; b < bw * bh; b++) {
    const o = b * 64;
    const x0 = (b % bw) * 8;
    const y0 = Math.floor(b / bw) * 8;
    // f[y][x] = sum over the non-zero F[u][v] (most are zero) of F[u][v] q[u][v] C[u][y] C[v][x]
    tmp.fill(0);
    for (let k = 0; k < 64; k++) {
      const f = region[o + k]!;
      if (f === 0) continue;
      const val = f * quant[k]!;
      const cu = (k >> 3) * 8;
      const cv = (k & 7) * 8;
      for (let yy = 0; yy < 8; yy++) {
        const a = val * C[cu + yy]!;
        for (let x = 0; x < 8; x++) tmp[yy * 8 + x]! += a * C[cv + x]!;
      }
    }
    for (let yy = 0; yy < 8; yy++) {
      for (let x = 0; x < 8; x++) px[(y0 + yy) * W + x0 + x] = Math.max(0, Math.min(255, Math.round(tmp[yy * 8 + x]! + 128)));
    }
  }
  const cw = bw - 1;
  const ch = bh - 1;
  const cal = new Int16Array(cw * ch * 64);
  const blk = new Float64Array(64);
  for (let b = 0; b < cw * ch; b++) {
    const x0 = 4 + (b % cw) * 8;
    const y0 = 4 + Math.floor(b / cw) * 8;
    for (let yy = 0; yy < 8; yy++) for (let x = 0; x < 8; x++) blk[yy * 8 + x] = px[(y0 + yy) * W + x0 + x]! - 128;
    // F = C f C^T
    for (let u = 0; u < 8; u++) {
      for (let x = 0; x < 8; x++) {
        let s = 0;
        for (let yy = 0; yy < 8; yy++) s += C[u * 8 + yy]! * blk[yy * 8 + x]!;
        tmp[u * 8 + x] = s;
      }
    }
    for (let u = 0; u < 8; u++) {
      for (let v = 0; v < 8; v++) {
        let s = 0;
        for (let x = 0; x < 8; x++) s += tmp[u * 8 + x]! * C[v * 8 + x]!;
        cal[b * 64 + u * 8 + v] = Math.round(s / Math.max(1, quant[u * 8 + v]!));
      }
    }
  }
  return cal;
}

/** Counts of AC coefficients by |v| for |v| < n. */
function absHistogram(c: Int16Array, n: number, modes?: readonly number[]): Float64Array {
  const h = new Float64Array(n);
  for (let o = 0; o < c.length; o += 64) {
    if (modes) {
      for (const k of modes) {
        const a = Math.abs(c[o + k]!);
        if (a < n) h[a]!++;
      }
    } else {
      for (let k = 1; k < 64; k++) {
        const a = Math.abs(c[o + k]!);
        if (a < n) h[a]!++;
      }
    }
  }
  return h;
}

/**
 * F5 turns a share beta of the non-zero coefficients it touches toward zero: h(0) grows, h(1)
 * shrinks. With the calibrated counts g as the cover's estimate, the least-squares beta of
 * h(0) = g(0) + beta g(1), h(1) = (1 - beta) g(1) + beta g(2), over the three lowest AC modes.
 */
function f5Beta(obs: Int16Array, cal: Int16Array): number {
  const modes = [1, 8, 9];
  const h = absHistogram(obs, 3, modes);
  const g = absHistogram(cal, 3, modes);
  const s = obs.length / 64 / (cal.length / 64);
  for (let k = 0; k < 3; k++) g[k] = g[k]! * s;
  const den = g[1]! * g[1]! + (g[2]! - g[1]!) * (g[2]! - g[1]!);
  if (den <= 0) return 0;
  const beta = (g[1]! * (h[0]! - g[0]!) + (h[1]! - g[1]!) * (g[2]! - g[1]!)) / den;
  return Math.max(-1, Math.min(2, beta));
}

/**
 * Pairs-of-values chi-square over a component's AC coefficients outside {0, 1} in block order, at
 * 1/16, 1/4 and all of the blocks: LSB replacement equalises each pair (2k, 2k + 1) of
 * two's-complement values (..., (-2, -1), (2, 3), ...).
 */
function povPrefixes(c: JpegComponentCoefficients): number[] {
  const hist = new Float64Array(512);
  const blocks = c.blocksWide * c.blocksHigh;
  const marks = [Math.max(1, Math.floor(blocks / 16)), Math.max(1, Math.floor(blocks / 4)), blocks];
  const res: number[] = [];
  let b = 0;
  for (const mark of marks) {
    for (; b < mark; b++) {
      const by = Math.floor(b / c.blocksWide);
      const o = (by * c.blocksPerLine + (b % c.blocksWide)) * 64;
      for (let k = 1; k < 64; k++) {
        const v = c.coefs[o + k]!;
        if (v === 0 || v === 1 || v < -256 || v > 255) continue;
        hist[v + 256]!++;
      }
    }
    res.push(chiPov(hist));
  }
  return res;
}

/** Intra-block transition probabilities of |coefficient| differences along rows and columns (DC left out). */
function markov(c: Int16Array): Float32Array {
  const counts = new Float64Array(M * M);
  const clip = (d: number): number => (d > T ? T : d < -T ? -T : d) + T;
  for (let o = 0; o < c.length; o += 64) {
    for (let u = 0; u < 8; u++) {
      for (let v = u === 0 ? 1 : 0; v + 2 < 8; v++) {
        // along the row u
        const a = Math.abs(c[o + u * 8 + v]!);
        const b = Math.abs(c[o + u * 8 + v + 1]!);
        const d = Math.abs(c[o + u * 8 + v + 2]!);
        counts[clip(a - b) * M + clip(b - d)]!++;
        // along the column u
        const a2 = Math.abs(c[o + v * 8 + u]!);
        const b2 = Math.abs(c[o + (v + 1) * 8 + u]!);
        const d2 = Math.abs(c[o + (v + 2) * 8 + u]!);
        counts[clip(a2 - b2) * M + clip(b2 - d2)]!++;
      }
    }
  }
  const p = new Float32Array(M * M);
  for (let i = 0; i < M; i++) {
    let row = 0;
    for (let j = 0; j < M; j++) row += counts[i * M + j]!;
    if (row > 0) for (let j = 0; j < M; j++) p[i * M + j] = counts[i * M + j]! / row;
  }
  return p;
}
