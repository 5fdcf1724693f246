import { StarlightError } from '@starlight/core';
import { ascii, concatBytes, fromBits, toBits, type BitOrder } from './bits.js';
import { crc32 } from './crc32.js';
import { checkCover, cloneCover, isIndexed, toRaster, type Cover, type RasterImage } from './image.js';
import { Rng } from './prng.js';

/**
 * What attackers actually do beyond Starlight's five formats (for training and evaluation data):
 * sequential LSB without a terminator (stepic-like), keyed scattered LSB (stegosuite/openstego-like:
 * a seeded permutation of positions), LSB matching (+-1 instead of replacement), LSB in one channel
 * only, content-adaptive LSB (textured areas only), payloads at a chosen rate (0.01..1 bit per pixel),
 * and helpers for appended files (zip).
 */

export type Channel = 'r' | 'g' | 'b' | 'a';

export interface LsbVariantOptions {
  /** Channels that carry bits, in order within each pixel (default r, g, b). */
  channels?: readonly Channel[];
  bitOrder?: BitOrder;
  /** Append a NUL (default: none, the point of this variant). */
  terminator?: 'nul' | 'none';
  /** Prefix the payload with its length as a 32-bit big-endian integer (many tools do). */
  lengthPrefix?: boolean;
  /** LSB matching: when a sample's LSB differs, add or subtract 1 at random (never wrapping) instead of replacing the LSB. */
  matching?: boolean;
  /** Scatter the bits over a key-seeded permutation of all positions (keyed tools); sequential when absent. */
  key?: string | number;
  /** Seed for the +-1 choices of LSB matching (default derived from the key, else 1). */
  seed?: number;
  /**
   * Content-adaptive: only samples in textured neighbourhoods carry bits, as tools that skip
   * homogeneous areas do (stegosuite): a sample qualifies when its channel's values over the pixel's
   * 3x3 neighbourhood, read without their LSBs (so the reader finds the same set), span at least
   * this many steps (of 2 levels each). Absent: every sample.
   */
  adaptive?: number;
}

export interface LsbVariantResult {
  stego: RasterImage;
  /** The bits' positions: sample indices into stego.data, in embedding order. */
  positions: Uint32Array;
  framed: Uint8Array;
  bitsUsed: number;
  capacityBits: number;
}

const CH_INDEX: Record<Channel, number> = { r: 0, g: 1, b: 2, a: 3 };

function samplePositions(img: RasterImage, channels: readonly Channel[]): Uint32Array {
  if (channels.length === 0) throw new StarlightError('E_INVALID_ARGUMENT', 'channels: give at least one channel');
  for (const c of channels) {
    if (!(c in CH_INDEX)) throw new StarlightError('E_INVALID_ARGUMENT', `channels: ${JSON.stringify(c)} is not r, g, b or a`);
    if (CH_INDEX[c] >= img.channels) throw new StarlightError('E_INVALID_ARGUMENT', `channels: the image has no ${c} channel`);
  }
  const n = img.width * img.height;
  const pos = new Uint32Array(n * channels.length);
  let k = 0;
  for (let i = 0; i < n; i++) for (const c of channels) pos[k++] = i * img.channels + CH_INDEX[c];
  return pos;
}

/** The samples of `pos` whose 3x3 neighbourhood (edge pixels: what exists of it) spans >= `minRange` steps of v >> 1. */
function texturedPositions(img: RasterImage, pos: Uint32Array, minRange: number): Uint32Array {
  const { width: w, height: h, channels: ch, data: d } = img;
  const out = new Uint32Array(pos.length);
  let k = 0;
  for (const s of pos) {
    const i = Math.floor(s / ch);
    const c = s - i * ch;
    const x = i % w;
    const y = (i - x) / w;
    let lo = 255;
    let hi = 0;
    for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
      for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
        const v = d[(yy * w + xx) * ch + c]! >> 1;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (hi - lo >= minRange) out[k++] = s;
  }
  return out.slice(0, k);
}

/** The LSBs an attacker variant can use in `cover`: the sample positions, in sequential order. */
function usablePositions(img: RasterImage, o: Pick<LsbVariantOptions, 'channels' | 'adaptive'>): Uint32Array {
  const all = samplePositions(img, o.channels ?? ['r', 'g', 'b']);
  return o.adaptive !== undefined ? texturedPositions(img, all, o.adaptive) : all;
}

/** How many bits an attacker variant can hide in `cover` (all the chosen channels' LSBs, or the textured ones when adaptive). */
export function lsbVariantCapacity(cover: Cover, o: Pick<LsbVariantOptions, 'channels' | 'adaptive'> = {}): number {
  checkCover(cover);
  return usablePositions(workingRaster(cover, o.channels ?? ['r', 'g', 'b'], false), o).length;
}

