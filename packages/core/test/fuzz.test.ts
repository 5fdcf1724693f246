import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { unzlibSync, zlibSync } from 'fflate';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { extractStreams, StarlightError } from '../src/index.js';
import { FIXTURES, SHARED, requireShared } from './helpers/fixtures.js';

/**
 * Fuzzing extractStreams with mutated images.
 *
 * Seed files (small fixtures of every format and mode, plus a few synthesized PNG/GIF/BMP
 * variants the fixture set lacks: interlaced and low-bit-depth PNGs, RLE/bitfield/OS2 BMPs, a
 * GIF with a local colour table) are mutated with a seeded, per-case deterministic PRNG: bit
 * flips, interesting-value overwrites, truncation, splicing, duplicated/dropped ranges, swapped
 * PNG chunks / JPEG segments / GIF blocks / RIFF chunks, header-field edits, huge declared
 * dimensions (PNG CRC recomputed most of the time so the parser gets past the check) and
 * re-compressed PNG image data.
 *
 * Every case must either resolve with eight streams of the right shapes and finite, in-range
 * values (and an image within `maxPixels`), or reject with a StarlightError whose code is in
 * ERROR_CODES, within the per-case time limit.
 *
 * Cases run in worker threads (core is bundled from src with esbuild at start): a synchronous
 * infinite loop inside a decoder cannot be interrupted by a timer on the thread running it, but
 * a watchdog on this thread can terminate the worker (V8 interrupts running JS and wasm). The
 * workers also contain out-of-memory crashes. State corrupted by an earlier input is caught too:
 * after every JPEG/WebP case that failed, tiny pristine JPEG/WebP files must still decode the same
 * (else the case is reported as "poisoned"), and every 1000 cases a wider set of pristine "canary"
 * images is re-checked. Worker k runs cases k, k+W, k+2W…, so such state-dependent failures recur
 * at the same case on every run and can be replayed with the worker's history.
 *
 * The last describe block holds deterministic reproducers of src bugs the fuzzer found: they
 * fail until src is fixed (see KNOWN_BUGS).
 *
 * Environment:
 *   STARLIGHT_FUZZ_CASES    number of cases (default 10000)
 *   STARLIGHT_FUZZ_SEED     PRNG seed (default 0x5eed)
 *   STARLIGHT_FUZZ_ONLY     comma-separated case indices to run, in order (reproduce a failure), or
 *                           @test-output/fuzz/case-N.json to replay the worker history of case N
 *   STARLIGHT_FUZZ_REPLAY   comma-separated files to run as-is (e.g. test-output/fuzz/case-*.bin)
 *   STARLIGHT_FUZZ_LIMIT_MS per-case time limit (default 2000)
 *   STARLIGHT_FUZZ_WORKERS  worker threads (default: number of CPUs, at most 4)
 *   STARLIGHT_FUZZ_ALLOW_KNOWN=1  report failures matching KNOWN_BUGS without failing the test
 *
 * Failing inputs are written to test-output/fuzz/case-<index>.bin with a .json beside them.
 */

// ---------------------------------------------------------------------------------------------
// Configuration

const env = process.env;
const CASES = Number(env.STARLIGHT_FUZZ_CASES ?? 10_000);
const SEED = Number(env.STARLIGHT_FUZZ_SEED ?? 0x5eed) >>> 0;
const LIMIT_MS = Number(env.STARLIGHT_FUZZ_LIMIT_MS ?? 2000);
const WORKERS = Math.max(1, Number(env.STARLIGHT_FUZZ_WORKERS ?? Math.min(4, cpus().length)));
const ONLY = env.STARLIGHT_FUZZ_ONLY ? parseOnly(env.STARLIGHT_FUZZ_ONLY) : null;
const REPLAY = env.STARLIGHT_FUZZ_REPLAY ? env.STARLIGHT_FUZZ_REPLAY.split(',').map((s) => resolve(s.trim())) : null;
const ALLOW_KNOWN = env.STARLIGHT_FUZZ_ALLOW_KNOWN === '1';
/** "12,345" or "@test-output/fuzz/case-N.json" (that case's worker history, for state-dependent failures). */
function parseOnly(v: string): number[] {
  if (v.startsWith('@')) {
    const j = JSON.parse(readFileSync(resolve(v.slice(1)), 'utf8')) as { index: number; outcome: { history?: number[] } };
    return j.outcome.history ?? [j.index];
  }
  return v.split(',').map((s) => Number(s.trim()));
}
/**
 * No answer after this long and the worker is terminated: a hang. Cases that finish after the
 * limit but before this are reported as slow, with their measured time.
 */
const HANG_MS = Math.max(3 * LIMIT_MS, 15_000);
/** Pristine images are re-checked in each worker this often (and at the end). */
const CANARY_EVERY = 1000;
const MODEST_MAX_PIXELS = 4_000_000;

const CORE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(CORE_DIR, 'test-output/fuzz');

/**
 * Bugs the fuzzer found in src that are not fixed yet. A failure whose text matches one of these
 * is still reported (and fails the test), marked KNOWN, unless STARLIGHT_FUZZ_ALLOW_KNOWN=1.
 * Remove an entry once src is fixed.
 */
const KNOWN_BUGS: { id: string; match: RegExp; note: string }[] = [
  {
    id: 'BUG-1 jpeg-wasm-poisoned',
    match: /^poisoned .*JPEG decoder/,
    note:
      'every libjpeg fatal error (error_exit -> exit()) leaves the shared mozjpeg wasm instance a little more broken; ' +
      'after ~70-100 of them every JPEG fails. Fix: in decoders/wasm.ts, drop the instance after any throw and re-init it.',
  },
  {
    id: 'BUG-3 slow-under-default-limits',
    match: /^slow .*default limits/,
    note: 'a few-KB file declaring ~100 MP (allowed by the default maxPixels) takes seconds and ~1 GB to decode',
  },
];

// ---------------------------------------------------------------------------------------------
// Deterministic PRNG (sfc32 seeded through splitmix32 from the run seed and the case index)

