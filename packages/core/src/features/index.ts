import type { DecodedImage } from '../image.js';

/**
 * Inputs our detector reads beyond the eight V4 streams. V4 only sees the 256x256 centre crop, so a
 * short message written from the top-left corner of a large image is invisible to it; these inputs
 * look where embedders actually write, and at global LSB statistics, without any assumption about
 * framing (terminators, markers) so that unknown tools are caught by the same evidence.
 */
export const HEAD_BITS = 4096;
export const TAIL_BYTES = 1024;
export const STATS_LEN = 64;

export const EXTRA_SHAPES = {
  bits: [3, HEAD_BITS],
  tail: [TAIL_BYTES],
  stats: [STATS_LEN],
} as const;

export interface ExtraInputs {
  /** First HEAD_BITS LSBs from pixel (0,0) in raster order: ch0 R,G,B interleaved; ch1 alpha (RGBA only); ch2 palette index (P only). */
  bits: Float32Array;
  /** The bytes after the true end of the container (first TAIL_BYTES), /255. */
  tail: Float32Array;
  /** Global and prefix LSB statistics per plane, plus appended-data and metadata descriptors. */
  stats: Float32Array;
}

/** A view of one 8-bit plane of the image: value of pixel i is data[i*stride + offset]. */
interface Plane {
  data: Uint8Array;
  stride: number;
  offset: number;
}

const PLANE_FEATURES = 11;

/**
 * Per-plane statistics (11 values):
 * 0 share of ones in the LSB plane
 * 1 horizontal LSB agreement P(lsb(x) == lsb(x+1))
 * 2 flat-neighbourhood speckle: among pixels whose 4 neighbours are all equal (v), the share that differ from v by exactly 1
 *   (LSB replacement and LSB matching both leave such +-1 speckles in flat areas; natural rendering rarely does)
 * 3 share of pixels in such flat neighbourhoods
 * 4..7 pairs-of-values chi-square (log1p of chi/dof) over the first 1/64, 1/16, 1/4 and all of the raster
 *   (embedding equalises the counts of 2k and 2k+1; sequential embedding does it first at the start)
 * 8 speckle over the first 1/16 of the raster
 * 9 LSB agreement over the first 1/16 of the raster
 * 10 LSB agreement over the last 1/16 of the raster
 */
function planeStats(p: Plane, w: number, h: number, out: Float32Array, at: number): void {
  const n = w * h;
  const { data, stride, offset } = p;
  const v = (i: number): number => data[i * stride + offset]!;
  let ones = 0;
  let agree = 0;
  let pairs = 0;
  for (let y = 0; y < h; y++) {
    let prev = -1;
    for (let x = 0; x < w; x++) {
      const b = v(y * w + x) & 1;
      ones += b;
      if (prev >= 0) {
        pairs++;
        if (b === prev) agree++;
      }
      prev = b;
    }
  }
  const prefixN = Math.max(1, Math.floor(n / 16));
  const speckle = (from: number, to: number): [number, number] => {
    let flat = 0;
    let pm1 = 0;
    for (let i = from; i < to; i++) {
      const y = Math.floor(i / w);
      const x = i - y * w;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) continue;
      const l = v(i - 1);
      if (v(i + 1) !== l || v(i - w) !== l || v(i + w) !== l) continue;
      flat++;
      const d = v(i) - l;
      if (d === 1 || d === -1) pm1++;
    }
    return [flat, pm1];
  };
  const [flatAll, pm1All] = speckle(0, n);
  const [flatPre, pm1Pre] = speckle(0, prefixN);
  const agreeRange = (from: number, to: number): number => {
    let a = 0;
    let c = 0;
    for (let i = Math.max(1, from); i < to; i++) {
      if (i % w === 0) continue;
      c++;
      if ((v(i) & 1) === (v(i - 1) & 1)) a++;
    }
    return c ? a / c : 0.5;
  };
  const chi = (count: number): number => {
    const hist = new Uint32Array(256);
    for (let i = 0; i < count; i++) hist[v(i)]!++;
    let s = 0;
    let dof = 0;
    for (let k = 0; k < 256; k += 2) {
      const a = hist[k]!;
      const b = hist[k + 1]!;
      if (a + b < 5) continue;
      const e = (a + b) / 2;
      s += ((a - e) * (a - e)) / e + ((b - e) * (b - e)) / e;
      dof++;
    }
    return dof ? Math.log1p(s / dof) : 0;
  };
  out[at] = ones / n;
  out[at + 1] = pairs ? agree / pairs : 0.5;
  out[at + 2] = flatAll ? pm1All / flatAll : 0;
  out[at + 3] = flatAll / n;
  out[at + 4] = chi(Math.max(1, Math.floor(n / 64)));
  out[at + 5] = chi(prefixN);
  out[at + 6] = chi(Math.max(1, Math.floor(n / 4)));
  out[at + 7] = chi(n);
  out[at + 8] = flatPre ? pm1Pre / flatPre : 0;
  out[at + 9] = agreeRange(0, prefixN);
  out[at + 10] = agreeRange(n - prefixN, n);
}

const AI42 = [0x41, 0x49, 0x34, 0x32];

export function computeExtraInputs(img: DecodedImage, bytes: Uint8Array): ExtraInputs {
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
  const planes: (Plane | null)[] = [
    { data: img.rgb, stride: 3, offset: 0 },
    { data: img.rgb, stride: 3, offset: 1 },
    { data: img.rgb, stride: 3, offset: 2 },
    img.mode === 'RGBA' && img.alpha ? { data: img.alpha, stride: 1, offset: 0 } : null,
    img.mode === 'P' && img.indices ? { data: img.indices, stride: 1, offset: 0 } : null,
  ];
  planes.forEach((p, k) => {
    if (p) planeStats(p, w, h, stats, k * PLANE_FEATURES);
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
  return { bits, tail, stats };
}
