/**
 * Bit-exactness of the pure TypeScript JPEG decoder against libjpeg-turbo:
 * - @jsquash/jpeg (MozJPEG's libjpeg-turbo decoder, C IDCT) on the shared fixtures and on
 *   jpeg-js encodings of synthetic images, RGB-compared (grey replicated);
 * - Pillow's own pixels (the shared `streams/*.json.gz` goldens: Pillow 12.3 / libjpeg-turbo
 *   3.1.4) for every JPEG fixture, CMYK included;
 * - SHA-256 of libjpeg-turbo's output for small files in test-data/jpeg covering other sampling
 *   factors, progressive, restarts, greyscale, RGB, CMYK/YCCK and block smoothing. Those hashes
 *   come from libjpeg-turbo's C code (no SIMD) with the 3.x block-smoothing neighbourhood; MozJPEG
 *   is not a reference for 4:4:0 (it predates the h1v2 rounding change of libjpeg-turbo 2.0) or
 *   for block smoothing (it predates the 5x5 smoothing of 2.1), nor for CMYK (unsupported).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import decodeRef, { init as initRef } from '@jsquash/jpeg/decode.js';
import jpeg from 'jpeg-js';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { StarlightError } from '../errors.js';
import { decodeJpegPixels, type JpegPixels } from './jpeg-decoder.js';

const CWD = process.cwd();
const PKG = existsSync(join(CWD, 'src/codecs')) ? CWD : join(CWD, 'packages/core');
const SHARED = resolve(process.env.STARLIGHT_SHARED ?? join(PKG, '../../../shared'));
const FIXTURES = join(SHARED, 'fixtures/starlight-v4');
const TEST_DATA = join(PKG, 'test-data/jpeg');
const haveFixtures = existsSync(join(FIXTURES, 'images'));

type RefDecode = (buf: ArrayBuffer) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
const refDecode = decodeRef as unknown as RefDecode;

beforeAll(async () => {
  const req = createRequire(join(PKG, 'package.json'));
  const wasm = await WebAssembly.compile(readFileSync(req.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm')));
  await (initRef as unknown as (m: WebAssembly.Module) => Promise<void>)(wasm);
});

const sha256 = (d: Uint8Array): string => createHash('sha256').update(d).digest('hex');

/** First mismatch between our pixels (as RGB) and an RGBA reference, or null. */
function rgbMismatch(img: JpegPixels, rgba: Uint8ClampedArray, width: number, height: number): string | null {
  if (img.width !== width || img.height !== height) return `size ${img.width}x${img.height} vs ${width}x${height}`;
  if (img.channels === 4) return 'CMYK output cannot be compared with an RGB reference';
  const ch = img.channels;
  let diffs = 0;
  let first = '';
  for (let i = 0, n = width * height; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const mine = img.data[ch === 1 ? i : i * 3 + c]!;
      const ref = rgba[i * 4 + c]!;
      if (mine !== ref) {
        if (!diffs) first = `x=${i % width} y=${Math.floor(i / width)} c=${c}: ${mine} vs ${ref}`;
        diffs++;
      }
    }
  }
  return diffs ? `${diffs} samples differ, first at ${first}` : null;
}

async function expectSameAsJsquash(bytes: Uint8Array): Promise<void> {
  const ref = await refDecode(bytes.slice().buffer);
  const img = decodeJpegPixels(bytes);
  expect(rgbMismatch(img, ref.data, ref.width, ref.height)).toBeNull();
}

/** Pillow's CMYK -> RGB (Convert.c cmyk2rgb on rawmode "CMYK;I", i.e. C' = 255 - stored value). */
function pillowCmykToRgb(c: number, m: number, y: number, k: number): [number, number, number] {
  const mul255 = (a: number, b: number): number => {
    const t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  };
  const nk = 255 - (255 - k);
  return [nk - mul255(255 - c, nk), nk - mul255(255 - m, nk), nk - mul255(255 - y, nk)];
}