function splitmix32(a: number): () => number {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number, stream: number) {
    const sm = splitmix32(seed ^ Math.imul(stream + 1, 0x27d4eb2f));
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor((this.u32() / 4294967296) * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  /** An offset into a buffer of `len` bytes, biased towards the headers where parsers branch. */
  offset(len: number): number {
    const r = this.int(10);
    if (r < 5) return this.int(Math.min(len, 64));
    if (r < 7) return this.int(Math.min(len, 600));
    return this.int(len);
  }
}

// ---------------------------------------------------------------------------------------------
// Byte helpers

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(b: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const u16be = (b: Uint8Array, o: number): number => ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
const u32be = (b: Uint8Array, o: number): number => (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;
const u32le = (b: Uint8Array, o: number): number => (((b[o + 3] ?? 0) << 24) | ((b[o + 2] ?? 0) << 16) | ((b[o + 1] ?? 0) << 8) | (b[o] ?? 0)) >>> 0;

/** Write `v` as `n` bytes (little- or big-endian) at `o`, ignoring bytes past the end. */
function put(b: Uint8Array, o: number, n: number, v: number, le: boolean): void {
  for (let i = 0; i < n; i++) {
    const byte = Math.floor(v / 2 ** (8 * i)) & 0xff;
    const at = le ? o + i : o + n - 1 - i;
    if (at >= 0 && at < b.length) b[at] = byte;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

// ---------------------------------------------------------------------------------------------
// Structure walkers (lenient: they only need to find units in well-formed seeds)

type Format = 'png' | 'gif' | 'jpeg' | 'webp' | 'bmp';

interface Unit {
  start: number;
  end: number;
  label: string;
}

function pngChunks(b: Uint8Array): Unit[] {
  const out: Unit[] = [];
  let o = 8;
  while (o + 12 <= b.length) {
    const len = u32be(b, o);
    const end = o + 12 + len;
    if (end > b.length) break;
    out.push({ start: o, end, label: String.fromCharCode(...b.subarray(o + 4, o + 8)) });
    o = end;
  }
  return out;
}

/** Recompute every CRC of chunks that fit in the file. */
function fixPngCrcs(b: Uint8Array): void {
  for (const c of pngChunks(b)) put(b, c.end - 4, 4, crc32(b, c.start + 4, c.end - 4), false);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const c = new Uint8Array(12 + data.length);
  put(c, 0, 4, data.length, false);
  c.set(ascii(type), 4);
  c.set(data, 8);
  put(c, 8 + data.length, 4, crc32(c, 4, 8 + data.length), false);
  return c;
}

/** JPEG segments up to and including the scan data; the scan runs to the next real marker. */
function jpegSegments(b: Uint8Array): Unit[] {
  const out: Unit[] = [];
  let o = 2;
  while (o + 1 < b.length) {
    if (b[o] !== 0xff) break;
    const m = b[o + 1]!;
    if (m === 0xff) {
      o++;
      continue;
    }
    if (m === 0xd9) {
      out.push({ start: o, end: o + 2, label: 'EOI' });
      break;
    }
    if (m === 0xd8 || (m >= 0xd0 && m <= 0xd7)) {
      o += 2;
      continue;
    }
    let end = o + 2 + u16be(b, o + 2);
    if (end > b.length) break;
    if (m === 0xda) {
      while (end + 1 < b.length && !(b[end] === 0xff && b[end + 1] !== 0 && !(b[end + 1]! >= 0xd0 && b[end + 1]! <= 0xd7))) end++;
    }
    out.push({ start: o, end, label: `FF${m.toString(16).toUpperCase()}` });
    o = end;
  }
  return out;
}

function gifBlocks(b: Uint8Array): Unit[] {
  const out: Unit[] = [];
  if (b.length < 13) return out;
  let o = 13 + (b[10]! & 0x80 ? 3 << ((b[10]! & 7) + 1) : 0);
  const subBlocks = (p: number): number => {
    while (p < b.length) {
      const n = b[p]!;
      p += 1 + n;
      if (n === 0) return p;
    }
    return -1;
  };
  while (o < b.length) {
    const t = b[o]!;
    if (t === 0x3b) {
      out.push({ start: o, end: o + 1, label: 'trailer' });
      break;
    }
    let end: number;
    if (t === 0x21) end = subBlocks(o + 2);
    else if (t === 0x2c) {
      const ff = b[o + 9] ?? 0;
      end = subBlocks(o + 10 + (ff & 0x80 ? 3 << ((ff & 7) + 1) : 0) + 1);
    } else break;
    if (end < 0) break;
    out.push({ start: o, end, label: t === 0x21 ? `ext${(b[o + 1] ?? 0).toString(16)}` : 'image' });
    o = end;
  }
  return out;
}

function riffChunks(b: Uint8Array, from = 12, to = b.length): Unit[] {
  const out: Unit[] = [];
  let o = from;
  while (o + 8 <= to) {
    const size = u32le(b, o + 4);
    const end = o + 8 + size + (size & 1);
    if (end > to) break;
    out.push({ start: o, end, label: String.fromCharCode(...b.subarray(o, o + 4)) });
    o = end;
  }
  return out;
}

function units(b: Uint8Array, f: Format): Unit[] {
  switch (f) {
    case 'png':
      return pngChunks(b);
    case 'jpeg':
      return jpegSegments(b);
    case 'gif':
      return gifBlocks(b);
    case 'webp':
      return riffChunks(b);
    case 'bmp':
      return [];
  }
}

/** Fix the RIFF size after a structural edit (sometimes: a wrong size is a mutation too). */
function fixRiff(b: Uint8Array): void {
  if (b.length >= 8) put(b, 4, 4, b.length - 8, true);
}

// ---------------------------------------------------------------------------------------------
// Mutations

interface Ctx {
  rng: Rng;
  format: Format;
  seeds: Seed[];
  notes: string[];
}

type Mutator = (b: Uint8Array, c: Ctx) => Uint8Array;

const INTERESTING_8 = [0, 0xff, 0x7f, 0x80, 1, 0xfe];
const INTERESTING_16 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x4000, 0x7fff, 0x8000, 0xfffe, 0xffff];
const INTERESTING_32 = [0, 1, 0x7f, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

const bitflip: Mutator = (b, c) => {
  const out = b.slice();
  const n = c.rng.pick([1, 1, 2, 4, 8, 32]);
  const at: number[] = [];
  for (let i = 0; i < n && out.length; i++) {
    const o = c.rng.offset(out.length);
    out[o]! ^= 1 << c.rng.int(8);
    at.push(o);
  }
  c.notes.push(`bitflip x${n} @${at.slice(0, 6).join(',')}${at.length > 6 ? ',…' : ''}`);
  return out;
};

const interesting: Mutator = (b, c) => {
  const out = b.slice();
  if (!out.length) return out;
  const width = c.rng.pick([1, 1, 1, 2, 4]);
  const n = c.rng.range(1, 4);
  const desc: string[] = [];
  for (let i = 0; i < n; i++) {
    const o = c.rng.offset(out.length);
    const v = c.rng.pick(width === 1 ? INTERESTING_8 : width === 2 ? INTERESTING_16 : INTERESTING_32);
    const le = c.rng.chance(0.5);
    put(out, o, width, v, le);
    desc.push(`${hex(v)}@${o}`);
  }
  c.notes.push(`overwrite${width * 8} ${desc.join(',')}`);
  return out;
};

const truncate: Mutator = (b, c) => {
  const r = c.rng.int(4);
  const at = r === 0 ? c.rng.int(Math.min(b.length, 64)) : r === 1 ? Math.max(0, b.length - 1 - c.rng.int(16)) : c.rng.int(b.length);
  c.notes.push(`truncate @${at}/${b.length}`);
  return b.slice(0, at);
};

const splice: Mutator = (b, c) => {
  const donor = c.rng.chance(0.5) ? c.seeds.filter((s) => s.format === c.format) : c.seeds;
  const d = c.rng.pick(donor.length ? donor : c.seeds);
  const len = c.rng.range(1, Math.min(d.bytes.length, c.rng.pick([4, 16, 256, 4096])));
  const from = c.rng.int(d.bytes.length - len + 1);
  const at = c.rng.offset(b.length + 1);
  const replace = c.rng.chance(0.5);
  c.notes.push(`splice ${replace ? 'over' : 'insert'} ${d.name}[${from}+${len}] @${at}`);
  if (replace) {
    const out = b.slice();
    out.set(d.bytes.subarray(from, from + Math.min(len, out.length - at)), at);
    return out;
  }
  return concat(b.subarray(0, at), d.bytes.subarray(from, from + len), b.subarray(at));
};

const dupRange: Mutator = (b, c) => {
  const a = c.rng.offset(b.length);
  const len = c.rng.range(1, Math.max(1, Math.min(b.length - a, c.rng.pick([2, 8, 64, 1024]))));
  const times = c.rng.pick([1, 1, 2, 16]);
  c.notes.push(`dup [${a}+${len}] x${times}`);
  const parts = [b.subarray(0, a + len)];
  for (let i = 0; i < times; i++) parts.push(b.subarray(a, a + len));
  parts.push(b.subarray(a + len));
  return concat(...parts);
};

const dropRange: Mutator = (b, c) => {
  const a = c.rng.offset(b.length);
  const len = c.rng.range(1, Math.max(1, Math.min(b.length - a, c.rng.pick([1, 4, 64, 1024]))));
  c.notes.push(`drop [${a}+${len}]`);
  return concat(b.subarray(0, a), b.subarray(a + len));
};

/** Swap, duplicate or drop whole PNG chunks / JPEG segments / GIF blocks / RIFF chunks. */
const structural: Mutator = (b, c) => {
  const us = units(b, c.format);
  if (us.length < 2) return bitflip(b, c);
  const first = us[0]!.start;
  const last = us[us.length - 1]!.end;
  const list = us.map((u) => b.subarray(u.start, u.end));
  const i = c.rng.int(list.length);
  const j = c.rng.int(list.length);
  const op = c.rng.pick(['swap', 'dup', 'drop', 'move'] as const);
  if (op === 'swap') [list[i], list[j]] = [list[j]!, list[i]!];
  else if (op === 'dup') list.splice(j, 0, list[i]!);
  else if (op === 'drop') list.splice(i, 1);
  else list.splice(j, 0, ...list.splice(i, 1));
  c.notes.push(`${op} ${c.format} unit ${us[i]!.label}#${i}${op === 'drop' ? '' : ` / #${j} ${us[j]!.label}`}`);
  const out = concat(b.subarray(0, first), ...list, b.subarray(last));
  if (c.format === 'webp' && c.rng.chance(0.7)) fixRiff(out);
  return out;
};

/** Where a format declares its dimensions: [offset, byte width, little-endian, name]. */
function dimensionFields(b: Uint8Array, f: Format): [number, number, boolean, string][] {
  const out: [number, number, boolean, string][] = [];
  switch (f) {
    case 'png':
      out.push([16, 4, false, 'IHDR.width'], [20, 4, false, 'IHDR.height']);
      break;
    case 'gif': {
      out.push([6, 2, true, 'screen.width'], [8, 2, true, 'screen.height']);
      const img = gifBlocks(b).find((u) => u.label === 'image');
      if (img) {
        out.push([img.start + 1, 2, true, 'frame.x'], [img.start + 3, 2, true, 'frame.y']);
        out.push([img.start + 5, 2, true, 'frame.width'], [img.start + 7, 2, true, 'frame.height']);
      }
      break;
    }
    case 'jpeg': {
      const sof = jpegSegments(b).find((u) => /^FFC[0-35-79ABD-F]$/.test(u.label));
      if (sof) out.push([sof.start + 5, 2, false, `${sof.label}.height`], [sof.start + 7, 2, false, `${sof.label}.width`]);
      break;
    }
    case 'bmp':
      if (u32le(b, 14) === 12) out.push([18, 2, true, 'core.width'], [20, 2, true, 'core.height']);
      else out.push([18, 4, true, 'info.width'], [22, 4, true, 'info.height']);
      break;
    case 'webp':
      for (const u of riffChunks(b)) {
        const d = u.start + 8;
        if (u.label === 'VP8X') out.push([d + 4, 3, true, 'VP8X.canvasWidth-1'], [d + 7, 3, true, 'VP8X.canvasHeight-1']);
        if (u.label === 'VP8 ') out.push([d + 6, 2, true, 'VP8.width'], [d + 8, 2, true, 'VP8.height']);
        if (u.label === 'VP8L') out.push([d + 1, 4, true, 'VP8L.dims']);
        if (u.label === 'ANMF') {
          out.push([d + 6, 3, true, 'ANMF.width-1'], [d + 9, 3, true, 'ANMF.height-1'], [d, 3, true, 'ANMF.x/2']);
          for (const s of riffChunks(b, d + 16, u.end)) {
            if (s.label === 'VP8 ') out.push([s.start + 14, 2, true, 'ANMF.VP8.width'], [s.start + 16, 2, true, 'ANMF.VP8.height']);
            if (s.label === 'VP8L') out.push([s.start + 9, 4, true, 'ANMF.VP8L.dims']);
          }
        }
      }
      break;
  }
  return out;
}

/** Overwrite declared width/height with large (or degenerate) values. */
const hugeDims: Mutator = (b, c) => {
  const fields = dimensionFields(b, c.format);
  if (!fields.length) return interesting(b, c);
  const out = b.slice();
  const n = c.rng.chance(0.5) ? 1 : fields.length;
  const desc: string[] = [];
  for (let k = 0; k < n; k++) {
    const [o, w, le, name] = n === 1 ? c.rng.pick(fields) : fields[k]!;
    const max = 2 ** (8 * w) - 1;
    const big = [max, max >>> 1, Math.floor(max / 2) + 1, 0x3fff, 0x4000, 10_000, 46_341, 65_535, 100_000, 1_000_000];
    const pool = c.rng.chance(0.85) ? big : [0, 1, 2, c.rng.int(max + 1)];
    const v = Math.min(max, c.rng.pick(pool));
    put(out, o, w, v, le);
    desc.push(`${name}=${v}`);
  }
  let fixed = '';
  if (c.format === 'png' && c.rng.chance(0.8)) {
    fixPngCrcs(out);
    fixed = ' (CRC fixed)';
  }
  c.notes.push(`huge ${desc.join(' ')}${fixed}`);
  return out;
};

/** Header fields other than dimensions: bit depths, colour types, flags, code sizes, masks. */
const headerField: Mutator = (b, c) => {
  const out = b.slice();
  const r = c.rng;
  let desc = '';
  const set = (o: number, w: number, le: boolean, v: number, name: string): void => {
    put(out, o, w, v, le);
    desc = `${name}=${hex(v)}`;
  };
  switch (c.format) {
    case 'png': {
      const k = r.int(6);
      if (k === 0) set(24, 1, false, r.pick([0, 1, 2, 3, 4, 5, 8, 16, 32, 255]), 'IHDR.depth');
      else if (k === 1) set(25, 1, false, r.pick([0, 1, 2, 3, 4, 5, 6, 7, 255]), 'IHDR.colorType');
      else if (k === 2) set(28, 1, false, r.pick([0, 1, 2, 255]), 'IHDR.interlace');
      else if (k === 3) set(26, 2, false, r.pick([0x0101, 0xffff]), 'IHDR.compression/filter');
      else {
        // A chunk length field.
        const cs = pngChunks(out);
        const ch = cs.length ? r.pick(cs) : null;
        if (ch) set(ch.start, 4, false, r.pick([0, 1, 12, 0x7fffffff, 0x80000000, 0xffffffff, ch.end - ch.start, u32be(out, ch.start) + r.range(-3, 3)]), `${ch.label}.length`);
      }
      if (r.chance(0.8)) {
        fixPngCrcs(out);
        desc += ' (CRC fixed)';
      }
      break;
    }
    case 'gif': {
      const img = gifBlocks(out).find((u) => u.label === 'image');
      const k = r.int(img ? 4 : 1);
      if (k === 0) set(10, 1, false, r.pick([0, 0x80, 0x87, 0xf7, 0xff, out[10]! ^ 0x80]), 'screen.flags');
      else if (k === 1) set(img!.start + 9, 1, false, r.pick([0, 0x40, 0x80, 0x87, 0xc7, 0xff]), 'frame.flags');
      else if (k === 2) {
        const ff = out[img!.start + 9]!;
        const lzwAt = img!.start + 10 + (ff & 0x80 ? 3 << ((ff & 7) + 1) : 0);
        set(lzwAt, 1, false, r.pick([0, 1, 2, 7, 8, 11, 12, 13, 255]), 'lzw.minCodeSize');
      } else {
        const gce = gifBlocks(out).find((u) => u.label === 'extf9');
        if (gce) set(gce.start + 3, 1, false, r.pick([0, 1, 0xff]), 'gce.flags');
      }
      break;
    }
    case 'jpeg': {
      const segs = jpegSegments(out);
      const sof = segs.find((u) => /^FFC[0-35-79ABD-F]$/.test(u.label));
      const k = r.int(4);
      if (sof && k === 0) set(sof.start + 9, 1, false, r.pick([0, 1, 2, 3, 4, 5, 255]), 'SOF.components');
      else if (sof && k === 1) set(sof.start + 1, 1, false, r.pick([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc9, 0xcf, 0xc4, 0xdb]), 'SOF.marker');
      else if (sof && k === 2) set(sof.start + 11, 1, false, r.pick([0x00, 0x11, 0x22, 0x44, 0x41, 0x14, 0xff]), 'SOF.sampling');
      else if (segs.length) {
        const s = r.pick(segs);
        set(s.start + 2, 2, false, r.pick([0, 1, 2, 3, 0xffff, 0x8000, u16be(out, s.start + 2) + r.range(-3, 3)]), `${s.label}.length`);
      }
      break;
    }
    case 'bmp': {
      const k = r.int(7);
      if (k === 0) set(28, 2, true, r.pick([0, 1, 2, 4, 8, 15, 16, 24, 32, 64, 0xffff]), 'bits');
      else if (k === 1) set(30, 4, true, r.pick([0, 1, 2, 3, 4, 5, 6, 0xffffffff]), 'compression');
      else if (k === 2) set(14, 4, true, r.pick([0, 12, 16, 40, 52, 56, 64, 108, 124, 125, 0xffffffff]), 'headerSize');
      else if (k === 3) set(10, 4, true, r.pick([0, 14, 54, out.length, out.length + 1, 0x7fffffff, 0xffffffff]), 'dataOffset');
      else if (k === 4) set(46, 4, true, r.pick([0, 1, 2, 16, 256, 257, 0xffffffff]), 'colorsUsed');
      else if (k === 5) set(54 + 4 * r.int(4), 4, true, r.pick([0, 1, 0x80000000, 0xffffffff, 0xff000000, 0x0000ffff, 0x00ff00ff]), 'mask');
      else set(2, 4, true, r.pick([0, 1, 0xffffffff]), 'fileSize');
      break;
    }
    case 'webp': {
      const cs = riffChunks(out);
      const k = r.int(3);
      const x = cs.find((u) => u.label === 'VP8X');
      if (k === 0) set(4, 4, true, r.pick([0, 4, 12, 0x7fffffff, 0xffffffff, out.length - 8 + r.range(-9, 9)]), 'RIFF.size');
      else if (k === 1 && x) set(x.start + 8, 1, false, r.pick([0, 0x02, 0x10, 0x12, 0x3e, 0xff]), 'VP8X.flags');
      else if (cs.length) {
        const ch = r.pick(cs);
        set(ch.start + 4, 4, true, r.pick([0, 1, 9, 0x7fffffff, 0xffffffff, u32le(out, ch.start + 4) + r.range(-3, 3)]), `${ch.label}.size`);
      }
      break;
    }
  }
  c.notes.push(`field ${desc || '(none)'}`);
  return out;
};

/** Re-compress PNG image data after mutating it (filter bytes, lengths): reaches unfilter and the samplers. */
const pngIdat: Mutator = (b, c) => {
  if (c.format !== 'png') return bitflip(b, c);
  const cs = pngChunks(b);
  const idat = cs.filter((u) => u.label === 'IDAT');
  if (!idat.length) return bitflip(b, c);
  let raw: Uint8Array;
  try {
    raw = unzlibSync(concat(...idat.map((u) => b.subarray(u.start + 8, u.end - 4))));
  } catch {
    return bitflip(b, c);
  }
  const r = c.rng;
  const k = r.int(4);
  let desc: string;
  if (k === 0) {
    // Filter bytes (at row starts when not interlaced).
    const w = u32be(b, 16);
    const bits = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[b[25]!] ?? 1;
    const stride = Math.ceil((w * bits * b[24]!) / 8) + 1;
    const n = r.range(1, 4);
    const ats: number[] = [];
    for (let i = 0; i < n; i++) {
      const at = b[28] ? r.int(raw.length) : stride * r.int(Math.max(1, Math.floor(raw.length / stride)));
      raw[at] = r.pick([0, 1, 2, 3, 4, 5, 0x80, 0xff]);
      ats.push(at);
    }
    desc = `filter bytes @${ats.join(',')}`;
  } else if (k === 1) {
    const at = r.int(raw.length);
    desc = `short data ${at}/${raw.length}`;
    raw = raw.slice(0, at);
  } else if (k === 2) {
    const extra = r.pick([1, 100, 100_000]);
    raw = concat(raw, new Uint8Array(extra).fill(r.pick([0, 4, 0xff])));
    desc = `long data +${extra}`;
  } else {
    for (let i = 0; i < 8; i++) raw[r.int(raw.length)] = r.int(256);
    desc = 'random samples';
  }
  const z = zlibSync(raw, { level: 1 });
  c.notes.push(`png-idat ${desc}`);
  const before = b.subarray(0, idat[0]!.start);
  const after = b.subarray(idat[idat.length - 1]!.end);
  return concat(before, pngChunk('IDAT', z), after);
};

const MUTATORS: [Mutator, number][] = [
  [bitflip, 18],
  [interesting, 14],
  [truncate, 10],
  [splice, 8],
  [dupRange, 6],
  [dropRange, 6],
  [structural, 10],
  [hugeDims, 14],
  [headerField, 14],
  [pngIdat, 4],
];
const MUTATOR_TOTAL = MUTATORS.reduce((n, [, w]) => n + w, 0);

function pickMutator(r: Rng): Mutator {
  let x = r.int(MUTATOR_TOTAL);
  for (const [m, w] of MUTATORS) {
    if ((x -= w) < 0) return m;
  }
  return bitflip;
}

// ---------------------------------------------------------------------------------------------
// Seeds: small fixtures of every format and mode, plus synthesized variants

interface Seed {
  name: string;
  format: Format;
  bytes: Uint8Array;
}

const FIXTURE_SEEDS: string[] = [
  // PNG: RGB, RGBA, 1-bit, L, LA, I;16, 16-bit RGB, P (2/4-bit), tRNS, eXIf, tails
  'edge_1x1_rgb.png',
  'edge_tiny_tail.png',
  'edge_1bit.png',
  'edge_gray16.png',
  'edge_31x29_rgba.png',
  'edge_40x40_rgba.png',
  'edge_p4_lum_vs_index.png',
  'edge_p_trns.png',
  'edge_rgb16.png',
  'edge_rgb_trns.png',
  'edge_la.png',
  'edge_exif_chunk.png',
  'edge_len1000_tail.png',
  // GIF: interlaced, transparency, multi-frame, identity grey ramp, tails
  'edge_gif_trns.gif',
  'edge_gif_tail.gif',
  'edge_gif_tail_nosemi.gif',
  'edge_multiframe.gif',
  'edge_gif_4colors.gif',
  'edge_gray_identity.gif',
  // JPEG: baseline 4:2:0 / 4:2:2 / 4:4:4, progressive, grey, CMYK, MPO, EXIF
  'edge_jpeg_tail_ffd9.jpg',
  'clean-0266.jpeg',
  'edge_422.jpg',
  'edge_444.jpg',
  'edge_progressive.jpg',
  'edge_gray.jpg',
  'edge_cmyk.jpg',
  'edge_mpo_tail.jpg',
  'edge_jpeg_bigexif.jpg',
  // WebP: VP8L, VP8, VP8X + ALPH (lossy alpha), lossless alpha, animation, EXIF
  'edge_webp_tail60.webp',
  'edge_lossy.webp',
  'edge_lossy_alpha.webp',
  'edge_lossless_alpha.webp',
  'edge_animated.webp',
  'edge_webp_exif_tail.webp',
  // BMP: L, P, RGB 24-bit, tail
  'edge_gray8.bmp',
  'edge_p8.bmp',
  'edge_rgb24.bmp',
  'edge_bmp_tail.bmp',
  // Already-bad files make good seeds too
  'bad_truncated_jpg.jpg',
  'bad_truncated_webp.webp',
];
/** A small VP8L file from the clean sample set. */
const SAMPLE_SEEDS = ['clean-0115.webp'];

function sniff(b: Uint8Array): Format {
  if (b[0] === 0x89 && b[1] === 0x50) return 'png';
  if (b[0] === 0xff && b[1] === 0xd8) return 'jpeg';
  if (b[0] === 0x47 && b[1] === 0x49) return 'gif';
  if (b[0] === 0x52 && b[1] === 0x49) return 'webp';
  return 'bmp';
}

/** A tiny pixel source: smooth gradient plus noise, deterministic. */
function samples(w: number, h: number, ch: number, max: number, seed: number): number[] {
  const r = new Rng(seed, 0);
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < ch; c++) out.push(Math.min(max, Math.floor((((x * (c + 1) + y * 3) % (w + h)) / (w + h)) * max + r.int(3))));
    }
  }
  return out;
}

/** PNG encoder for seeds: any colour type and depth, Adam7, a different filter per row. */
function encodePng(w: number, h: number, colorType: number, depth: number, interlace: boolean, seed: number, plteN = 0): Uint8Array {
  const ch = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType]!;
  const max = colorType === 3 ? Math.max(1, Math.min(2 ** depth, plteN + 2) - 1) : 2 ** depth - 1;
  const px = samples(w, h, ch, max, seed);
  const bpp = Math.max(1, (ch * depth) >> 3);
  const passes = interlace
    ? [
        [0, 0, 8, 8],
        [4, 0, 8, 8],
        [0, 4, 4, 8],
        [2, 0, 4, 4],
        [0, 2, 2, 4],
        [1, 0, 2, 2],
        [0, 1, 1, 2],
      ]
    : [[0, 0, 1, 1]];
  const rows: number[] = [];
  let filter = seed;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((w - x0!) / dx!);
    const ph = Math.ceil((h - y0!) / dy!);
    if (pw <= 0 || ph <= 0) continue;
    const rb = Math.ceil((pw * ch * depth) / 8);
    let prev = new Uint8Array(rb);
    for (let y = 0; y < ph; y++) {
      const line = new Uint8Array(rb);
      let bit = 0;
      for (let x = 0; x < pw; x++) {
        for (let c = 0; c < ch; c++) {
          const v = px[((y0! + y * dy!) * w + x0! + x * dx!) * ch + c]!;
          if (depth === 16) {
            line[bit >> 3] = v >> 8;
            line[(bit >> 3) + 1] = v & 255;
          } else if (depth === 8) line[bit >> 3] = v;
          else line[bit >> 3]! |= v << (8 - depth - (bit & 7));
          bit += depth;
        }
      }
      const f = filter++ % 5;
      rows.push(f);
      for (let i = 0; i < rb; i++) {
        const a = i >= bpp ? line[i - bpp]! : 0;
        const up = prev[i]!;
        const cc = i >= bpp ? prev[i - bpp]! : 0;
        const p = a + up - cc;
        const pred = [0, a, up, (a + up) >> 1, Math.abs(p - a) <= Math.abs(p - up) && Math.abs(p - a) <= Math.abs(p - cc) ? a : Math.abs(p - up) <= Math.abs(p - cc) ? up : cc][f]!;
        rows.push((line[i]! - pred) & 255);
      }
      prev = line;
    }
  }
  const ihdr = new Uint8Array(13);
  put(ihdr, 0, 4, w, false);
  put(ihdr, 4, 4, h, false);
  ihdr.set([depth, colorType, 0, 0, interlace ? 1 : 0], 8);
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), pngChunk('IHDR', ihdr)];
  if (colorType === 3) parts.push(pngChunk('PLTE', Uint8Array.from(samples(plteN, 1, 3, 255, seed + 1))));
  parts.push(pngChunk('IDAT', zlibSync(Uint8Array.from(rows))), pngChunk('IEND', new Uint8Array(0)));
  return concat(...parts);
}

