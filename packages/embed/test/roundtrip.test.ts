import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StarlightError } from '@starlight/core';
import { decodeImage } from '../../core/src/decode.js';
import { extractPayloadFromImage, type PayloadCandidate } from '../../core/src/payload/index.js';
import { capacityBits, EMBED_METHODS, embedPayload, METHOD_FORMATS, type EmbedMethod, type EmbedOptions } from '../src/methods.js';
import type { BitOrder } from '../src/bits.js';
import type { CommentHeader } from '../src/exif.js';
import { Rng } from '../src/prng.js';
import { randomBinary, randomCover, randomText, type CoverKind } from './helpers.js';

/**
 * Property test: embed -> write the file -> read the bytes back -> extract gives back the exact
 * payload (and bit order), over randomised methods, formats, cover kinds, sizes (1x1, odd sizes,
 * images smaller than the payload: a clear E_TOO_LARGE), payload kinds and lengths up to capacity.
 * STARLIGHT_EMBED_CASES sets the number of cases (default 2400); STARLIGHT_EMBED_SEED the seed.
 */
const CASES = Number(process.env.STARLIGHT_EMBED_CASES ?? 2400);
const SEED = Number(process.env.STARLIGHT_EMBED_SEED ?? 20251127);

const dir = mkdtempSync(join(tmpdir(), 'starlight-embed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LSB = new Set<EmbedMethod>(['alpha', 'palette', 'lsb.rgb']);
const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

function side(rng: Rng): number {
  const r = rng.float();
  if (r < 0.04) return 1;
  if (r < 0.7) return rng.int(1, 40);
  if (r < 0.95) return rng.int(41, 128);
  return rng.int(129, 256);
}

function coverKind(rng: Rng, method: EmbedMethod): CoverKind {
  if (method === 'alpha') return rng.pick(['rgba', 'rgba', 'rgba', 'rgb', 'grey', 'indexed'] as const);
  if (method === 'palette') return rng.pick(['indexed', 'indexed', 'grey', 'rgb'] as const);
  return rng.pick(['rgb', 'rgba', 'grey', 'indexed'] as const);
}

interface Case {
  i: number;
  method: EmbedMethod;
  format: string;
  w: number;
  h: number;
  kind: CoverKind;
  len: number;
  text: boolean;
  expect: 'ok' | 'too-large' | 'truncated';
}

describe('embed -> file -> extract round trips', () => {
  it(`${CASES} randomised cases give back the exact payload and bit order`, async () => {
    const rng = new Rng(SEED);
    const failures: string[] = [];
    const tally = new Map<string, number>();
    let autoChecked = 0;
    const timing = { embed: 0, decode: 0, extract: 0, cover: 0, payload: 0 };
    for (let i = 0; i < CASES; i++) {
      const method = rng.pick(EMBED_METHODS);
      const format = rng.pick(METHOD_FORMATS[method]);
      const w = side(rng);
      const h = rng.bool(0.1) ? w : side(rng);
      const kind = coverKind(rng, method);
      const tc = performance.now();
      const cover = randomCover(rng, kind, w, h);
      timing.cover += performance.now() - tc;
      const o: EmbedOptions = { method, format, payload: '' };
      let text = rng.bool(0.6);
      let len: number;
      let expectKind: Case['expect'] = 'ok';
      const bitOrder: BitOrder = method === 'alpha' && rng.bool(0.8) ? 'lsb-first' : rng.pick(['msb-first', 'lsb-first'] as const);
      if (LSB.has(method)) {
        o.bitOrder = bitOrder;
        if (method === 'alpha' && rng.bool(0.3)) o.terminator = 'nul';
        const overhead = method === 'alpha' ? (o.terminator === 'nul' ? 5 : 6) : 1;
        const cap = Math.floor(capacityBits(method as 'alpha', w, h) / 8) - overhead;
        const r = rng.float();
        if (cap < 1 || r < 0.07) {
          len = Math.max(1, cap + rng.int(1, 20));
          expectKind = 'too-large';
        } else if (r < 0.1) {
          len = cap + rng.int(1, 40);
          o.truncate = true;
          expectKind = 'truncated';
          text = false;
        } else if (r < 0.45) len = rng.int(1, Math.min(cap, 16));
        else if (r < 0.6) len = cap;
        else len = rng.int(1, cap);
        len = Math.min(len, 40000);
      } else {
        const r = rng.float();
        len = r < 0.4 ? rng.int(1, 16) : r < 0.9 ? rng.int(17, 2000) : rng.int(2001, 30000);
        if (method === 'eoi' && rng.bool(0.4)) o.marker = true;
      }
      // Payload.
      let payload: Uint8Array | string;
      let header: CommentHeader = 'ascii';
      if (method === 'exif') {
        header = rng.pick(['ascii', 'ascii', 'ascii', 'undefined', 'unicode', 'jis'] as const);
        if (header === 'unicode') text = true;
        o.exifHeader = header;
        o.exifByteOrder = rng.pick(['II', 'MM'] as const);
      }
      const tp = performance.now();
      if (text) {
        let s = randomText(rng, len);
        // An exif comment is blank when it is only whitespace; alpha with a plain NUL terminator
        // cannot end in a space (the " \0" framing space is stripped): keep such cases well-formed.
        if (/^\s*$/.test(s) || (o.terminator === 'nul' && s.endsWith(' '))) s = s.slice(0, -1) + 'x';
        payload = s;
      } else {
        const b = randomBinary(rng, len, method !== 'eoi' && method !== 'exif');
        if (method === 'exif') {
          if (b[b.length - 1] === 0) b[b.length - 1] = 1;
          if (b.every((x) => x === 0 || x === 0x20 || x === 9 || x === 10 || x === 13)) b[0] = 0x41;
        }
        if (o.terminator === 'nul' && b[b.length - 1] === 0x20) b[b.length - 1] = 0x21;
        payload = b;
      }
      o.payload = payload;
      timing.payload += performance.now() - tp;
      const c: Case = { i, method, format, w, h, kind, len, text, expect: expectKind };
      const label = `#${i} ${method}/${format} ${w}x${h} ${kind} ${text ? 'text' : 'binary'} len=${len} ${expectKind}${o.bitOrder ? ' ' + o.bitOrder : ''}${header !== 'ascii' ? ' ' + header : ''}`;
      const key = `${method}/${format}/${expectKind}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);

      let result;
      const t0 = performance.now();
      try {
        result = await embedPayload(cover, o);
        timing.embed += performance.now() - t0;
      } catch (e) {
        if (c.expect === 'too-large' && e instanceof StarlightError && e.code === 'E_TOO_LARGE' && /payload too large/.test(e.message)) continue;
        failures.push(`${label}: embed threw ${(e as Error).message}`);
        continue;
      }
      if (c.expect === 'too-large') {
        failures.push(`${label}: expected E_TOO_LARGE, embedded ${result.framed.length} bytes`);
        continue;
      }
      const path = join(dir, `case-${i}.${format}`);
      writeFileSync(path, result.file);
      const bytes = new Uint8Array(readFileSync(path));
      const want = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
      try {
        const t1 = performance.now();
        const image = await decodeImage(bytes);
        const t2 = performance.now();
        timing.decode += t2 - t1;
        const report = extractPayloadFromImage(image, bytes, LSB.has(method) ? { method, bitOrder } : { method });
        timing.extract += performance.now() - t2;
        const top: PayloadCandidate | undefined = report.candidates[0];
        if (!top) {
          failures.push(`${label}: no candidate`);
          continue;
        }
        if (c.expect === 'truncated') {
          // What fits: the framed bytes cut to capacity, marker off.
          const cut = result.framed.subarray(method === 'alpha' && (o.marker ?? true) ? 4 : 0);
          if (!same(top.bytes, cut) || !top.truncated) failures.push(`${label}: truncated read gave ${top.length} bytes (want ${cut.length}), truncated=${top.truncated}`);
          continue;
        }
        if (header === 'unicode') {
          if (top.text !== payload) failures.push(`${label}: unicode text mismatch`);
        } else if (!same(top.bytes, want)) {
          failures.push(`${label}: got ${top.length} bytes ${top.hex.slice(0, 32)}…, want ${want.length} bytes`);
          continue;
        }
        if (LSB.has(method) && top.bitOrder !== bitOrder) failures.push(`${label}: bit order ${top.bitOrder}`);
        if (text && header !== 'unicode' && top.text !== payload) failures.push(`${label}: text mismatch`);
        // Long text payloads must also be found with no hints, with the right method and order.
        if (text && want.length >= 48) {
          autoChecked++;
          const auto = extractPayloadFromImage(image, bytes);
          const f = auto.found;
          const okAuto = f && f.method === method && (!LSB.has(method) || f.bitOrder === bitOrder) && (header === 'unicode' ? f.text === payload : same(f.bytes, want));
          if (!okAuto) failures.push(`${label}: auto mode found ${f ? `${f.method}/${f.bitOrder} len=${f.length} E=${f.evidence}` : 'nothing'} (top ${auto.candidates[0]?.method}/${auto.candidates[0]?.evidence})`);
        }
      } catch (e) {
        failures.push(`${label}: extract threw ${(e as Error).message}`);
      }
    }
    const summary = [...tally.entries()].sort().map(([k, v]) => `${k}=${v}`).join(' ');
    console.log(`round trips: ${CASES} cases (seed ${SEED}), ${autoChecked} also found with no hints; ms: cover ${timing.cover.toFixed(0)}, payload ${timing.payload.toFixed(0)}, embed ${timing.embed.toFixed(0)}, decode ${timing.decode.toFixed(0)}, extract ${timing.extract.toFixed(0)}; ${summary}`);
    expect(failures.slice(0, 30)).toEqual([]);
  });
});