/** The raster the variants write into: the cover itself (a copy when `copy`) when it has the channels, else converted. */
function workingRaster(cover: Cover, channels: readonly Channel[], copy: boolean): RasterImage {
  const needAlpha = channels.includes('a');
  if (!isIndexed(cover) && (cover.channels === 4 || (!needAlpha && cover.channels === 3))) return copy ? cloneCover(cover) : cover;
  return toRaster(cover, needAlpha ? 4 : 3);
}

/** Fisher-Yates over positions with a key-seeded PRNG (only the first `take` entries are needed). */
function permute(pos: Uint32Array, key: string | number, take: number): Uint32Array {
  const rng = new Rng(typeof key === 'number' ? key : `key:${key}`);
  const p = pos.slice();
  for (let i = 0; i < Math.min(take, p.length - 1); i++) {
    const j = i + Math.floor(rng.float() * (p.length - i));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p.subarray(0, take);
}

/** Embed with one of the attacker variants; bits go to the LSBs of the chosen channels. */
export function embedLsbVariant(cover: Cover, payload: Uint8Array | string, o: LsbVariantOptions = {}): LsbVariantResult {
  checkCover(cover);
  const channels = o.channels ?? ['r', 'g', 'b'];
  const img = workingRaster(cover, channels, true);
  const body = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, body.length);
  const framed = concatBytes(o.lengthPrefix ? len : new Uint8Array(0), body, o.terminator === 'nul' ? Uint8Array.of(0) : new Uint8Array(0));
  const bits = toBits(framed, o.bitOrder ?? 'msb-first');
  const all = usablePositions(img, { channels, adaptive: o.adaptive });
  if (bits.length > all.length) {
    const which = `${o.adaptive !== undefined ? 'textured ' : ''}${channels.join('')} LSBs`;
    throw new StarlightError('E_TOO_LARGE', `payload too large: needs ${bits.length} bits but the ${which} of a ${img.width}x${img.height} image hold ${all.length}`);
  }
  const positions = o.key !== undefined ? permute(all, o.key, bits.length) : all.subarray(0, bits.length);
  const rng = new Rng(o.seed ?? (o.key !== undefined ? `pm1:${o.key}` : 1));
  const d = img.data;
  for (let k = 0; k < bits.length; k++) {
    const s = positions[k]!;
    const v = d[s]!;
    if ((v & 1) === bits[k]) continue;
    if (!o.matching) d[s] = (v & 0xfe) | bits[k]!;
    else d[s] = v === 0 ? 1 : v === 255 ? 254 : rng.bool() ? v + 1 : v - 1;
  }
  return { stego: img, positions: positions.slice(), framed, bitsUsed: bits.length, capacityBits: all.length };
}

/** Read back a variant with its key (the keyed tools' extraction), `length` framed bytes. */
export function extractLsbVariant(img: RasterImage, length: number, o: Pick<LsbVariantOptions, 'channels' | 'bitOrder' | 'key' | 'adaptive'> = {}): Uint8Array {
  const all = usablePositions(img, o);
  const nbits = Math.min(all.length, length * 8);
  const positions = o.key !== undefined ? permute(all, o.key, nbits) : all.subarray(0, nbits);
  const bits = new Uint8Array(nbits);
  for (let k = 0; k < nbits; k++) bits[k] = img.data[positions[k]!]! & 1;
  return fromBits(bits, o.bitOrder ?? 'msb-first');
}

/**
 * A payload of random bits at `bpp` bits per pixel (0.01..1 are the rates studied in steganalysis;
 * up to the channel count is accepted), embedded sequentially or scattered, replacement or matching.
 * Returns the stego image and the random payload.
 */
export function embedAtRate(cover: Cover, bpp: number, o: LsbVariantOptions & { seed?: number } = {}): LsbVariantResult & { payload: Uint8Array } {
  const channels = o.channels ?? ['r', 'g', 'b'];
  if (!(bpp > 0) || bpp > channels.length) throw new StarlightError('E_INVALID_ARGUMENT', `bpp: expected (0, ${channels.length}], got ${bpp}`);
  const bytes = Math.max(1, Math.floor((bpp * cover.width * cover.height) / 8));
  const payload = new Rng(o.seed ?? 99).bytes(bytes);
  return { ...embedLsbVariant(cover, payload, { ...o, channels, terminator: 'none' }), payload };
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** A minimal stored (uncompressed) zip archive: what `cat image.jpg secret.zip > out.jpg` appends. */
export function makeZip(entries: ZipEntry[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = ascii(e.name);
    const crc = crc32(e.data);
    const lh = new Uint8Array(30 + name.length);
    const lv = new DataView(lh.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, e.data.length, true);
    lv.setUint16(26, name.length, true);
    lh.set(name, 30);
    const ch = new Uint8Array(46 + name.length);
    const cv = new DataView(ch.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, e.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    ch.set(name, 46);
    locals.push(lh, e.data);
    centrals.push(ch);
    offset += lh.length + e.data.length;
  }
  const cd = concatBytes(...centrals);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cd.length, true);
  ev.setUint32(16, offset, true);
  return concatBytes(...locals, cd, eocd);
}