/** BMP encoder for seeds: 1/4/8-bit (optionally RLE), 16/24/32-bit, bitfields, OS/2 and V4 headers, top-down. */
function encodeBmp(o: { w: number; h: number; bits: number; rle?: boolean; masks?: number[]; core?: boolean; topDown?: boolean; grey?: boolean; seed: number }): Uint8Array {
  const { w, h, bits } = o;
  const hsize = o.core ? 12 : o.masks && o.masks.length === 4 ? 108 : 40;
  const colors = bits <= 8 ? 1 << bits : 0;
  const entry = o.core ? 3 : 4;
  const maskBytes = o.masks && hsize === 40 ? 12 : 0;
  const px = samples(w, h, bits <= 8 ? 1 : 4, bits <= 8 ? colors - 1 : 255, o.seed);
  const stride = Math.floor((w * bits + 31) / 32) * 4;
  let data: Uint8Array;
  if (o.rle) {
    const out: number[] = [];
    for (let y = h - 1; y >= 0; y--) {
      for (let x = 0; x < w; ) {
        const v = px[y * w + x]!;
        let n = 1;
        while (x + n < w && n < 255 && px[y * w + x + n] === v) n++;
        if (n >= 3 || (y + x) % 3) out.push(n, bits === 4 ? (v << 4) | v : v);
        else {
          // An absolute run of n (at least 3) literal pixels.
          const lit = Math.min(w - x, Math.max(3, n));
          n = lit;
          out.push(0, lit);
          const bytes: number[] = [];
          for (let i = 0; i < lit; i++) {
            const p = px[y * w + x + i]!;
            if (bits === 4) {
              if (i & 1) bytes[bytes.length - 1]! |= p;
              else bytes.push(p << 4);
            } else bytes.push(p);
          }
          out.push(...bytes);
          if (bytes.length & 1) out.push(0);
        }
        x += n;
      }
      out.push(0, 0);
    }
    out.push(0, 1);
    data = Uint8Array.from(out);
  } else {
    data = new Uint8Array(stride * h);
    for (let y = 0; y < h; y++) {
      const row = (o.topDown ? y : h - 1 - y) * stride;
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (bits <= 8) {
          const v = px[i]!;
          const bitPos = x * bits;
          data[row + (bitPos >> 3)]! |= v << (8 - bits - (bitPos & 7));
        } else if (bits === 24) data.set([px[4 * i]!, px[4 * i + 1]!, px[4 * i + 2]!], row + 3 * x);
        else if (bits === 16) put(data, row + 2 * x, 2, ((px[4 * i]! >> 3) << 10) | ((px[4 * i + 1]! >> 3) << 5) | (px[4 * i + 2]! >> 3), true);
        else put(data, row + 4 * x, 4, ((px[4 * i + 3]! << 24) | (px[4 * i]! << 16) | (px[4 * i + 1]! << 8) | px[4 * i + 2]!) >>> 0, true);
      }
    }
  }
  const offset = 14 + hsize + maskBytes + colors * entry;
  const b = new Uint8Array(offset + data.length);
  b.set(ascii('BM'));
  put(b, 2, 4, b.length, true);
  put(b, 10, 4, offset, true);
  put(b, 14, 4, hsize, true);
  if (o.core) {
    put(b, 18, 2, w, true);
    put(b, 20, 2, h, true);
    put(b, 22, 2, 1, true);
    put(b, 24, 2, bits, true);
  } else {
    put(b, 18, 4, w, true);
    put(b, 22, 4, o.topDown ? -h >>> 0 : h, true);
    put(b, 26, 2, 1, true);
    put(b, 28, 2, bits, true);
    put(b, 30, 4, o.rle ? (bits === 8 ? 1 : 2) : o.masks ? 3 : 0, true);
    put(b, 34, 4, data.length, true);
    put(b, 46, 4, colors, true);
    if (o.masks) o.masks.forEach((m, k) => put(b, 54 + 4 * k, 4, m, true));
  }
  const pal = samples(colors, 1, 3, 255, o.seed + 7);
  for (let i = 0; i < colors; i++) {
    const g = o.grey ? (colors === 2 ? i * 255 : i) : -1;
    const at = 14 + hsize + maskBytes + i * entry;
    b.set(g >= 0 ? [g, g, g] : [pal[3 * i + 2]!, pal[3 * i + 1]!, pal[3 * i]!], at);
  }
  b.set(data, offset);
  return b;
}