/** Python round(): half to even. */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d !== 0.5) return d < 0.5 ? f : f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Pillow's RGB centre-cropped / zero-padded to 256x256, CHW, as in the `pixel` golden. */
function pillowPixelStream(img: JpegPixels): Uint8Array {
  const W = img.width;
  const H = img.height;
  const out = new Uint8Array(3 * 256 * 256);
  const place = (d: number): [number, number, number] =>
    d >= 256 ? [pyRound((d - 256) / 2), 0, 256] : [0, Math.floor((256 - d) / 2), d];
  const [sx, dx, nx] = place(W);
  const [sy, dy, ny] = place(H);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const p = ((y + sy) * W + (x + sx)) * img.channels;
      const d = img.data;
      let rgb: [number, number, number];
      if (img.channels === 1) rgb = [d[p]!, d[p]!, d[p]!];
      else if (img.channels === 3) rgb = [d[p]!, d[p + 1]!, d[p + 2]!];
      else rgb = pillowCmykToRgb(d[p]!, d[p + 1]!, d[p + 2]!, d[p + 3]!);
      for (let c = 0; c < 3; c++) out[c * 65536 + (y + dy) * 256 + (x + dx)] = rgb[c]!;
    }
  }
  return out;
}

const fixtureJpegs = haveFixtures
  ? readdirSync(join(FIXTURES, 'images')).filter((f) => /\.jpe?g$/i.test(f) && !f.startsWith('bad_'))
  : [];

const describeFixtures = haveFixtures ? describe : describe.skip;

describeFixtures('shared JPEG fixtures', () => {
  it('finds the fixtures', () => {
    expect(fixtureJpegs.length).toBeGreaterThan(30);
  });

  it.each(fixtureJpegs.filter((f) => f !== 'edge_cmyk.jpg'))('%s matches @jsquash/jpeg exactly', async (f) => {
    await expectSameAsJsquash(new Uint8Array(readFileSync(join(FIXTURES, 'images', f))));
  });

  it.each(fixtureJpegs)("%s matches Pillow's pixel golden exactly", (f) => {
    const streams = join(FIXTURES, 'streams', f.replace(/\.[^.]+$/, '') + '.json.gz');
    const golden = JSON.parse(gunzipSync(readFileSync(streams)).toString('utf8')) as {
      streams: { pixel: { b64: string } };
    };
    const expected = new Uint8Array(Buffer.from(golden.streams.pixel.b64, 'base64'));
    const img = decodeJpegPixels(new Uint8Array(readFileSync(join(FIXTURES, 'images', f))));
    const got = pillowPixelStream(img);
    let diffs = 0;
    for (let i = 0; i < got.length; i++) if (got[i] !== expected[i]) diffs++;
    expect(diffs).toBe(0);
  });

  it('edge_cmyk.jpg decodes to raw CMYK (4 channels)', () => {
    const img = decodeJpegPixels(new Uint8Array(readFileSync(join(FIXTURES, 'images', 'edge_cmyk.jpg'))));
    expect([img.width, img.height, img.channels]).toEqual([90, 70, 4]);
  });

  it('bad_truncated_jpg.jpg throws E_TRUNCATED (Pillow: "image file is truncated")', () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'images', 'bad_truncated_jpg.jpg')));
    expect(() => decodeJpegPixels(bytes)).toThrow(StarlightError);
    try {
      decodeJpegPixels(bytes);
    } catch (e) {
      expect((e as StarlightError).code).toBe('E_TRUNCATED');
    }
  });
});

/** Deterministic "random-ish" RGBA content: gradients, texture, hard edges and noise. */
function synthRgba(w: number, h: number, seed: number): Uint8Array {
  const d = new Uint8Array(w * h * 4);
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      const edge = ((x >> 2) + (y >> 3)) & 1 ? 60 : 0;
      const n = rnd();
      d[o] = Math.min(255, Math.floor((x * 255) / Math.max(1, w - 1) * 0.7 + edge + n * 50));
      d[o + 1] = Math.min(255, Math.floor(127 + 120 * Math.sin((x + seed) / 3 + y / 5) * (n > 0.9 ? 1 : 0.6)));
      d[o + 2] = n > 0.97 ? 255 : n < 0.03 ? 0 : Math.floor((y * 255) / Math.max(1, h - 1));
      d[o + 3] = 255;
    }
  }
  return d;
}

describe('jpeg-js encodings (baseline 4:4:4) vs @jsquash/jpeg', () => {
  const sizes: [number, number][] = [
    [1, 1],
    [2, 3],
    [7, 5],
    [8, 8],
    [16, 16],
    [17, 13],
    [64, 48],
    [333, 129],
  ];
  const cases: [number, number, number][] = [];
  for (const [w, h] of sizes) for (const q of [5, 50, 90, 100]) cases.push([w, h, q]);
  it.each(cases)('%ix%i quality %i', async (w, h, q) => {
    const enc = jpeg.encode({ data: synthRgba(w, h, w * 31 + h * 7 + q), width: w, height: h }, q);
    await expectSameAsJsquash(new Uint8Array(enc.data));
  });
});

