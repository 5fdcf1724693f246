import type { DecodedImage } from './image.js';
import { referenceTail } from './tail.js';

export const CROP = 256;
export const META_LEN = 2048;

export const STREAM_NAMES = ['pixel', 'meta', 'alpha', 'lsb', 'palette', 'palette_lsb', 'format', 'content'] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

export interface Stream {
  /** Channel-first shape for a single image (no batch axis). */
  shape: number[];
  data: Float32Array;
}

export type Streams = Record<StreamName, Stream>;

export const STREAM_SHAPES: Record<StreamName, number[]> = {
  pixel: [3, CROP, CROP],
  meta: [META_LEN],
  alpha: [2, CROP, CROP],
  lsb: [3, CROP, CROP],
  palette: [768],
  palette_lsb: [1, CROP, CROP],
  format: [6],
  content: [6],
};

/** value/255 in float32, exactly as numpy/torch compute float32(u8)/float32(255). */
const DIV255 = new Float32Array(256);
for (let i = 0; i < 256; i++) DIV255[i] = Math.fround(i / 255);

/**
 * One axis of torchvision's CenterCrop(256) on an axis of `size`: pad with zeros when smaller
 * (floor(d/2) before), otherwise crop at round((size-256)/2) with Python's round half to even.
 * Returns the source index of destination 0 (negative when padded) and the copied span.
 */
export function cropAxis(size: number): { src: number; dst: number; len: number } {
  if (size >= CROP) {
    const half = (size - CROP) / 2;
    let off = Math.round(half);
    if (off - half === 0.5 && off % 2 === 1) off -= 1; // half to even
    return { src: off, dst: 0, len: CROP };
  }
  return { src: 0, dst: Math.floor((CROP - size) / 2), len: size };
}

/**
 * Centre-crop a plane that is stored interleaved (`stride` values per pixel, channel `c`) into
 * a 256x256 destination, mapping each byte through `map` (a 256-entry table).
 */
function cropPlane(
  src: Uint8Array,
  w: number,
  h: number,
  stride: number,
  c: number,
  out: Float32Array,
  outOffset: number,
  map: ArrayLike<number>,
): void {
  const ax = cropAxis(w);
  const ay = cropAxis(h);
  for (let y = 0; y < ay.len; y++) {
    const sy = ay.src + y;
    const drow = outOffset + (ay.dst + y) * CROP + ax.dst;
    let s = (sy * w + ax.src) * stride + c;
    for (let x = 0; x < ax.len; x++, s += stride) out[drow + x] = map[src[s]!]!;
  }
}

const IDENTITY_LSB = new Float32Array(256);
for (let i = 0; i < 256; i++) IDENTITY_LSB[i] = i & 1;

/** Pillow's L24 luminance of an RGB triple (ITU-R 601-2, 16-bit fixed point, rounded). */
export const luminance = (r: number, g: number, b: number): number => (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;

/** numpy's pairwise summation (float64) over a[0..n), bit for bit. */
function pairwiseSum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[start + i]!;
    return s;
  }
  if (n <= 128) {
    const r = [a[start]!, a[start + 1]!, a[start + 2]!, a[start + 3]!, a[start + 4]!, a[start + 5]!, a[start + 6]!, a[start + 7]!];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let k = 0; k < 8; k++) r[k]! += a[start + i + k]!;
    }
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** Population standard deviation of a uint8 plane as numpy's np.std computes it (float64). */
export function numpyStd(v: Uint8Array): number {
  const n = v.length;
  if (n === 0) return 0;
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = v[i]!;
  const mean = pairwiseSum(f, 0, n) / n;
  for (let i = 0; i < n; i++) {
    const d = f[i]! - mean;
    f[i] = d * d;
  }
  return Math.sqrt(pairwiseSum(f, 0, n) / n);
}

/** [uniqueness, printable share, most-common share] of a byte string, as the reference computes them. */
export function byteStats(b: Uint8Array): [number, number, number] {
  const n = b.length;
  if (n === 0) return [0, 0, 0];
  const counts = new Uint32Array(256);
  let printable = 0;
  for (let i = 0; i < n; i++) {
    const v = b[i]!;
    counts[v]!++;
    if (v >= 32 && v <= 126) printable++;
  }
  let max = 0;
  for (let i = 0; i < 256; i++) if (counts[i]! > max) max = counts[i]!;
  let uniqueness: number;
  if (n <= 256) {
    let distinct = 0;
    for (let i = 0; i < 256; i++) if (counts[i]) distinct++;
    uniqueness = distinct / n;
  } else {
    const step = Math.max(1, Math.floor(n / 1000));
    const seen = new Uint8Array(256);
    let distinct = 0;
    for (let i = 0; i < n; i += step) {
      if (!seen[b[i]!]) {
        seen[b[i]!] = 1;
        distinct++;
      }
    }
    uniqueness = Math.min(1, distinct / 256);
  }
  return [uniqueness, printable / n, max / n];
}