/** GIF encoder for seeds (real LZW, optional local colour table and interlacing). */
function encodeGif(w: number, h: number, o: { lct: boolean; interlace: boolean; minCode: number; seed: number }): Uint8Array {
  const colors = 1 << o.minCode;
  const px = samples(w, h, 1, colors - 1, o.seed);
  const order: number[] = [];
  if (o.interlace) for (const [s, st] of [[0, 8], [4, 8], [2, 4], [1, 2]] as const) for (let y = s; y < h; y += st) order.push(y);
  else for (let y = 0; y < h; y++) order.push(y);
  const idx = order.flatMap((y) => px.slice(y * w, y * w + w));
  const codes = lzwEncode(idx, o.minCode);
  const subs: number[] = [];
  for (let i = 0; i < codes.length; i += 255) {
    const part = codes.slice(i, i + 255);
    subs.push(part.length, ...part);
  }
  subs.push(0);
  const table = Array.from(samples(colors, 1, 3, 255, o.seed + 3));
  const hdr = [...ascii('GIF89a'), w & 255, w >> 8, h & 255, h >> 8, o.lct ? 0 : 0x80 | (o.minCode - 1), 0, 0];
  const gct = o.lct ? [] : table;
  const gce = [0x21, 0xf9, 4, 1, 0, 0, 1, 0];
  const desc = [0x2c, 0, 0, 0, 0, w & 255, w >> 8, h & 255, h >> 8, (o.lct ? 0x80 | (o.minCode - 1) : 0) | (o.interlace ? 0x40 : 0)];
  return Uint8Array.from([...hdr, ...gct, ...gce, ...desc, ...(o.lct ? table : []), o.minCode, ...subs, 0x3b]);
}

