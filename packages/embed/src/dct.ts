import { createRequire } from 'node:module';
import { StarlightError } from '@starlight/core';
import { packJpeg, type PackState } from './jpeg-pack.js';
import { Rng } from './prng.js';

/**
 * JPEG DCT-domain steganography (what F5, JSteg, OutGuess and steghide do), on the quantized
 * coefficients that f5stegojs (MIT, CommonJS) parses from baseline or progressive Huffman JPEGs,
 * packed back as a baseline JPEG with the standard Huffman tables by f5stegojs's packer (ported in
 * jpeg-pack.ts, byte for byte, without its lost-bytes bug). Every output goes through that packer,
 * so the clean counterpart is `repackJpeg` (same packer, no change): the packer's tables and
 * baseline layout are then no label.
 *
 * Where f5stegojs keeps the coefficients (after `parse`): `frame.components[i]` for each component
 * in SOF order, with
 *  - `blocks`: Int16Array of 64 quantized coefficients per 8x8 block, in zigzag order (not
 *    dezigzagged, not dequantized), blocks in raster order over the MCU-padded grid (block row r,
 *    column c at `(r * blocksPerLineForMcu + c) * 64`); slot 0 of each block is unused (always 0);
 *  - `blocksDC`: Int16Array, the DC coefficient of each block (absolute, not differential).
 * The packer writes every block of that grid (including the MCU padding blocks) from `blocks` and
 * `blocksDC`, APP0 (the file's JFIF, or a default one), the other APPn and COM segments in file
 * order, the DQT segments as read, and any data after EOI (f5stegojs's `jfif`, `APPn`, `qts`, `tail`).
 *
 * Here the coefficients of all components are laid end to end (component by component, blocks in
 * the order above, zigzag within a block): "the coefficient order" of jsteg, outguess and pm1.
 * DC is never touched. f5 is f5stegojs's own (luminance only, its own shuffle and header).
 */

export type DctTool = 'f5' | 'jsteg' | 'outguess' | 'pm1';
export const DCT_TOOLS: readonly DctTool[] = ['f5', 'jsteg', 'outguess', 'pm1'];

export interface DctEmbedOptions {
  tool: DctTool;
  /** The key (f5: its password, the UTF-8 of String(key); outguess/pm1: seeds the walk). Default 0; jsteg has none. */
  key?: number;
}

export interface DctEmbedResult {
  /** The stego JPEG (baseline, standard Huffman tables). */
  file: Uint8Array;
  /** Coefficients whose value changed (outguess: including the histogram corrections). */
  changed: number;
  /** Coefficients the tool may use (f5: non-zero luminance AC; jsteg/outguess: AC not 0 or 1; pm1: non-zero AC). */
  usable: number;
  /** Payload bits embedded: 8 x the bytes of the payload that fit (no length prefix or header counted). */
  bitsEmbedded: number;
}

/** What each tool can hold (bytes of payload, headers excluded); f5's is f5stegojs's estimate. */
export interface DctCapacity {
  width: number;
  height: number;
  /** Non-zero AC coefficients, all components (the denominator of "bits per non-zero AC"). */
  nonZeroAc: number;
  usable: Record<DctTool, number>;
  bytes: Record<DctTool, number>;
}

// f5stegojs, as much of it as is used here ------------------------------------------------------

type F5Component = PackState['frame']['components'][number];
type F5Frame = PackState['frame'];
interface F5PutResult {
  k: number;
  embedded: number;
  changed: number;
  thrown: number;
}
interface F5Instance extends Omit<PackState, 'frame'> {
  maxPixels: number;
  frame: F5Frame | null;
  parse(jpeg: Uint8Array): F5Instance;
  analyze(): { capacity: number[] };
  f5put(data: Uint8Array, k?: number): F5PutResult;
  f5get(): Uint8Array;
}
type F5Ctor = (new (key: ArrayLike<number>, maxPixels?: number) => F5Instance) & { prototype: F5Instance };

