import { describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import { StarlightError } from '@starlight/core';
import { decodeImage } from '../../core/src/decode.js';
import { dctCapacity, embedDct, extractDct, repackJpeg, type DctTool } from '../src/dct.js';
import { encodeImage } from '../src/encode.js';
import type { RasterImage } from '../src/image.js';
import { Rng } from '../src/prng.js';
import { randomCover } from './helpers.js';

// The coefficients are read here with f5stegojs directly (not through dct.ts): per component,
// `blocks` (64 zigzag coefficients per block, slot 0 unused) and `blocksDC`.
interface F5Parsed {
  frame: { components: { componentId: number; blocks: Int16Array; blocksDC: Int16Array }[] };
}
type F5Ctor = { new (key: ArrayLike<number>): { extract(jpeg: Uint8Array): Uint8Array }; prototype: object };
type F5Parser = F5Parsed & { maxPixels: number; parse(b: Uint8Array): F5Parser; pack(): Uint8Array };
const f5parser = (): F5Parser => Object.assign(Object.create(F5.prototype) as F5Parser, { maxPixels: 1e8 });
const F5 = createRequire(import.meta.url)('f5stegojs') as F5Ctor;

interface Coeffs {
  ids: number[];
  blocks: Int16Array[];
  dc: Int16Array[];
  /** AC coefficients of all components end to end (component by component, block order, zigzag 1..63). */
  ac: Int16Array;
  /** Component index of each entry of ac. */
  comp: Uint8Array;
}

function coeffs(jpeg: Uint8Array): Coeffs {
  const p = f5parser().parse(jpeg);
  const comps = p.frame.components;
  const n = comps.reduce((a, c) => a + (c.blocks.length / 64) * 63, 0);
  const ac = new Int16Array(n);
  const comp = new Uint8Array(n);
  let k = 0;
  comps.forEach((c, ci) => {
    for (let i = 0; i < c.blocks.length; i++) {
      if (i % 64 === 0) continue;
      comp[k] = ci;
      ac[k++] = c.blocks[i]!;
    }
  });
  return { ids: comps.map((c) => c.componentId), blocks: comps.map((c) => c.blocks.slice()), dc: comps.map((c) => c.blocksDC.slice()), ac, comp };
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
const lsbUsable = (v: number): boolean => v !== 0 && v !== 1;
const bytesToBits = (b: Uint8Array): number[] => Array.from(b).flatMap((x) => [7, 6, 5, 4, 3, 2, 1, 0].map((j) => (x >> j) & 1));
const u32 = (bits: number[]): number => bits.reduce((a, b) => a * 2 + b, 0);

async function jpegCover(seed: number, quality: number, w = 240, h = 180, meta = false): Promise<Uint8Array> {
  const cover = randomCover(new Rng(seed), 'rgb', w, h) as RasterImage;
  return encodeImage(cover, 'jpeg', { jpegQuality: quality, ...(meta ? { comments: ['dct test comment'], xmp: '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>' } : {}) });
}

async function decodesLike(stego: Uint8Array, cover: Uint8Array): Promise<void> {
  const a = await decodeImage(cover);
  const b = await decodeImage(stego);
  expect([b.width, b.height]).toEqual([a.width, a.height]);
}

/** LSB replacement only, never into or out of {0, 1} (-1 <-> -2, 2 <-> 3); other coefficients unchanged. */
function lsbViolations(c: Int16Array, s: Int16Array): { bad: number; changed: number } {
  let bad = 0;
  let changed = 0;
  for (let i = 0; i < c.length; i++) {
    const a = c[i]!;
    const b = s[i]!;
    if (a !== b) changed++;
    if (lsbUsable(a) !== lsbUsable(b) || (!lsbUsable(a) && a !== b) || (b & ~1) !== (a & ~1)) bad++;
  }
  return { bad, changed };
}

/** Usable (AC not 0/1) coefficients' indices into ac. */
const usableIdx = (c: Coeffs, ok: (v: number) => boolean): number[] => {
  const out: number[] = [];
  for (let i = 0; i < c.ac.length; i++) if (ok(c.ac[i]!)) out.push(i);
  return out;
};

/** Per pair (2k, 2k+1) of usable values, the count of the even member. */
function pairEvens(ac: Int16Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const v of ac) if (lsbUsable(v)) m.set(v >> 1, (m.get(v >> 1) ?? 0) + ((v & 1) === 0 ? 1 : 0));
  return m;
}
function pairDeviation(a: Int16Array, b: Int16Array): number {
  const ma = pairEvens(a);
  const mb = pairEvens(b);
  let d = 0;
  for (const k of new Set([...ma.keys(), ...mb.keys()])) d += Math.abs((ma.get(k) ?? 0) - (mb.get(k) ?? 0));
  return d;
}

const QUALITIES = [78, 92];

describe('embedDct jsteg', () => {
  it.each(QUALITIES)('q%i: sequential LSBs of the AC coefficients not 0/1 carry length + payload; nothing else changes', async (q) => {
    const jpg = await jpegCover(11, q);
    const payload = new Rng(q).bytes(180);
    const r = embedDct(jpg, payload, { tool: 'jsteg' });
    await decodesLike(r.file, jpg);
    const c = coeffs(jpg);
    const s = coeffs(r.file);
    expect(s.ids).toEqual(c.ids);
    c.dc.forEach((d, i) => expect(same(d, s.dc[i]!)).toBe(true));
    expect(s.ac.length).toBe(c.ac.length);
    const use = usableIdx(c, lsbUsable);
    expect(r.usable).toBe(use.length);
    expect(r.bitsEmbedded).toBe(180 * 8);
    const v = lsbViolations(c.ac, s.ac);
    expect(v.bad).toBe(0);
    expect(r.changed).toBe(v.changed);
    const bits = use.map((i) => s.ac[i]! & 1);
    expect(u32(bits.slice(0, 32))).toBe(180);
    expect(bits.slice(32, 32 + 180 * 8)).toEqual(bytesToBits(payload));
    // sequential: nothing after the message changed
    expect(use.slice(32 + 180 * 8).filter((i) => s.ac[i] !== c.ac[i]).length).toBe(0);
    expect(extractDct(r.file, { tool: 'jsteg' })).toEqual(payload);
    // both signs of the LSB pairing were exercised
    expect(use.some((i) => c.ac[i]! < 0 && s.ac[i] !== c.ac[i])).toBe(true);
  });

  it('cuts a payload larger than the capacity and embeds its prefix', async () => {
    const jpg = await jpegCover(12, 80, 96, 64);
    const cap = dctCapacity(jpg).bytes.jsteg;
    expect(cap).toBeGreaterThan(10);
    const payload = new Rng(5).bytes(cap + 500);
    const r = embedDct(jpg, payload, { tool: 'jsteg' });
    expect(r.bitsEmbedded).toBe(cap * 8);
    expect(extractDct(r.file, { tool: 'jsteg' })).toEqual(payload.subarray(0, cap));
  });
});

describe('embedDct outguess', () => {
  it.each(QUALITIES)('q%i: keyed walk reads the message back, pair histogram (2k, 2k+1) kept', async (q) => {
    const jpg = await jpegCover(21, q);
    const cap = dctCapacity(jpg, 4242);
    const payload = new Rng(q + 1).bytes(Math.floor(cap.bytes.outguess * 0.3));
    const r = embedDct(jpg, payload, { tool: 'outguess', key: 4242 });
    await decodesLike(r.file, jpg);
    const c = coeffs(jpg);
    const s = coeffs(r.file);
    c.dc.forEach((d, i) => expect(same(d, s.dc[i]!)).toBe(true));
    const v = lsbViolations(c.ac, s.ac);
    expect(v.bad).toBe(0);
    expect(r.changed).toBe(v.changed);
    expect(r.bitsEmbedded).toBe(payload.length * 8);
    // the histogram of pairs is the cover's (JSteg's, with the same message, is not)
    const bits = 32 + payload.length * 8;
    expect(pairDeviation(c.ac, s.ac)).toBeLessThanOrEqual(Math.max(2, bits * 0.005));
    const js = coeffs(embedDct(jpg, payload, { tool: 'jsteg' }).file);
    expect(pairDeviation(c.ac, js.ac)).toBeGreaterThan(bits * 0.05);
    // the walk spreads over the image (JSteg's changes stop after the first `bits` usable coefficients)
    const use = usableIdx(c, lsbUsable);
    const lastChanged = use.reduce((m, i, k) => (s.ac[i] !== c.ac[i] ? k : m), -1);
    expect(lastChanged).toBeGreaterThan(use.length * 0.8);
    expect(extractDct(r.file, { tool: 'outguess', key: 4242 })).toEqual(payload);
    const wrong = extractDct(r.file, { tool: 'outguess', key: 4243 });
    expect(wrong === null || !same(wrong, payload)).toBe(true);
  });
});

describe('embedDct pm1', () => {
  it.each(QUALITIES)('q%i: +-1 on the key walk over non-zero AC; LSBs along the walk give the message; no coefficient becomes 0', async (q) => {
    const jpg = await jpegCover(31, q);
    const cap = dctCapacity(jpg, 99);
    const payload = new Rng(q + 2).bytes(Math.floor(cap.bytes.pm1 * 0.5));
    const r = embedDct(jpg, payload, { tool: 'pm1', key: 99 });
    await decodesLike(r.file, jpg);
    const c = coeffs(jpg);
    const s = coeffs(r.file);
    c.dc.forEach((d, i) => expect(same(d, s.dc[i]!)).toBe(true));
    let changed = 0;
    let up = 0;
    let down = 0;
    let fromOne = 0;
    let bad = 0;
    for (let i = 0; i < c.ac.length; i++) {
      const a = c.ac[i]!;
      const b = s.ac[i]!;
      if ((a === 0) !== (b === 0)) bad++; // zeros stay zero, nothing becomes zero
      if (a === b) continue;
      changed++;
      if (Math.abs(b - a) !== 1 || Math.sign(b) !== Math.sign(a)) bad++;
      if (Math.abs(b) > Math.abs(a)) up++;
      else down++;
      if (Math.abs(a) === 1) {
        if (Math.abs(b) !== 2) bad++;
        fromOne++;
      }
    }
    expect(bad).toBe(0);
    expect(r.changed).toBe(changed);
    const bits = 32 + payload.length * 8;
    expect(changed).toBeGreaterThan(bits * 0.35);
    expect(changed).toBeLessThan(bits * 0.65);
    expect(up).toBeGreaterThan(0);
    expect(down).toBeGreaterThan(0);
    expect(fromOne).toBeGreaterThan(0);
    expect(r.usable).toBe(c.ac.filter((v) => v !== 0).length);
    expect(extractDct(r.file, { tool: 'pm1', key: 99 })).toEqual(payload);
    const wrong = extractDct(r.file, { tool: 'pm1', key: 100 });
    expect(wrong === null || !same(wrong, payload)).toBe(true);
  });
});

describe('embedDct f5', () => {
  it.each(QUALITIES)("q%i: f5stegojs's extract with the same key returns the payload; only luminance moves, towards zero", async (q) => {
    const jpg = await jpegCover(41, q);
    const payload = new TextEncoder().encode('F5 hides this message in the luminance coefficients. '.repeat(3));
    const r = embedDct(jpg, payload, { tool: 'f5', key: 123456 });
    await decodesLike(r.file, jpg);
    expect(r.bitsEmbedded).toBe(payload.length * 8);
    expect(new F5(new TextEncoder().encode('123456')).extract(r.file)).toEqual(payload);
    expect(same(new F5(new TextEncoder().encode('123457')).extract(r.file), payload)).toBe(false);
    expect(extractDct(r.file, { tool: 'f5', key: 123456 })).toEqual(payload);
    const c = coeffs(jpg);
    const s = coeffs(r.file);
    const luma = c.ids.indexOf(1);
    let changed = 0;
    let bad = 0;
    for (let i = 0; i < c.ac.length; i++) {
      const a = c.ac[i]!;
      const b = s.ac[i]!;
      if (a === b) continue;
      changed++;
      if (c.comp[i] !== luma) bad++;
      if (Math.abs(b) !== Math.abs(a) - 1) bad++; // F5 decrements the magnitude (shrinkage to 0 included)
    }
    expect(bad).toBe(0);
    expect(r.changed).toBe(changed);
    expect(changed).toBeGreaterThan(0);
    c.dc.forEach((d, i) => expect(same(d, s.dc[i]!)).toBe(true));
  });

  it('cuts a payload larger than the capacity; the prefix extracts', async () => {
    const jpg = await jpegCover(42, 85, 120, 90);
    const payload = new Rng(8).bytes(20000);
    const r = embedDct(jpg, payload, { tool: 'f5', key: 5 });
    expect(r.bitsEmbedded).toBeGreaterThan(0);
    expect(r.bitsEmbedded).toBeLessThan(payload.length * 8);
    expect(new F5(new TextEncoder().encode('5')).extract(r.file)).toEqual(payload.subarray(0, r.bitsEmbedded / 8));
  });
});

describe('repackJpeg', () => {
  it.each(QUALITIES)('q%i: changes no coefficient and decodes to the same pixels', async (q) => {
    const jpg = await jpegCover(51, q, 200, 136, true);
    const rp = repackJpeg(jpg);
    expect(same(rp, jpg)).toBe(false); // re-packed (standard tables), not a copy
    const c = coeffs(jpg);
    const s = coeffs(rp);
    expect(s.ids).toEqual(c.ids);
    c.blocks.forEach((b, i) => expect(same(b, s.blocks[i]!)).toBe(true));
    c.dc.forEach((d, i) => expect(same(d, s.dc[i]!)).toBe(true));
    const a = await decodeImage(jpg);
    const b = await decodeImage(rp);
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    expect(same(b.rgb, a.rgb)).toBe(true);
    expect(same(repackJpeg(rp), rp)).toBe(true);
  });

  it("is f5stegojs's pack() byte for byte on ordinary files", async () => {
    for (const [seed, q, meta] of [
      [53, 60, false],
      [54, 85, true],
      [55, 95, false],
    ] as const) {
      const jpg = await jpegCover(seed, q, 150 + seed, 97, meta);
      expect(same(repackJpeg(jpg), f5parser().parse(jpg).pack())).toBe(true);
      const st = embedDct(jpg, Uint8Array.of(9, 8, 7), { tool: 'pm1', key: 3 }).file;
      expect(same(repackJpeg(st), st)).toBe(true);
    }
  });

  it('keeps every coefficient where a flat area crosses 64 KiB of output (f5stegojs loses bytes there)', async () => {
    const w = 1024;
    const data = new Uint8Array(w * w * 3).fill(128);
    const rng = new Rng(60);
    for (let i = 0; i < w * 60 * 3; i++) data[i] = rng.int(0, 255);
    const jpg = await encodeImage({ width: w, height: w, channels: 3, data }, 'jpeg', { jpegQuality: 85 });
    const rp = repackJpeg(jpg);
    expect(rp.length).toBeGreaterThan(65536);
    const c = coeffs(jpg);
    const s = coeffs(rp);
    c.blocks.forEach((b, i) => expect(same(b, s.blocks[i]!)).toBe(true));
    c.dc.forEach((d, i) => expect(same(d, s.dc[i]!)).toBe(true));
    const a = await decodeImage(jpg);
    const b = await decodeImage(rp);
    expect(same(b.rgb, a.rgb)).toBe(true);
  });

  it('keeps COM and APPn metadata, for repack and stego alike', async () => {
    const jpg = await jpegCover(52, 85, 120, 80, true);
    const has = (f: Uint8Array, s: string): boolean => Buffer.from(f).includes(Buffer.from(s));
    expect(has(jpg, 'dct test comment') && has(jpg, 'adobe:ns:meta')).toBe(true);
    for (const f of [repackJpeg(jpg), ...(['f5', 'jsteg', 'outguess', 'pm1'] as DctTool[]).map((tool) => embedDct(jpg, Uint8Array.of(1, 2, 3), { tool, key: 1 }).file)]) {
      expect(has(f, 'dct test comment')).toBe(true);
      expect(has(f, 'adobe:ns:meta')).toBe(true);
    }
  });
});

describe('embedDct: determinism and errors', () => {
  it('same input and key give the same file; another key another file', async () => {
    const jpg = await jpegCover(61, 85, 128, 96);
    const p = new Rng(3).bytes(40);
    for (const tool of ['f5', 'outguess', 'pm1'] as DctTool[]) {
      const a = embedDct(jpg, p, { tool, key: 7 }).file;
      expect(same(embedDct(jpg, p, { tool, key: 7 }).file, a)).toBe(true);
      expect(same(embedDct(jpg, p, { tool, key: 8 }).file, a)).toBe(false);
    }
  });

  it('StarlightErrors: not a JPEG, truncated, empty payload, unknown tool, no room', async () => {
    const jpg = await jpegCover(62, 85, 64, 48);
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(StarlightError);
        return (e as StarlightError).code;
      }
      return 'none';
    };
    const png = await encodeImage(randomCover(new Rng(1), 'rgb', 16, 16), 'png');
    expect(code(() => embedDct(png, Uint8Array.of(1), { tool: 'jsteg' }))).toBe('E_CORRUPT_IMAGE');
    expect(code(() => repackJpeg(jpg.subarray(0, 300)))).toBe('E_CORRUPT_IMAGE');
    expect(code(() => embedDct(jpg, new Uint8Array(0), { tool: 'pm1' }))).toBe('E_INVALID_ARGUMENT');
    expect(code(() => embedDct(jpg, Uint8Array.of(1), { tool: 'lsb' as DctTool }))).toBe('E_INVALID_ARGUMENT');
    const flat = await encodeImage({ width: 16, height: 16, channels: 3, data: new Uint8Array(16 * 16 * 3).fill(128) }, 'jpeg', { jpegQuality: 80 });
    expect(dctCapacity(flat).nonZeroAc).toBe(0);
    for (const tool of ['f5', 'jsteg', 'outguess', 'pm1'] as DctTool[]) expect(code(() => embedDct(flat, Uint8Array.of(1), { tool }))).toBe('E_INVALID_ARGUMENT');
  });
});