function lzwEncode(idx: number[], minCode: number): number[] {
  const clear = 1 << minCode;
  const out: number[] = [];
  let acc = 0;
  let nbits = 0;
  let size = minCode + 1;
  const emit = (code: number): void => {
    acc |= code << nbits;
    nbits += size;
    while (nbits >= 8) {
      out.push(acc & 255);
      acc >>>= 8;
      nbits -= 8;
    }
  };
  let dict = new Map<string, number>();
  let next = clear + 2;
  emit(clear);
  let cur = String(idx[0]);
  for (let i = 1; i < idx.length; i++) {
    const k = `${cur},${idx[i]}`;
    if (dict.has(k)) {
      cur = k;
      continue;
    }
    emit(cur.includes(',') ? dict.get(cur)! : Number(cur));
    if (next < 4096) {
      dict.set(k, next++);
      if (next - 1 === 1 << size && size < 12) size++;
    } else {
      emit(clear);
      dict = new Map();
      next = clear + 2;
      size = minCode + 1;
    }
    cur = String(idx[i]);
  }
  emit(cur.includes(',') ? dict.get(cur)! : Number(cur));
  emit(clear + 1);
  if (nbits > 0) out.push(acc & 255);
  return out;
}

/** Synthesized PNG seeds: width, height, colour type, bit depth, interlaced, seed, palette entries. */
const PNG_SEEDS: Record<string, [number, number, number, number, boolean, number, number]> = {
  'syn_png_rgb8_adam7.png': [13, 11, 2, 8, true, 1, 0],
  'syn_png_rgba16_adam7.png': [9, 10, 6, 16, true, 2, 0],
  'syn_png_la16.png': [7, 5, 4, 16, false, 3, 0],
  'syn_png_p1_adam7.png': [17, 9, 3, 1, true, 4, 2],
  'syn_png_p8_short_plte.png': [12, 12, 3, 8, false, 5, 20],
  'syn_png_l2_adam7.png': [11, 13, 0, 2, true, 6, 0],
  'syn_png_l4.png': [10, 6, 0, 4, false, 7, 0],
};

function loadSeeds(): Seed[] {
  requireShared();
  const seeds: Seed[] = [];
  for (const f of FIXTURE_SEEDS) seeds.push({ name: f, format: sniff(readFileSync(join(FIXTURES, 'images', f))), bytes: new Uint8Array(readFileSync(join(FIXTURES, 'images', f))) });
  for (const f of SAMPLE_SEEDS) {
    const bytes = new Uint8Array(readFileSync(join(SHARED, 'data/starlight-sample-clean', f)));
    seeds.push({ name: f, format: sniff(bytes), bytes });
  }
  const synth: [string, Uint8Array][] = [
    ...Object.entries(PNG_SEEDS).map(([name, a]) => [name, encodePng(...a)] as [string, Uint8Array]),
    ['syn_gif_lct.gif', encodeGif(21, 13, { lct: true, interlace: false, minCode: 2, seed: 8 })],
    ['syn_gif_8bit_interlaced.gif', encodeGif(37, 29, { lct: false, interlace: true, minCode: 8, seed: 9 })],
    ['syn_bmp_1bit.bmp', encodeBmp({ w: 19, h: 7, bits: 1, seed: 10 })],
    ['syn_bmp_1bit_bw.bmp', encodeBmp({ w: 9, h: 5, bits: 1, grey: true, seed: 11 })],
    ['syn_bmp_4bit.bmp', encodeBmp({ w: 13, h: 9, bits: 4, seed: 12 })],
    ['syn_bmp_rle8.bmp', encodeBmp({ w: 21, h: 10, bits: 8, rle: true, seed: 13 })],
    ['syn_bmp_rle4.bmp', encodeBmp({ w: 15, h: 8, bits: 4, rle: true, seed: 14 })],
    ['syn_bmp_16_555.bmp', encodeBmp({ w: 11, h: 7, bits: 16, seed: 15 })],
    ['syn_bmp_16_565.bmp', encodeBmp({ w: 11, h: 7, bits: 16, masks: [0xf800, 0x7e0, 0x1f], seed: 16 })],
    ['syn_bmp_32_v4_alpha.bmp', encodeBmp({ w: 10, h: 9, bits: 32, masks: [0xff0000, 0xff00, 0xff, 0xff000000], seed: 17 })],
    ['syn_bmp_32.bmp', encodeBmp({ w: 8, h: 6, bits: 32, seed: 18 })],
    ['syn_bmp_24_topdown.bmp', encodeBmp({ w: 9, h: 7, bits: 24, topDown: true, seed: 19 })],
    ['syn_bmp_os2_8bit.bmp', encodeBmp({ w: 12, h: 5, bits: 8, core: true, seed: 20 })],
  ];
  for (const [name, bytes] of synth) seeds.push({ name, format: sniff(bytes), bytes });
  return seeds;
}

// ---------------------------------------------------------------------------------------------
// Cases

interface Case {
  index: number;
  seed: string;
  format: Format;
  mutation: string;
  maxPixels: number | undefined;
  bytes: Uint8Array;
}

function makeCase(index: number, seeds: Seed[]): Case {
  const rng = new Rng(SEED, index);
  // Equal weight per format, then per seed within the format.
  const formats: Format[] = ['png', 'gif', 'jpeg', 'webp', 'bmp'];
  const format = rng.pick(formats);
  const seed = rng.pick(seeds.filter((s) => s.format === format));
  const ctx: Ctx = { rng, format, seeds, notes: [] };
  let bytes = seed.bytes;
  const n = rng.pick([1, 1, 1, 1, 2, 2, 3]);
  for (let i = 0; i < n; i++) bytes = pickMutator(rng)(bytes, ctx);
  // Give the parser a chance past the CRC check on most mutated PNGs.
  if (format === 'png' && !ctx.notes.some((s) => s.includes('CRC fixed')) && rng.chance(0.5)) {
    bytes = bytes.slice();
    fixPngCrcs(bytes);
    ctx.notes.push('CRCs fixed');
  }
  const lim = rng.int(100);
  const maxPixels = lim < 88 ? MODEST_MAX_PIXELS : lim < 95 ? undefined : rng.pick([1, 64, 1000, 65_536]);
  return { index, seed: seed.name, format, mutation: ctx.notes.join(' + '), maxPixels, bytes };
}