/**
 * test-data/jpeg: SHA-256 of libjpeg-turbo's output (grey, RGB, or CMYK as with out_color_space
 * JCS_CMYK), and whether MozJPEG is expected to agree.
 */
const TEST_FILES: Record<string, { size: [number, number, number]; sha256: string; jsquash: boolean; what: string }> = {
  's440.jpg': {
    size: [45, 37, 3],
    sha256: '8a1ca70aa0b409c0d88689619c4dcd436f7fbcb7a1f549fe9fe5ce9582328e10',
    jsquash: false,
    what: '4:4:0 (h1v2 fancy upsampling with the 1/2 rounding bias)',
  },
  's411.jpg': {
    size: [45, 37, 3],
    sha256: '59a3f17b831fa29d5b10c5b952c7c12896e3280ca62acdbe6e9cd3a825ea560c',
    jsquash: true,
    what: '4:1:1 (int_upsample)',
  },
  's422_rst.jpg': {
    size: [61, 50, 3],
    sha256: 'ded7a501935a67e6a6d480c0d59de923dfc230c8c6bbc38b3e2e3389d86c47d6',
    jsquash: true,
    what: '4:2:2 with a restart interval of 3 MCUs',
  },
  's32_int.jpg': {
    size: [45, 37, 3],
    sha256: '440c5a2df51e4a00675bd45efea430dbc84edf8fa7252abd7decffe9a9a9ecee',
    jsquash: true,
    what: 'luma 3x2, chroma 1x1 (int_upsample 3x2)',
  },
  'mixed.jpg': {
    size: [45, 37, 3],
    sha256: '581648732ac0f93d45528658944461e6626f128c3600d461d7dd8ac56915a135',
    jsquash: false,
    what: 'Y 2x1, Cb 1x2, Cr 1x1 (h1v2 on Y, h2v1 on Cb, h2v2 on Cr)',
  },
  'prog420.jpg': {
    size: [61, 50, 3],
    sha256: '2c31451d32e50b7adf14edbab4e6d97bf1ff758f7e78c18cc571d5efaf563925',
    jsquash: true,
    what: 'progressive 4:2:0 with successive approximation',
  },
  'grayprog.jpg': {
    size: [61, 50, 1],
    sha256: '964e8bd1d39c56ee80cbb1292da853ef566524177d069d98d3cccc2fb0c81c16',
    jsquash: true,
    what: 'progressive greyscale',
  },
  'rgb.jpg': {
    size: [45, 37, 3],
    sha256: 'b7ce087b8ad7a750d53ee2475d27b348593ad04f4439f4d6e780cf38c6d5206e',
    jsquash: true,
    what: 'RGB JPEG (Adobe transform 0)',
  },
  'seqmulti.jpg': {
    size: [45, 37, 3],
    sha256: 'd3ce524b9e72efafc0f219a7a1600844462945334628df253da53aaf04d4ccdb',
    jsquash: true,
    what: 'sequential, one scan per component',
  },
  'smooth_al1.jpg': {
    size: [61, 50, 3],
    sha256: '9bd8b2d58e5c210936ab638fb0526f66309e828dbfa6e610ae1d2a53edd14e94',
    jsquash: false,
    what: 'progressive whose last AC bit is never sent (block smoothing)',
  },
  'smooth_dconly.jpg': {
    size: [45, 37, 3],
    sha256: '32389e87a4e9de8a593dd806d2c0089a893b4243df29761a4d3c2b97dad76f12',
    jsquash: false,
    what: 'progressive DC scan only (block smoothing with DC interpolation)',
  },
  'q3.jpg': {
    size: [45, 37, 3],
    sha256: '4da690721a34c176fb88e63a7be2eff2d0b390dfe51853186e0dd08e024b93bf',
    jsquash: true,
    what: 'quality 3: 16-bit quantization tables (exact 64-bit IDCT path)',
  },
  'cmyk.jpg': {
    size: [45, 37, 4],
    sha256: '461e40d8d2352af6f78b6a674ed1310ed4520a3e039bec9e65eef0240f0e093c',
    jsquash: false,
    what: 'CMYK (Adobe transform 0)',
  },
  'ycck.jpg': {
    size: [45, 37, 4],
    sha256: 'd98ba5190c209608f6697c717cafda75dbd6528855d081198e8997a9a2cb22eb',
    jsquash: false,
    what: 'YCCK 2x2,1x1,1x1,2x2 (Adobe transform 2) -> CMYK',
  },
};