let f5ctor: F5Ctor | null = null;
function F5(): F5Ctor {
  // CommonJS: loaded through require in the ESM and CJS builds, tsx and jest alike.
  f5ctor ??= createRequire(import.meta.url)('f5stegojs') as F5Ctor;
  return f5ctor;
}

/** Largest image parsed (pixels). */
const MAX_PIXELS = 40e6;
/** AC magnitudes the standard Huffman tables code (category 10); values are kept within it. */
const AC_LIMIT = 1022;
const HEADER_BITS = 32;
const DEFAULT_KEY = 0;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function checkJpeg(jpeg: Uint8Array): void {
  if (!(jpeg instanceof Uint8Array)) throw new StarlightError('E_INVALID_ARGUMENT', 'jpeg: expected a Uint8Array');
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new StarlightError('E_CORRUPT_IMAGE', 'not a JPEG (no SOI marker)');
}

/** Parse without a key (f5stegojs's constructor would run RC4 over 69 MB for its shuffle). */
function parse(jpeg: Uint8Array, into?: F5Instance): F5Instance {
  checkJpeg(jpeg);
  const p = into ?? (Object.create(F5().prototype) as F5Instance);
  if (!into) p.maxPixels = MAX_PIXELS;
  try {
    p.parse(jpeg);
  } catch (e) {
    throw new StarlightError('E_CORRUPT_IMAGE', `JPEG not readable as Huffman-coded DCT: ${message(e)}`, { cause: e });
  }
  const f = p.frame;
  if (!f || !f.components.length || f.components.some((c) => !c.blocks || !c.blocksDC)) throw new StarlightError('E_CORRUPT_IMAGE', 'JPEG has no frame or no scan');
  return p;
}

function pack(p: F5Instance): Uint8Array {
  return packJpeg(p as PackState);
}

/** The component f5stegojs embeds in: id 1 (luminance), else the first. */
function lumaOf(f: F5Frame): F5Component {
  return f.components.find((c) => c.componentId === 1) ?? f.components[0]!;
}

/** All components' AC/DC slots end to end (see the module comment), and the writer back. */
function flatten(f: F5Frame): Int16Array {
  const total = f.components.reduce((a, c) => a + c.blocks.length, 0);
  const all = new Int16Array(total);
  let o = 0;
  for (const c of f.components) {
    all.set(c.blocks, o);
    o += c.blocks.length;
  }
  return all;
}

function unflatten(f: F5Frame, all: Int16Array): void {
  let o = 0;
  for (const c of f.components) {
    c.blocks.set(all.subarray(o, o + c.blocks.length));
    o += c.blocks.length;
  }
}

/** jsteg/outguess: AC not 0 or 1 (LSB replacement keeps a value in its pair (2k, 2k+1), so the set is the reader's too). */
const lsbUsable = (v: number): boolean => v >> 1 !== 0 && v >= -AC_LIMIT && v <= AC_LIMIT - 1;
/** pm1: non-zero AC (+-1 never makes 0). */
const pm1Usable = (v: number): boolean => v !== 0 && v >= -AC_LIMIT && v <= AC_LIMIT;

function usablePositions(all: Int16Array, ok: (v: number) => boolean): Uint32Array {
  let n = 0;
  for (let i = 0; i < all.length; i++) if ((i & 63) !== 0 && ok(all[i]!)) n++;
  const out = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < all.length; i++) if ((i & 63) !== 0 && ok(all[i]!)) out[k++] = i;
  return out;
}

/**
 * The keyed walk of outguess and pm1 over n usable coefficients (indices into the usable list),
 * OutGuess-style: random skips, first over a 32-bit length header with short skips (up to n/1024,
 * at most 32), then over the message with skips adapted so the message spreads over what is left.
 * Never runs out: a skip is cut so that every remaining bit still has a coefficient.
 */
class Walk {
  private readonly rng: Rng;
  private cur = 0;
  constructor(
    private readonly n: number,
    tool: DctTool,
    key: number,
  ) {
    this.rng = new Rng(`dct-${tool}:${key}`);
  }