// ---------------------------------------------------------------------------------------------
// Workers

/** Runs in each worker (plain JS, CommonJS): imports the bundled core and answers run/canary requests. */
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const SHAPES = { pixel: [3, 256, 256], meta: [2048], alpha: [2, 256, 256], lsb: [3, 256, 256], palette: [768], palette_lsb: [1, 256, 256], format: [6], content: [6] };
const UNIT = new Set(['pixel', 'meta', 'alpha', 'lsb', 'palette', 'palette_lsb']);
const MODES = new Set(['1', 'L', 'LA', 'P', 'RGB', 'RGBA', 'CMYK', 'I;16']);

function check(r, maxPixels) {
  if (!r || typeof r !== 'object' || !r.streams || !r.image) return 'result is not { image, streams }';
  const names = Object.keys(r.streams).sort().join(',');
  if (names !== Object.keys(SHAPES).sort().join(',')) return 'stream names: ' + names;
  for (const [name, shape] of Object.entries(SHAPES)) {
    const s = r.streams[name];
    if (JSON.stringify(s.shape) !== JSON.stringify(shape)) return name + ' shape ' + JSON.stringify(s.shape);
    if (!(s.data instanceof Float32Array)) return name + ' is not a Float32Array';
    if (s.data.length !== shape.reduce((a, b) => a * b, 1)) return name + ' has ' + s.data.length + ' values';
    for (let i = 0; i < s.data.length; i++) {
      const v = s.data[i];
      if (!Number.isFinite(v)) return name + '[' + i + '] = ' + v;
      if (UNIT.has(name) ? v < 0 || v > 1 : v < 0) return name + '[' + i + '] = ' + v + ' out of range';
    }
  }
  const im = r.image;
  const w = im.width, h = im.height;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w <= 0 || h <= 0) return 'image size ' + w + 'x' + h;
  if (w * h > maxPixels) return 'image is ' + w + 'x' + h + ', over maxPixels ' + maxPixels;
  if (!MODES.has(im.mode)) return 'mode ' + im.mode;
  if (!(im.rgb instanceof Uint8Array) || im.rgb.length !== w * h * 3) return 'rgb has ' + (im.rgb && im.rgb.length) + ' bytes for ' + w + 'x' + h;
  if (im.alpha !== null && im.alpha.length !== w * h) return 'alpha has ' + im.alpha.length + ' bytes';
  if (im.indices !== null && im.indices.length !== w * h) return 'indices has ' + im.indices.length + ' bytes';
  if (!Number.isInteger(im.end) || im.end < 0) return 'end ' + im.end;
  return null;
}

function hashStreams(r) {
  const h = createHash('sha1');
  for (const name of Object.keys(SHAPES)) h.update(new Uint8Array(r.streams[name].data.buffer, r.streams[name].data.byteOffset, r.streams[name].data.byteLength));
  return h.digest('hex').slice(0, 16);
}

import(workerData.bundleUrl).then((core) => {
  const { extractStreams, StarlightError, ERROR_CODES, DEFAULT_LIMITS } = core;
  async function runOne(bytes, maxPixels) {
    const t0 = performance.now();
    try {
      const r = await extractStreams(bytes, maxPixels === undefined ? undefined : { maxPixels });
      const ms = performance.now() - t0;
      const problem = check(r, maxPixels === undefined ? DEFAULT_LIMITS.maxPixels : maxPixels);
      return problem ? { kind: 'bad-output', message: problem, ms } : { kind: 'ok', ms, hash: hashStreams(r), size: r.image.width + 'x' + r.image.height };
    } catch (e) {
      const ms = performance.now() - t0;
      if (e instanceof StarlightError && ERROR_CODES.includes(e.code)) return { kind: 'typed', code: e.code, message: e.message, ms };
      return { kind: 'untyped', message: (e && e.constructor ? e.constructor.name : typeof e) + ': ' + (e && e.message !== undefined ? e.message : String(e)), stack: e && e.stack ? String(e.stack).split('\n').slice(0, 8).join('\n') : '', ms };
    }
  }
  parentPort.on('message', async (m) => {
    if (m.type === 'run') {
      const res = await runOne(m.bytes, m.maxPixels);
      parentPort.postMessage({ id: m.id, ...res });
    } else if (m.type === 'probe') {
      // Cheap check that the stateful wasm decoders still work: decode tiny pristine files.
      const out = [];
      for (const c of m.seeds) {
        try {
          const im = await core.decodeImage(c.bytes);
          out.push(c.name + ':' + createHash('sha1').update(im.rgb).digest('hex').slice(0, 16));
        } catch (e) {
          out.push(c.name + ':' + (e && e.code ? e.code : 'error') + ' ' + (e && e.message));
        }
      }
      parentPort.postMessage({ id: m.id, probe: out.join(' ') });
    } else if (m.type === 'canary') {
      const out = [];
      for (const c of m.seeds) {
        const res = await runOne(c.bytes, undefined);
        out.push({ name: c.name, kind: res.kind, hash: res.hash || res.code || res.message });
      }
      parentPort.postMessage({ id: m.id, canary: out, memory: process.memoryUsage() });
    }
  });
  parentPort.postMessage({ ready: true });
}, (e) => parentPort.postMessage({ fatal: String(e && e.stack || e) }));
`;

type Outcome =
  | { kind: 'ok'; ms: number; hash: string; size: string }
  | { kind: 'typed'; code: string; message: string; ms: number }
  | { kind: 'untyped' | 'bad-output'; message: string; stack?: string; ms: number }
  | { kind: 'slow' | 'hang' | 'crash'; message: string; ms: number }
  | { kind: 'poisoned'; message: string; ms: number; history: number[] };

interface CanaryReply {
  canary: { name: string; kind: string; hash: string }[];
  memory: NodeJS.MemoryUsage;
}

class Runner {
  private worker: Worker | null = null;
  private waiting: { id: number; resolve: (m: Record<string, unknown>) => void; fail: (why: string) => void } | null = null;
  private nextId = 1;
  private sinceCanary = 0;
  restarts = 0;
  peakRss = 0;
  /** Recent console output of the worker. */
  output: string[] = [];
  /** Cases this worker ran since it started, in order (a poisoned decoder may depend on all of them). */
  history: number[] = [];
  private probeBaseline: string | null = null;

  constructor(
    private readonly bundleUrl: string,
    private readonly canarySeeds: Seed[],
    private readonly probeSeeds: Seed[],
    private readonly onCanary: (r: CanaryReply, where: string) => void,
  ) {}

  private async start(): Promise<void> {
    this.history = [];
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { bundleUrl: this.bundleUrl }, stdout: true, stderr: true });
    this.worker = w;
    // The wasm decoders print libjpeg/libwebp warnings: keep the latest lines for failure reports.
    const keep = (chunk: Buffer): void => {
      this.output.push(...chunk.toString().split('\n').filter(Boolean));
      if (this.output.length > 40) this.output.splice(0, this.output.length - 40);
    };
    w.stdout.on('data', keep);
    w.stderr.on('data', keep);
    w.on('message', (m: Record<string, unknown>) => {
      if (this.waiting && (m.ready || m.fatal || m.id === this.waiting.id)) {
        const wt = this.waiting;
        this.waiting = null;
        if (m.fatal) wt.fail(`worker failed to load core: ${String(m.fatal)}`);
        else wt.resolve(m);
      }
    });
    const died = (why: string): void => {
      if (this.worker !== w) return;
      this.worker = null;
      const wt = this.waiting;
      this.waiting = null;
      wt?.fail(why);
    };
    w.on('error', (e) => died(`worker crashed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`));
    w.on('exit', (code) => died(`worker exited with code ${code}`));
    await this.request(null, 60_000);
    // Warm up (wasm compile) outside any timing, and record the first baseline.
    await this.canary('worker start');
    this.probeBaseline ??= await this.probe();
  }

  private async probe(): Promise<string> {
    const seeds = this.probeSeeds.map((s) => ({ name: s.name, bytes: s.bytes }));
    return String((await this.request({ type: 'probe', seeds }, 30_000)).probe);
  }

  /** Send a message (or just wait for `ready` when msg is null); reject after `timeout` ms. */
  private request(msg: Record<string, unknown> | null, timeout: number): Promise<Record<string, unknown>> {
    return new Promise((resolveP, rejectP) => {
      const id = msg ? this.nextId++ : -1;
      const timer = setTimeout(() => {
        if (this.waiting?.id !== id) return;
        this.waiting = null;
        rejectP(new Error('timeout'));
      }, timeout);
      this.waiting = {
        id,
        resolve: (m) => {
          clearTimeout(timer);
          resolveP(m);
        },
        fail: (why) => {
          clearTimeout(timer);
          rejectP(new Error(why));
        },
      };
      if (msg) this.worker!.postMessage({ ...msg, id });
    });
  }

  private async kill(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  /** Decode the pristine canary images in this worker and hand the hashes to onCanary. */
  async canary(where: string): Promise<void> {
    if (!this.worker) await this.start();
    const seeds = this.canarySeeds.map((s) => ({ name: s.name, bytes: s.bytes }));
    let r: CanaryReply;
    try {
      r = (await this.request({ type: 'canary', seeds }, 60_000)) as unknown as CanaryReply;
    } catch (e) {
      await this.kill();
      r = { canary: seeds.map((s) => ({ name: s.name, kind: 'crash', hash: (e as Error).message })), memory: process.memoryUsage() };
    }
    this.peakRss = Math.max(this.peakRss, r.memory.rss);
    this.sinceCanary = 0;
    this.onCanary(r, where);
  }

  async run(c: Case): Promise<Outcome> {
    if (!this.worker) {
      if (this.restarts++ > 50) throw new Error('too many worker restarts');
      await this.start();
    }
    const t0 = performance.now();
    this.output = [];
    this.history.push(c.index);
    let out: Outcome;
    try {
      out = (await this.request({ type: 'run', bytes: c.bytes, maxPixels: c.maxPixels }, HANG_MS)) as unknown as Outcome;
    } catch (e) {
      const ms = performance.now() - t0;
      const why = (e as Error).message;
      await this.kill();
      if (why === 'timeout') return { kind: 'hang', message: `no answer after ${HANG_MS} ms: worker terminated`, ms };
      return { kind: 'crash', message: why, ms };
    }
    // A JPEG or WebP input may have left the wasm decoder unusable: check right away, so the
    // failure points at this case rather than at whichever case runs next.
    if ((c.format === 'jpeg' || c.format === 'webp') && out.kind !== 'ok') {
      let now: string;
      try {
        now = await this.probe();
      } catch (e) {
        now = `probe failed: ${(e as Error).message}`;
      }
      if (now !== this.probeBaseline) {
        const history = this.history.slice();
        await this.kill();
        return { kind: 'poisoned', history, message: `after this input (${out.kind}${'code' in out ? ` ${out.code}: ${out.message}` : ''}), pristine images no longer decode in the same worker: ${now}`, ms: out.ms };
      }
    }
    if (++this.sinceCanary >= CANARY_EVERY) await this.canary(`after case ${c.index}`);
    if (out.ms > LIMIT_MS) {
      return { kind: 'slow', message: `took ${out.ms.toFixed(0)} ms (limit ${LIMIT_MS} ms); result was ${out.kind}${'code' in out ? ` ${out.code}` : ''}`, ms: out.ms };
    }
    return out;
  }

  async close(): Promise<void> {
    await this.kill();
  }
}

// ---------------------------------------------------------------------------------------------
// The test

type BadOutcome = Exclude<Outcome, { kind: 'ok' | 'typed' }>;

interface Failure {
  c: Case;
  out: BadOutcome;
  /** The worker's last console lines (decoder warnings) around the case. */
  output: string[];
  known: string | null;
}

function knownBug(text: string): string | null {
  return KNOWN_BUGS.find((k) => k.match.test(text))?.id ?? null;
}

function describeFailure(f: Failure): string {
  const o = f.out;
  const lim = f.c.maxPixels === undefined ? 'default limits' : `maxPixels ${f.c.maxPixels}`;
  return [
    `${f.known ? `[KNOWN ${f.known}] ` : ''}case ${f.c.index} (seed ${hex(SEED)}): ${o.kind} — ${o.message}`,
    `    seed file: ${f.c.seed}; mutation: ${f.c.mutation}; ${lim}; ${f.c.bytes.length} bytes`,
    `    input: test-output/fuzz/case-${f.c.index}.bin; rerun: STARLIGHT_FUZZ_ONLY=${f.c.index}` +
      (o.kind === 'poisoned' ? ` (state-dependent: the worker's ${o.history.length} cases in order are in case-${f.c.index}.json, "history"; replay with STARLIGHT_FUZZ_WORKERS=1 STARLIGHT_FUZZ_ONLY=@test-output/fuzz/case-${f.c.index}.json)` : ''),
    ...(f.output.length ? [`    decoder output: ${f.output.join(' | ')}`] : []),
    ...('stack' in o && o.stack ? [o.stack.replace(/^/gm, '      ')] : []),
  ].join('\n');
}