describe('test-data/jpeg vs libjpeg-turbo', () => {
  it('has every listed file', () => {
    expect(readdirSync(TEST_DATA).filter((f) => f.endsWith('.jpg')).sort()).toEqual(Object.keys(TEST_FILES).sort());
  });
  it.each(Object.entries(TEST_FILES))('%s', async (file, t) => {
    const bytes = new Uint8Array(readFileSync(join(TEST_DATA, file)));
    const img = decodeJpegPixels(bytes);
    expect([img.width, img.height, img.channels]).toEqual(t.size);
    expect(sha256(img.data)).toBe(t.sha256);
    if (t.jsquash) await expectSameAsJsquash(bytes);
  });
});

/* ------------------------------------------------------------------------------------------ */
/* Handcrafted streams                                                                          */
/* ------------------------------------------------------------------------------------------ */

function u16(v: number): number[] {
  return [v >> 8, v & 255];
}

function segment(marker: number, payload: number[]): number[] {
  return [0xff, marker, ...u16(payload.length + 2), ...payload];
}

/** Canonical Huffman codes for (bits[1..16], vals). */
function huffCodes(bits: number[], vals: number[]): Map<number, [number, number]> {
  const codes = new Map<number, [number, number]>();
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < bits[len - 1]!; i++) codes.set(vals[k++]!, [code++, len]);
    code <<= 1;
  }
  return codes;
}

/**
 * A 16x8 greyscale baseline JPEG with two DC-only blocks: DC quantizer 16 and DC values +300 and
 * -300, so the IDCT output before the level shift is +600 and -600, outside libjpeg's +-512
 * range-limit window. jidctint.c indexes its table with (x & 1023), which wraps these to 0 and
 * 255 (a saturating IDCT would give 255 and 0).
 */
function rangeLimitJpeg(): Uint8Array {
  const dcBits = [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const dcVals = [9, 10];
  const acBits = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const acVals = [0x00];
  const dc = huffCodes(dcBits, dcVals);
  const ac = huffCodes(acBits, acVals);
  let acc = 0;
  let n = 0;
  const data: number[] = [];
  const put = (v: number, len: number): void => {
    for (let i = len - 1; i >= 0; i--) {
      acc = (acc << 1) | ((v >> i) & 1);
      if (++n === 8) {
        data.push(acc);
        if (acc === 0xff) data.push(0);
        acc = 0;
        n = 0;
      }
    }
  };
  const putDiff = (diff: number): void => {
    const size = Math.abs(diff).toString(2).length;
    const [c, l] = dc.get(size)!;
    put(c, l);
    put(diff < 0 ? diff + (1 << size) - 1 : diff, size);
    const [e, el] = ac.get(0)!;
    put(e, el); // EOB
  };
  putDiff(300);
  putDiff(-600);
  while (n !== 0) put(1, 1);
  const q = new Array<number>(64).fill(1);
  q[0] = 16;
  return new Uint8Array([
    0xff,
    0xd8,
    ...segment(0xdb, [0, ...q]),
    ...segment(0xc0, [8, ...u16(8), ...u16(16), 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, ...dcBits, ...dcVals, 0x10, ...acBits, ...acVals]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...data,
    0xff,
    0xd9,
  ]);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof StarlightError ? e.code : `non-StarlightError: ${String(e)}`;
  }
  return 'ok';
}

/** Offset of the first marker `m` (0xFF m) in a JPEG. */
function markerAt(b: Uint8Array, m: number): number {
  for (let i = 2; i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] === m) return i;
  return -1;
}