  /** The header's 32 positions, or null when the image has fewer than 32 usable coefficients. */
  header(): Uint32Array | null {
    if (this.n < HEADER_BITS) return null;
    const s = Math.max(1, Math.min(32, Math.floor(this.n / 1024)));
    return this.steps(HEADER_BITS, s);
  }

  /** Coefficients left after the header (call after header()). */
  left(): number {
    return this.n - this.cur;
  }

  body(bits: number): Uint32Array {
    const r = this.left();
    const s = Math.max(1, Math.floor((1.9 * r) / Math.max(1, bits) - 1));
    return this.steps(bits, s);
  }

  private steps(bits: number, s: number): Uint32Array {
    const out = new Uint32Array(bits);
    for (let i = 0; i < bits; i++) {
      const need = bits - i;
      const k = Math.min(this.rng.int(1, s), this.n - this.cur - need + 1);
      out[i] = this.cur + k - 1;
      this.cur += k;
    }
    return out;
  }
}

function lengthBits(len: number): Uint8Array {
  const b = new Uint8Array(HEADER_BITS);
  for (let i = 0; i < HEADER_BITS; i++) b[i] = (len >>> (31 - i)) & 1;
  return b;
}

/** The bits written: a 32-bit big-endian length, then the first `bytes` of the payload, MSB first. */
function framedBits(p: Uint8Array, bytes: number): Uint8Array {
  const b = new Uint8Array(HEADER_BITS + bytes * 8);
  b.set(lengthBits(bytes));
  for (let i = 0; i < bytes; i++) for (let j = 0; j < 8; j++) b[HEADER_BITS + i * 8 + j] = (p[i]! >> (7 - j)) & 1;
  return b;
}

function bitsToBytes(bits: ArrayLike<number>, from: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) {
    let v = 0;
    for (let j = 0; j < 8; j++) v = (v << 1) | (bits[from + i * 8 + j]! & 1);
    out[i] = v;
  }
  return out;
}

const keyBytes = (key: number): Uint8Array => new TextEncoder().encode(String(key));

function checkOptions(payload: Uint8Array, o: DctEmbedOptions): number {
  if (!o || !DCT_TOOLS.includes(o.tool)) throw new StarlightError('E_INVALID_ARGUMENT', `tool: expected one of ${DCT_TOOLS.join(', ')}, got ${JSON.stringify(o?.tool)}`);
  if (!(payload instanceof Uint8Array) || payload.length === 0) throw new StarlightError('E_INVALID_ARGUMENT', 'payload: expected a non-empty Uint8Array');
  const key = o.key ?? DEFAULT_KEY;
  if (typeof key !== 'number' || !Number.isFinite(key)) throw new StarlightError('E_INVALID_ARGUMENT', `key: expected a finite number, got ${String(key)}`);
  return key;
}

const noRoom = (tool: DctTool): StarlightError => new StarlightError('E_INVALID_ARGUMENT', `the JPEG has no room for a ${tool} payload (too few usable DCT coefficients)`);