/** Pack a 0/1 plane into bytes, 8 bits per byte, most significant bit first (numpy packbits). */
export function packBits(bits: ArrayLike<number>, n: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) if (bits[i]) out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

/** The eight Starlight V4 streams of a decoded image. `bytes` is the whole file (for the tail). */
export function computeStreams(img: DecodedImage, bytes: Uint8Array): Streams {
  const { width: w, height: h, mode } = img;
  const plane = CROP * CROP;

  // pixel and lsb in one pass over the crop; the LSB bytes for `content` are packed on the way.
  const pixel = new Float32Array(3 * plane);
  const lsb = new Float32Array(3 * plane);
  const lsbBytes = new Uint8Array((3 * plane) >> 3);
  const ax = cropAxis(w);
  const ay = cropAxis(h);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < ay.len; y++) {
      let d = c * plane + (ay.dst + y) * CROP + ax.dst;
      let s = ((ay.src + y) * w + ax.src) * 3 + c;
      for (let x = 0; x < ax.len; x++, s += 3, d++) {
        const v = img.rgb[s]!;
        pixel[d] = DIV255[v]!;
        if (v & 1) {
          lsb[d] = 1;
          lsbBytes[d >> 3]! |= 0x80 >> (d & 7);
        }
      }
    }
  }

  const meta = new Float32Array(META_LEN);
  const tail = referenceTail(bytes, img);
  const exifN = Math.min(img.exif.length, META_LEN);
  for (let i = 0; i < exifN; i++) meta[i] = DIV255[img.exif[i]!]!;
  for (let i = 0; i < tail.length && exifN + i < META_LEN; i++) meta[exifN + i] = DIV255[tail[i]!]!;

  const alpha = new Float32Array(2 * plane);
  let alphaStd = 0;
  let alphaStats: [number, number, number] = [0, 0, 0];
  if (mode === 'RGBA' && img.alpha) {
    cropPlane(img.alpha, w, h, 1, 0, alpha, 0, DIV255);
    cropPlane(img.alpha, w, h, 1, 0, alpha, plane, IDENTITY_LSB);
    alphaStd = numpyStd(img.alpha) / 255;
    const bits = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) bits[i] = img.alpha[i]! & 1;
    alphaStats = byteStats(packBits(bits, w * h));
  }

  const palette = new Float32Array(768);
  const paletteLsb = new Float32Array(plane);
  if (mode === 'P' && img.palette && img.indices) {
    const n = Math.min(img.palette.length, 768);
    for (let i = 0; i < n; i++) palette[i] = DIV255[img.palette[i]!]!;
    // LSB of the palette colour's luminance; indices past the palette read Pillow's grey ramp.
    const lumLsb = new Float32Array(256);
    for (let k = 0; k < 256; k++) {
      lumLsb[k] = 3 * k + 2 < n ? luminance(img.palette[3 * k]!, img.palette[3 * k + 1]!, img.palette[3 * k + 2]!) & 1 : k & 1;
    }
    cropPlane(img.indices, w, h, 1, 0, paletteLsb, 0, lumLsb);
  }

  const format = Float32Array.of(mode === 'RGBA' ? 1 : 0, alphaStd, mode === 'P' ? 1 : 0, mode === 'RGB' ? 1 : 0, w / 256, h / 256);
  const content = Float32Array.of(...byteStats(lsbBytes), ...alphaStats);

  return {
    pixel: { shape: STREAM_SHAPES.pixel, data: pixel },
    meta: { shape: STREAM_SHAPES.meta, data: meta },
    alpha: { shape: STREAM_SHAPES.alpha, data: alpha },
    lsb: { shape: STREAM_SHAPES.lsb, data: lsb },
    palette: { shape: STREAM_SHAPES.palette, data: palette },
    palette_lsb: { shape: STREAM_SHAPES.palette_lsb, data: paletteLsb },
    format: { shape: STREAM_SHAPES.format, data: format },
    content: { shape: STREAM_SHAPES.content, data: content },
  };
}