describe('libjpeg behaviours', () => {
  it('wraps IDCT outputs through the 1024-entry range-limit table like jidctint.c', async () => {
    const bytes = rangeLimitJpeg();
    const img = decodeJpegPixels(bytes);
    expect([img.width, img.height, img.channels]).toEqual([16, 8, 1]);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 16; x++) expect(img.data[y * 16 + x]).toBe(x < 8 ? 0 : 255);
    }
    await expectSameAsJsquash(bytes);
  });

  it('uses the standard Huffman tables when a sequential file defines none (Motion-JPEG)', () => {
    const bytes = new Uint8Array(readFileSync(join(TEST_DATA, 's411.jpg')));
    const parts: Uint8Array[] = [];
    let p = 2;
    parts.push(bytes.subarray(0, 2));
    while (p < bytes.length) {
      const m = bytes[p + 1]!;
      if (m === 0xda) {
        parts.push(bytes.subarray(p));
        break;
      }
      const len = (bytes[p + 2]! << 8) | bytes[p + 3]!;
      if (m !== 0xc4) parts.push(bytes.subarray(p, p + 2 + len));
      p += 2 + len;
    }
    const stripped = new Uint8Array(parts.reduce((s, x) => s + x.length, 0));
    let o = 0;
    for (const x of parts) {
      stripped.set(x, o);
      o += x.length;
    }
    expect(markerAt(stripped, 0xc4)).toBe(-1);
    expect(sha256(decodeJpegPixels(stripped).data)).toBe(TEST_FILES['s411.jpg']!.sha256);
  });

  it('rejects arithmetic coding and 12-bit precision with E_UNSUPPORTED_FORMAT', () => {
    const base = new Uint8Array(readFileSync(join(TEST_DATA, 's411.jpg')));
    const sof = markerAt(base, 0xc0);
    const arith = base.slice();
    arith[sof + 1] = 0xc9;
    expect(codeOf(() => decodeJpegPixels(arith))).toBe('E_UNSUPPORTED_FORMAT');
    const twelve = base.slice();
    twelve[sof + 4] = 12;
    expect(codeOf(() => decodeJpegPixels(twelve))).toBe('E_UNSUPPORTED_FORMAT');
  });

  it('reports invalid data as E_CORRUPT_IMAGE and missing data as E_TRUNCATED', () => {
    expect(codeOf(() => decodeJpegPixels(new Uint8Array(0)))).toBe('E_CORRUPT_IMAGE');
    expect(codeOf(() => decodeJpegPixels(new Uint8Array([1, 2, 3, 4])))).toBe('E_CORRUPT_IMAGE');
    expect(codeOf(() => decodeJpegPixels(new Uint8Array([0xff, 0xd8, 0xff, 0x05, 0, 4, 0, 0])))).toBe('E_CORRUPT_IMAGE');
    const base = new Uint8Array(readFileSync(join(TEST_DATA, 'prog420.jpg')));
    expect(codeOf(() => decodeJpegPixels(base.subarray(0, 100)))).toBe('E_TRUNCATED');
    expect(codeOf(() => decodeJpegPixels(base.subarray(0, base.length - 2)))).toBe('E_TRUNCATED'); // no EOI
  });

  it('never hangs or throws anything but a StarlightError on truncated or damaged input', () => {
    const seeds = ['prog420.jpg', 's422_rst.jpg', 'ycck.jpg', 'smooth_al1.jpg'].map(
      (f) => new Uint8Array(readFileSync(join(TEST_DATA, f))),
    );
    const allowed = new Set(['ok', 'E_CORRUPT_IMAGE', 'E_TRUNCATED', 'E_UNSUPPORTED_FORMAT']);
    const seen = new Map<string, number>();
    const t0 = Date.now();
    let s = 0x1234567;
    const rnd = (n: number): number => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return (s >>> 0) % n;
    };
    for (const seed of seeds) {
      for (let len = 0; len <= seed.length; len += 7) {
        const code = codeOf(() => decodeJpegPixels(seed.subarray(0, len)));
        seen.set(code, (seen.get(code) ?? 0) + 1);
        expect(allowed.has(code) ? code : `${code} at length ${len}`).toBe(code);
      }
      for (let i = 0; i < 150; i++) {
        const b = seed.slice();
        for (let k = 0, nm = 1 + rnd(4); k < nm; k++) b[2 + rnd(b.length - 2)] = rnd(3) === 0 ? 0xff : rnd(256);
        const code = codeOf(() => decodeJpegPixels(b));
        seen.set(code, (seen.get(code) ?? 0) + 1);
        expect(allowed.has(code) ? code : `${code} for mutation ${i}`).toBe(code);
      }
    }
    expect(seen.get('ok')).toBeGreaterThan(0);
    expect(Date.now() - t0).toBeLessThan(60_000);
  });
});