function countChanged(a: Int16Array, b: Int16Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

// Embedders ----------------------------------------------------------------------------------------

function embedF5(jpeg: Uint8Array, payload: Uint8Array, key: number): DctEmbedResult {
  const probe = parse(jpeg);
  const luma = lumaOf(probe.frame!);
  let usable = 0;
  for (let i = 0; i < luma.blocks.length; i++) if ((i & 63) !== 0 && luma.blocks[i] !== 0) usable++;
  // The shuffle covers the luminance coefficients (and the key stream after them masks the data):
  // sized to this image rather than f5stegojs's 4096x4096 default, with the same stream prefix.
  const mp = Math.max(luma.blocks.length, probe.frame!.scanLines * probe.frame!.samplesPerLine, 64);
  const F = F5();
  const st = new F(keyBytes(key), Math.ceil(mp / 64) * 64);
  const header = (n: number): number => (n < 32768 ? 2 : 3);
  // f5stegojs's own estimate for k = 1 (its largest), header included
  let bytes = Math.min(payload.length, Math.max(0, (probe.analyze().capacity[1] ?? 0) - header(payload.length)));
  for (let attempt = 0; bytes > 0 && attempt < 40; attempt++) {
    parse(jpeg, st);
    const before = lumaOf(st.frame!).blocks.slice();
    try {
      st.f5put(payload.subarray(0, bytes));
    } catch (e) {
      if (!/capacity/.test(message(e))) throw new StarlightError('E_CORRUPT_IMAGE', `f5 embedding failed: ${message(e)}`, { cause: e });
      bytes = Math.floor(bytes * 0.9);
      continue;
    }
    // f5stegojs checks its k = 1 capacity without its 4-bit header: at the limit the last bits can
    // be missing without an error. Read it back, and cut further when it does not match.
    const back = st.f5get();
    if (back.length !== bytes || back.some((v, i) => v !== payload[i])) {
      bytes = Math.min(bytes - 1, Math.floor(bytes * 0.98));
      continue;
    }
    const changed = countChanged(before, lumaOf(st.frame!).blocks);
    return { file: pack(st), changed, usable, bitsEmbedded: bytes * 8 };
  }
  throw noRoom('f5');
}

function embedJsteg(jpeg: Uint8Array, payload: Uint8Array): DctEmbedResult {
  const p = parse(jpeg);
  const all = flatten(p.frame!);
  const pos = usablePositions(all, lsbUsable);
  const bytes = Math.min(payload.length, Math.floor((pos.length - HEADER_BITS) / 8));
  if (bytes < 1) throw noRoom('jsteg');
  const bits = framedBits(payload, bytes);
  let changed = 0;
  for (let i = 0; i < bits.length; i++) {
    const at = pos[i]!;
    const v = all[at]!;
    const w = (v & ~1) | bits[i]!;
    if (w !== v) {
      all[at] = w;
      changed++;
    }
  }
  unflatten(p.frame!, all);
  return { file: pack(p), changed, usable: pos.length, bitsEmbedded: bytes * 8 };
}

/** outguess and pm1: the walk's positions (header + body) for `bytes` of payload, or null when even 1 byte does not fit. */
function walkFor(n: number, tool: DctTool, key: number, wanted: number): { positions: Uint32Array; bytes: number } | null {
  const w = new Walk(n, tool, key);
  const head = w.header();
  if (!head) return null;
  const bytes = Math.min(wanted, Math.floor(w.left() / 8));
  if (bytes < 1) return null;
  const body = w.body(bytes * 8);
  const positions = new Uint32Array(HEADER_BITS + body.length);
  positions.set(head);
  positions.set(body, HEADER_BITS);
  return { positions, bytes };
}

function embedOutguess(jpeg: Uint8Array, payload: Uint8Array, key: number): DctEmbedResult {
  const p = parse(jpeg);
  const all = flatten(p.frame!);
  const cover = all.slice();
  const pos = usablePositions(all, lsbUsable);
  const walk = walkFor(pos.length, 'outguess', key, payload.length);
  if (!walk) throw noRoom('outguess');
  const bits = framedBits(payload, walk.bytes);
  const used = new Uint8Array(pos.length);
  for (let i = 0; i < bits.length; i++) {
    const u = walk.positions[i]!;
    used[u] = 1;
    const at = pos[u]!;
    all[at] = (all[at]! & ~1) | bits[i]!;
  }
  // Histogram correction: per pair (2k, 2k+1), put back the cover's count of even values by flipping
  // the LSB of coefficients the message does not use (in a key-seeded order), where there are any.
  const OFF = 1 << 15;
  const excess = new Int32Array(1 << 16); // even count, stego minus cover, per pair v >> 1
  let open = 0;
  for (let u = 0; u < pos.length; u++) {
    const at = pos[u]!;
    if (cover[at] === all[at]) continue;
    // an LSB flip within a pair: even -> odd lowers the pair's even count, odd -> even raises it
    const k = (all[at]! >> 1) + OFF;
    excess[k] = excess[k]! + ((all[at]! & 1) === 0 ? 1 : -1);
  }
  for (let i = 0; i < excess.length; i++) open += Math.abs(excess[i]!);
  if (open > 0) {
    const spare: number[] = [];
    for (let u = 0; u < pos.length; u++) if (!used[u]) spare.push(pos[u]!);
    const rng = new Rng(`dct-outguess-fix:${key}`);
    for (let i = spare.length - 1; i > 0 && open > 0; i--) {
      const j = Math.floor(rng.float() * (i + 1));
      const at = spare[j]!;
      spare[j] = spare[i]!;
      spare[i] = at;
      const v = all[at]!;
      const k = (v >> 1) + OFF;
      const d = excess[k]!;
      if ((d > 0 && (v & 1) === 0) || (d < 0 && (v & 1) === 1)) {
        all[at] = v ^ 1;
        excess[k] = d > 0 ? d - 1 : d + 1;
        open--;
      }
    }
  }
  unflatten(p.frame!, all);
  return { file: pack(p), changed: countChanged(cover, all), usable: pos.length, bitsEmbedded: walk.bytes * 8 };
}

function embedPm1(jpeg: Uint8Array, payload: Uint8Array, key: number): DctEmbedResult {
  const p = parse(jpeg);
  const all = flatten(p.frame!);
  const pos = usablePositions(all, pm1Usable);
  const walk = walkFor(pos.length, 'pm1', key, payload.length);
  if (!walk) throw noRoom('pm1');
  const bits = framedBits(payload, walk.bytes);
  const sign = new Rng(`dct-pm1-sign:${key}`);
  let changed = 0;
  for (let i = 0; i < bits.length; i++) {
    const at = pos[walk.positions[i]!]!;
    const v = all[at]!;
    if ((v & 1) === bits[i]) continue;
    // +-1 at random, away from zero at +-1 (never 0) and inward at the table's limit
    let w = sign.bool() ? v + 1 : v - 1;
    if (w === 0) w = v * 2;
    else if (w > AC_LIMIT || w < -AC_LIMIT) w = v > 0 ? v - 1 : v + 1;
    all[at] = w;
    changed++;
  }
  unflatten(p.frame!, all);
  return { file: pack(p), changed, usable: pos.length, bitsEmbedded: walk.bytes * 8 };
}

/**
 * Write `payload` into the JPEG's quantized DCT coefficients with one tool's method, and re-pack:
 *  - f5: f5stegojs's F5 (matrix encoding, shrinkage; luminance), key = UTF-8 of String(key);
 *  - jsteg: a 32-bit big-endian length then the payload, MSB first, sequentially into the LSBs of the
 *    AC coefficients that are not 0 or 1 (two's complement: -1 <-> -2, 2 <-> 3);
 *  - outguess: the same coefficients and framing on a key-seeded random walk, then the pair
 *    histogram (2k, 2k+1) restored by flipping unused coefficients;
 *  - pm1 (steghide/nsF5-like): the framing on a key-seeded walk over the non-zero AC coefficients,
 *    each bit made the LSB by +-1 at random (+-1 move away from zero, never to 0).
 * A payload larger than the image holds is cut to fit (`bitsEmbedded` says how much went in).
 * Throws E_INVALID_ARGUMENT when not even one byte fits, E_CORRUPT_IMAGE for an unreadable JPEG.
 */
export function embedDct(jpeg: Uint8Array, payload: Uint8Array, opts: DctEmbedOptions): DctEmbedResult {
  const key = checkOptions(payload, opts);
  switch (opts.tool) {
    case 'f5':
      return embedF5(jpeg, payload, key);
    case 'jsteg':
      return embedJsteg(jpeg, payload);
    case 'outguess':
      return embedOutguess(jpeg, payload, key);
    default:
      return embedPm1(jpeg, payload, key);
  }
}

/** Read back what embedDct wrote (with the same key): the payload, or null when the length read is impossible. */
export function extractDct(jpeg: Uint8Array, opts: { tool: DctTool; key?: number }): Uint8Array | null {
  if (!opts || !DCT_TOOLS.includes(opts.tool)) throw new StarlightError('E_INVALID_ARGUMENT', `tool: expected one of ${DCT_TOOLS.join(', ')}`);
  const key = opts.key ?? DEFAULT_KEY;
  if (opts.tool === 'f5') {
    const probe = parse(jpeg);
    const luma = lumaOf(probe.frame!);
    const mp = Math.max(luma.blocks.length, probe.frame!.scanLines * probe.frame!.samplesPerLine, 64);
    const F = F5();
    const st = new F(keyBytes(key), Math.ceil(mp / 64) * 64);
    try {
      return parse(jpeg, st).f5get().slice();
    } catch (e) {
      throw new StarlightError('E_CORRUPT_IMAGE', `f5 extraction failed: ${message(e)}`, { cause: e });
    }
  }
  const all = flatten(parse(jpeg).frame!);
  const pos = usablePositions(all, opts.tool === 'pm1' ? pm1Usable : lsbUsable);
  let positions: ArrayLike<number>;
  let len: number;
  const read = (ps: ArrayLike<number>): Uint8Array => Uint8Array.from({ length: ps.length }, (_, i) => all[pos[ps[i]!]!]! & 1);
  if (opts.tool === 'jsteg') {
    if (pos.length < HEADER_BITS) return null;
    const seq = Uint32Array.from({ length: pos.length }, (_, i) => i);
    const head = read(seq.subarray(0, HEADER_BITS));
    len = bitsToBytes(head, 0, 4).reduce((a, b) => a * 256 + b, 0);
    if (len < 1 || HEADER_BITS + len * 8 > pos.length) return null;
    positions = seq.subarray(HEADER_BITS, HEADER_BITS + len * 8);
  } else {
    const w = new Walk(pos.length, opts.tool, key);
    const head = w.header();
    if (!head) return null;
    len = bitsToBytes(read(head), 0, 4).reduce((a, b) => a * 256 + b, 0);
    if (len < 1 || len * 8 > w.left()) return null;
    positions = w.body(len * 8);
  }
  return bitsToBytes(read(positions), 0, len);
}

/** Parse and pack with no change: the clean counterpart of embedDct's output (same packer, same coefficients). */
export function repackJpeg(jpeg: Uint8Array): Uint8Array {
  return pack(parse(jpeg));
}

/** How much each tool can hold (bytes; outguess/pm1 for the given key; f5 is f5stegojs's estimate for its k = 1). */
export function dctCapacity(jpeg: Uint8Array, key: number = DEFAULT_KEY): DctCapacity {
  const p = parse(jpeg);
  const f = p.frame!;
  const all = flatten(f);
  let nonZeroAc = 0;
  let lsb = 0;
  let pm1 = 0;
  for (let i = 0; i < all.length; i++) {
    if ((i & 63) === 0) continue;
    const v = all[i]!;
    if (v !== 0) nonZeroAc++;
    if (lsbUsable(v)) lsb++;
    if (pm1Usable(v)) pm1++;
  }
  const luma = lumaOf(f);
  let f5Usable = 0;
  for (let i = 0; i < luma.blocks.length; i++) if ((i & 63) !== 0 && luma.blocks[i] !== 0) f5Usable++;
  const f5cap = p.analyze().capacity[1] ?? 0;
  const walked = (n: number, tool: DctTool): number => {
    const w = new Walk(n, tool, key);
    return w.header() ? Math.floor(w.left() / 8) : 0;
  };
  return {
    width: f.samplesPerLine,
    height: f.scanLines,
    nonZeroAc,
    usable: { f5: f5Usable, jsteg: lsb, outguess: lsb, pm1 },
    bytes: {
      f5: Math.max(0, f5cap - (f5cap - 2 < 32768 ? 2 : 3)),
      jsteg: Math.max(0, Math.floor((lsb - HEADER_BITS) / 8)),
      outguess: walked(lsb, 'outguess'),
      pm1: walked(pm1, 'pm1'),
    },
  };
}