function writeFailure(f: Failure): void {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, `case-${f.c.index}.bin`), f.c.bytes);
  const { bytes: _b, ...meta } = f.c;
  writeFileSync(join(OUT_DIR, `case-${f.c.index}.json`), JSON.stringify({ runSeed: SEED, ...meta, outcome: f.out, decoderOutput: f.output, known: f.known }, null, 2));
}

async function bundleCore(dir: string): Promise<string> {
  // esbuild comes with tsup; load it with Node's own require, outside jest's module registry.
  const esbuild = createRequire(join(CORE_DIR, 'package.json'))('esbuild') as typeof import('esbuild');
  const out = join(dir, 'core.mjs');
  await esbuild.build({
    entryPoints: [join(CORE_DIR, 'src/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    outfile: out,
    logLevel: 'silent',
  });
  await esbuild.stop();
  return pathToFileURL(out).href;
}

const tmp = mkdtempSync(join(tmpdir(), 'starlight-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const caseCount = REPLAY ? REPLAY.length : ONLY ? ONLY.length : CASES;

describe('fuzz: extractStreams on mutated images', () => {
  it(
    `${caseCount} ${REPLAY ? 'replayed files' : 'mutated inputs'} resolve with valid streams or reject with a StarlightError, each within ${LIMIT_MS} ms`,
    async () => {
      const seeds = loadSeeds();
      const bundleUrl = await bundleCore(tmp);
      mkdirSync(OUT_DIR, { recursive: true });
      // Inputs from an earlier full run are stale once the cases run again.
      if (!ONLY && !REPLAY) for (const f of readdirSync(OUT_DIR).filter((n) => /^case-\d+\.(bin|json)$/.test(n))) rmSync(join(OUT_DIR, f));

      // Pristine images re-decoded in every worker now and then: results must never change.
      const canarySeeds = seeds.filter((s) =>
        ['edge_444.jpg', 'edge_progressive.jpg', 'edge_lossy_alpha.webp', 'edge_webp_tail60.webp', 'edge_animated.webp', 'edge_31x29_rgba.png', 'edge_gif_trns.gif', 'syn_bmp_rle8.bmp'].includes(s.name),
      );
      const probeSeeds = seeds.filter((s) => ['edge_jpeg_tail_ffd9.jpg', 'edge_lossy_alpha.webp', 'clean-0115.webp'].includes(s.name));
      let baseline: Map<string, string> | null = null;
      const canaryFailures: string[] = [];
      const onCanary = (r: CanaryReply, where: string): void => {
        const now = new Map(r.canary.map((x) => [x.name, `${x.kind}:${x.hash}`]));
        if (!baseline) {
          baseline = now;
          const bad = r.canary.filter((x) => x.kind !== 'ok');
          if (bad.length) canaryFailures.push(`pristine seeds do not decode: ${bad.map((x) => `${x.name} ${x.hash}`).join('; ')}`);
          return;
        }
        for (const [name, v] of now) {
          if (baseline.get(name) !== v) canaryFailures.push(`${where}: pristine ${name} now gives ${v}, was ${baseline.get(name)}`);
        }
      };

      const getCase = (k: number): Case => {
        if (REPLAY) {
          const bytes = new Uint8Array(readFileSync(REPLAY[k]!));
          return { index: k, seed: basename(REPLAY[k]!), format: sniff(bytes), mutation: 'replay', maxPixels: MODEST_MAX_PIXELS, bytes };
        }
        return makeCase(ONLY ? ONLY[k]! : k, seeds);
      };

      const t0 = performance.now();
      const runners = Array.from({ length: Math.min(WORKERS, caseCount) }, () => new Runner(bundleUrl, canarySeeds, probeSeeds, onCanary));
      const failures: Failure[] = [];
      const codes: Record<string, number> = {};
      const mutationKinds: Record<string, [number, number]> = {};
      let ok = 0;
      let maxMs = 0;
      let maxCase = '';
      try {
        await Promise.all(
          runners.map(async (runner, w) => {
            // Worker w runs cases w, w+W, w+2W…: a fixed assignment, so a failure that depends on
            // what the worker ran before (decoder state) happens at the same case on every run.
            for (let k = w; k < caseCount; k += runners.length) {
              const c = getCase(k);
              const out = await runner.run(c);
              const kind = c.mutation.split(' ')[0]!;
              const mk = (mutationKinds[kind] ??= [0, 0]);
              mk[0]++;
              if (out.ms > maxMs) {
                maxMs = out.ms;
                maxCase = `case ${c.index} ${c.seed}: ${c.mutation}`;
              }
              if (out.kind === 'ok') {
                ok++;
                mk[1]++;
              } else if (out.kind === 'typed') codes[out.code] = (codes[out.code] ?? 0) + 1;
              else {
                const lim = c.maxPixels === undefined ? 'default limits' : `maxPixels ${c.maxPixels}`;
                const f: Failure = { c, out, output: runner.output.slice(-6), known: knownBug(`${out.kind} ${out.message} ${c.seed} ${c.mutation} ${lim}`) };
                failures.push(f);
                writeFailure(f);
              }
            }
            await runner.canary('end of run');
          }),
        );
      } finally {
        await Promise.all(runners.map((r) => r.close()));
      }
      const secs = (performance.now() - t0) / 1000;
      const typed = Object.values(codes).reduce((a, b) => a + b, 0);
      const peakRss = Math.max(...runners.map((r) => r.peakRss));
      const restarts = runners.reduce((n, r) => n + Math.max(0, r.restarts - 1), 0);
      const codeList = Object.entries(codes)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      console.log(
        `fuzz: ${caseCount} cases (seed ${hex(SEED)}, ${runners.length} workers) in ${secs.toFixed(1)} s: ` +
          `ok ${ok}, typed errors ${typed} (${codeList}), failures ${failures.length}` +
          `${failures.some((f) => f.known) ? ` (${failures.filter((f) => f.known).length} known)` : ''}, canary failures ${canaryFailures.length}; ` +
          `max ${maxMs.toFixed(1)} ms/case (${maxCase}); worker restarts ${restarts}; peak rss ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
      );
      if (env.STARLIGHT_FUZZ_VERBOSE === '1') {
        console.log(`by mutation (cases, ok): ${Object.entries(mutationKinds).map(([k, [n, o]]) => `${k} ${n}/${o}`).join(', ')}`);
      }

      const blocking = failures.filter((f) => !(ALLOW_KNOWN && f.known));
      if (failures.length || canaryFailures.length) {
        const shown = failures.slice(0, 25).map(describeFailure);
        const more = failures.length > shown.length ? [`… and ${failures.length - shown.length} more (see test-output/fuzz/)`] : [];
        const known = KNOWN_BUGS.filter((k) => failures.some((f) => f.known === k.id)).map((k) => `[KNOWN ${k.id}]: ${k.note}`);
        const msg = [...canaryFailures.map((s) => `canary: ${s}`), ...shown, ...more, ...known].join('\n');
        if (blocking.length || canaryFailures.length) throw new Error(`fuzzing found ${failures.length} failing cases:\n${msg}`);
        console.log(`known src bugs reproduced (allowed by STARLIGHT_FUZZ_ALLOW_KNOWN=1):\n${msg}`);
      }
      expect(ok + typed + failures.length).toBe(caseCount);
    },
    120_000 + caseCount * 30,
  );
});

describe('fuzz seeds', () => {
  it('the synthesized seeds are valid images that decode with the declared size and mode', async () => {
    const want: Record<string, [number, number, string]> = {
      'syn_png_rgb8_adam7.png': [13, 11, 'RGB'],
      'syn_png_rgba16_adam7.png': [9, 10, 'RGBA'],
      'syn_png_la16.png': [7, 5, 'RGBA'],
      'syn_png_p1_adam7.png': [17, 9, 'P'],
      'syn_png_p8_short_plte.png': [12, 12, 'P'],
      'syn_png_l2_adam7.png': [11, 13, 'L'],
      'syn_png_l4.png': [10, 6, 'L'],
      'syn_gif_lct.gif': [21, 13, 'P'],
      'syn_gif_8bit_interlaced.gif': [37, 29, 'P'],
      'syn_bmp_1bit.bmp': [19, 7, 'P'],
      'syn_bmp_1bit_bw.bmp': [9, 5, '1'],
      'syn_bmp_4bit.bmp': [13, 9, 'P'],
      'syn_bmp_rle8.bmp': [21, 10, 'P'],
      'syn_bmp_rle4.bmp': [15, 8, 'P'],
      'syn_bmp_16_555.bmp': [11, 7, 'RGB'],
      'syn_bmp_16_565.bmp': [11, 7, 'RGB'],
      'syn_bmp_32_v4_alpha.bmp': [10, 9, 'RGBA'],
      'syn_bmp_32.bmp': [8, 6, 'RGB'],
      'syn_bmp_24_topdown.bmp': [9, 7, 'RGB'],
      'syn_bmp_os2_8bit.bmp': [12, 5, 'P'],
    };
    const got: Record<string, [number, number, string] | string> = {};
    for (const seed of loadSeeds().filter((x) => x.name.startsWith('syn_'))) {
      got[seed.name] = await extractStreams(seed.bytes).then(
        (r) => [r.image.width, r.image.height, r.image.mode] as [number, number, string],
        (e: unknown) => String(e),
      );
    }
    expect(got).toEqual(want);
  });

  it('the synthesized PNG seeds (Adam7, 1/2/4/16-bit, short palette) decode to exactly the encoded pixels', async () => {
    const mismatches: string[] = [];
    for (const [name, [w, h, ct, depth, interlace, seed, plteN]] of Object.entries(PNG_SEEDS)) {
      const ch = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[ct]!;
      const max = ct === 3 ? Math.max(1, Math.min(2 ** depth, plteN + 2) - 1) : 2 ** depth - 1;
      const px = samples(w, h, ch, max, seed);
      const pal = samples(plteN, 1, 3, 255, seed + 1);
      const r = await extractStreams(encodePng(w, h, ct, depth, interlace, seed, plteN));
      for (let i = 0; i < w * h && mismatches.length < 10; i++) {
        const hi = (v: number): number => (depth === 16 ? v >> 8 : v);
        const grey = (v: number): number => (depth === 2 ? v * 85 : depth === 4 ? v * 17 : hi(v));
        const k = px[i]!;
        const want =
          ct === 2 || ct === 6
            ? [0, 1, 2].map((c) => hi(px[i * ch + c]!))
            : ct === 3
              ? k < plteN
                ? [pal[3 * k]!, pal[3 * k + 1]!, pal[3 * k + 2]!]
                : [k, k, k]
              : [0, 0, 0].map(() => grey(px[i * ch]!));
        const gotPx = Array.from(r.image.rgb.subarray(3 * i, 3 * i + 3));
        if (gotPx.join() !== want.join()) mismatches.push(`${name} pixel ${i % w},${Math.floor(i / w)}: ${gotPx} != ${want}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Deterministic reproducers of the src bugs the fuzzer found. They FAIL until src is fixed.

/** A lossless 2048x2048 single-colour VP8L chunk (208 bytes of bitstream), made with libwebp. */
const VP8L_2048_SOLID =
  'VlA4TMgAAAAv/8f/EQdQ5CIXucgBIUHi/+9mIvqf8Z///Oc///nPf/7zn//85z//+c9//vOf//znP//5z3/+85///Oc///nPf/7zn//85z//+c9//vOf//znP//5z3/+85///Oc///nPf/7zn//85z//+c9//vOf//znP//5z3/+85///Oc///nPf/7zn//85z//+c9//vOf//znP//5z3/+85///Oc///nPf/7zn//85z//+c9//vOf//znP//5z3/+85///Oc///nPf/7vAQ==';

/** An animated WebP with a 16x16 canvas whose first frame is `frameChunk` (a VP8/VP8L chunk). */
function animatedWebp(frameChunk: Uint8Array): Uint8Array {
  const le = (n: number, k: number): number[] => Array.from({ length: k }, (_, i) => (n >>> (8 * i)) & 255);
  const chunk = (id: string, body: number[]): number[] => [...ascii(id), ...le(body.length, 4), ...body, ...(body.length & 1 ? [0] : [])];
  const vp8x = chunk('VP8X', [0x02, 0, 0, 0, ...le(15, 3), ...le(15, 3)]);
  const anim = chunk('ANIM', [0, 0, 0, 0, 0, 0]);
  const anmf = chunk('ANMF', [...le(0, 3), ...le(0, 3), ...le(15, 3), ...le(15, 3), ...le(100, 3), 0, ...frameChunk]);
  const body = [...ascii('WEBP'), ...vp8x, ...anim, ...anmf];
  return Uint8Array.from([...ascii('RIFF'), ...le(body.length, 4), ...body]);
}

describe('known src bugs found by fuzzing (these fail until src is fixed)', () => {
  it('BUG-1: corrupt JPEGs must not break the shared wasm JPEG decoder (edge_444.jpg with byte 169, SOF0 sampling 0x11 -> 0x00, x150)', async () => {
    requireShared();
    // The wasm module binds console.error when it is instantiated (first JPEG of this file):
    // keep its 150 libjpeg messages out of the test output.
    const mute = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const good = new Uint8Array(readFileSync(join(FIXTURES, 'images', 'edge_444.jpg')));
    const bad = good.slice();
    bad[169] = 0x00; // "Bogus sampling factors": libjpeg error_exit -> exit() inside the wasm module
    for (let i = 1; i <= 150; i++) {
      const e = await extractStreams(bad).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(StarlightError);
      const after = await extractStreams(good).then(
        () => 'ok',
        (x: unknown) => `after ${i} corrupt JPEGs, the pristine edge_444.jpg fails: ${(x as Error).message}`,
      );
      expect(after).toBe('ok');
    }
    mute.mockRestore();
  });

  it("BUG-2: an animated WebP's first frame is held to maxPixels (16x16 canvas, 2048x2048 frame, 1 MP limit)", async () => {
    const file = animatedWebp(new Uint8Array(Buffer.from(VP8L_2048_SOLID, 'base64')));
    const t0 = performance.now();
    const got = await extractStreams(file, { maxPixels: 1_000_000 }).then(
      (r) => `resolved ${r.image.width}x${r.image.height} after decoding a 4.2 MP frame (${(performance.now() - t0).toFixed(0)} ms)`,
      (x: unknown) => (x instanceof StarlightError ? x.code : String(x)),
    );
    // E_TOO_LARGE (frame over the limit) or E_CORRUPT_IMAGE (frame larger than the canvas) are both right.
    expect(['E_TOO_LARGE', 'E_CORRUPT_IMAGE']).toContain(got);
  });
});
