import { describe, expect, it } from '@jest/globals';
import { StarlightError } from '@starlight/core';
import { decodeImage, readContainer } from '../../core/src/decode.js';
import { findUserComment } from '../../core/src/payload/index.js';
import { decodeJpegCoefficients } from '../../core/src/codecs/jpeg-decoder.js';
import { encodeBmp } from '../src/bmp.js';
import { encodeJpegRgba, encodeWebpLossless } from '../src/codecs.js';
import { encodeGif } from '../src/gif.js';
import { encodeImage } from '../src/encode.js';
import { buildExif, userCommentValue } from '../src/exif.js';
import { embedPayload } from '../src/methods.js';
import { encodePng } from '../src/png.js';
import { Rng } from '../src/prng.js';
import type { IndexedImage, RasterImage } from '../src/image.js';
import { addWebpMetadata, insertJpegSegments } from '../src/containers.js';
import { xmpValues } from '../../core/src/metadata.js';

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);

function raster(rng: Rng, w: number, h: number, ch: 1 | 3 | 4): RasterImage {
  return { width: w, height: h, channels: ch, data: rng.bytes(w * h * ch) };
}
function indexed(rng: Rng, w: number, h: number, colors: number): IndexedImage {
  return { width: w, height: h, indices: rng.bytes(w * h, 0, colors - 1), palette: rng.bytes(colors * 3) };
}
function rgbOf(r: RasterImage): Uint8Array {
  const n = r.width * r.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[3 * i + c] = r.data[i * r.channels + (r.channels === 1 ? 0 : c)]!;
  return out;
}
function alphaOf(r: RasterImage): Uint8Array {
  return Uint8Array.from({ length: r.width * r.height }, (_, i) => r.data[i * 4 + 3]!);
}

const SIZES: [number, number][] = [
  [1, 1],
  [1, 7],
  [7, 1],
  [2, 3],
  [17, 13],
  [64, 31],
  [255, 3],
];

describe('PNG writer', () => {
  const rng = new Rng(1);
  it.each(SIZES)('%ix%i: colour types 0, 2, 3, 6 decode sample-exact (core decoder)', async (w, h) => {
    const g = raster(rng, w, h, 1);
    const dg = await decodeImage(encodePng(g));
    expect(dg.mode).toBe('L');
    expect(same(dg.rgb, rgbOf(g))).toBe(true);
    const c = raster(rng, w, h, 3);
    const dc = await decodeImage(encodePng(c, { filter: rng.bool() ? 'none' : 'adaptive' }));
    expect(dc.mode).toBe('RGB');
    expect(same(dc.rgb, c.data)).toBe(true);
    const a = raster(rng, w, h, 4);
    const da = await decodeImage(encodePng(a));
    expect(da.mode).toBe('RGBA');
    expect(same(da.rgb, rgbOf(a))).toBe(true);
    expect(same(da.alpha!, alphaOf(a))).toBe(true);
    const p = indexed(rng, w, h, rng.int(1, 256));
    const dp = await decodeImage(encodePng(p, { transparency: [0, 128] }));
    expect(dp.mode).toBe('P');
    expect(same(dp.indices!, p.indices)).toBe(true);
    expect(same(dp.palette!, p.palette)).toBe(true);
  });

  it('colour type 4 (grey + alpha) and tRNS keys are written', async () => {
    const la = raster(rng, 9, 5, 4);
    for (let i = 0; i < 45; i++) la.data[i * 4 + 1] = la.data[i * 4 + 2] = la.data[i * 4]!;
    const d = await decodeImage(encodePng(la, { colorType: 4 }));
    expect(d.mode).toBe('LA');
    expect((await decodeImage(encodePng(raster(rng, 4, 4, 3), { transparency: [1, 2, 3] }))).mode).toBe('RGB');
    expect(() => encodePng(raster(rng, 4, 4, 3), { transparency: [1] })).toThrow(StarlightError);
  });
});

describe('GIF writer (LZW)', () => {
  const rng = new Rng(2);
  it.each([2, 3, 4, 16, 17, 128, 256])('%i colours, several sizes, indices exact', async (colors) => {
    for (const [w, h] of SIZES) {
      const p = indexed(rng, w, h, colors);
      const d = await decodeImage(encodeGif(p, { interlace: rng.bool(0.3) }));
      expect([d.width, d.height]).toEqual([w, h]);
      expect(same(d.indices!, p.indices)).toBe(true);
    }
  });

  it('large noisy images fill the 4096-code table and clear it; flat ones make long codes', async () => {
    for (const p of [indexed(rng, 300, 200, 256), { ...indexed(rng, 400, 300, 2), indices: new Uint8Array(400 * 300) }]) {
      const d = await decodeImage(encodeGif(p, { comment: 'Created with GIMP', transparentIndex: 1 }));
      expect(same(d.indices!, p.indices)).toBe(true);
    }
  });

  it('comments: one Comment Extension each, in <= 255-byte sub-blocks, before the image; bytes come back exactly', async () => {
    const long = rng.bytes(700); // 255 + 255 + 190 sub-blocks, any byte values (0x00 included)
    const exact255 = rng.bytes(255, 1, 255);
    const text = 'Created with GIMP \u00e9\u65e5\u672c';
    const comments: (Uint8Array | string)[] = [text, long, new Uint8Array(0), exact255];
    const expected = [new TextEncoder().encode(text), long, new Uint8Array(0), exact255];
    for (const colors of [2, 16, 256]) {
      const p = indexed(rng, 37, 11, colors);
      for (const file of [encodeGif(p, { comments, transparentIndex: 1 }), await encodeImage(p, 'gif', { comments })]) {
        const blocks = gifBlocks(file);
        const found = blocks.filter((b) => b.label === 0xfe);
        expect(found.map((b) => Array.from(b.data))).toEqual(expected.map((e) => Array.from(e)));
        for (const b of found) {
          expect(b.sizes.every((n) => n >= 1 && n <= 255)).toBe(true);
          expect(b.sizes.slice(0, -1).every((n) => n === 255)).toBe(true);
        }
        expect(found.find((b) => b.data.length === 700)!.sizes).toEqual([255, 255, 190]);
        expect(found.find((b) => b.data.length === 255)!.sizes).toEqual([255]);
        // every comment precedes the first image descriptor
        const firstImage = blocks.findIndex((b) => b.label === 0x2c);
        expect(firstImage).toBeGreaterThan(Math.max(...blocks.map((b, i) => (b.label === 0xfe ? i : -1))));
        const d = await decodeImage(file);
        expect([d.width, d.height]).toEqual([37, 11]);
        expect(same(d.indices!, p.indices)).toBe(true);
        expect(same(d.rgb, await decodeImage(encodeGif(p)).then((x) => x.rgb))).toBe(true);
      }
    }
  });
});

/** The blocks of a single-image GIF after the global colour table: extensions (label, data, sub-block sizes) and the image. */
function gifBlocks(b: Uint8Array): { label: number; data: Uint8Array; sizes: number[] }[] {
  expect(String.fromCharCode(...b.subarray(0, 6))).toBe('GIF89a');
  let o = 13 + (b[10]! & 0x80 ? 3 << ((b[10]! & 7) + 1) : 0);
  const out: { label: number; data: Uint8Array; sizes: number[] }[] = [];
  const readSubBlocks = (): { data: Uint8Array; sizes: number[] } => {
    const parts: number[] = [];
    const sizes: number[] = [];
    for (;;) {
      const n = b[o++]!;
      if (n === 0) return { data: Uint8Array.from(parts), sizes };
      sizes.push(n);
      parts.push(...b.subarray(o, o + n));
      o += n;
    }
  };
  for (;;) {
    const t = b[o++];
    if (t === 0x3b) break;
    if (t === 0x21) {
      const label = b[o++]!;
      out.push({ label, ...readSubBlocks() });
    } else if (t === 0x2c) {
      const flags = b[o + 8]!;
      o += 9 + (flags & 0x80 ? 3 << ((flags & 7) + 1) : 0);
      o += 1; // LZW minimum code size
      out.push({ label: 0x2c, ...readSubBlocks() });
    } else throw new Error(`unexpected GIF block 0x${(t ?? -1).toString(16)} at ${o - 1}`);
  }
  expect(o).toBe(b.length);
  return out;
}

describe('BMP writer', () => {
  const rng = new Rng(3);
  it.each(SIZES)('%ix%i: 24-bit, 32-bit RGB, 32-bit RGBA (V4 bit fields) and 8-bit', async (w, h) => {
    const c = raster(rng, w, h, 3);
    for (const topDown of [false, true]) {
      const d24 = await decodeImage(encodeBmp(c, { topDown }));
      expect(d24.mode).toBe('RGB');
      expect(same(d24.rgb, c.data)).toBe(true);
    }
    const d32 = await decodeImage(encodeBmp(c, { bits: 32 }));
    expect(same(d32.rgb, c.data)).toBe(true);
    const a = raster(rng, w, h, 4);
    const da = await decodeImage(encodeBmp(a));
    expect(da.mode).toBe('RGBA');
    expect(same(da.alpha!, alphaOf(a))).toBe(true);
    const p = indexed(rng, w, h, 200);
    const dp = await decodeImage(encodeBmp(p));
    expect(dp.mode).toBe('P');
    expect(same(dp.indices!, p.indices)).toBe(true);
    const file = encodeBmp(c);
    expect(readContainer(file).end).toBe(file.length);
  });
});

describe('WebP (lossless, exact) and JPEG via wasm', () => {
  const rng = new Rng(4);
  it.each(SIZES)('%ix%i: lossless WebP is sample-exact, including RGB under alpha 0', async (w, h) => {
    const a = raster(rng, w, h, 4);
    for (let i = 0; i < w * h; i += 3) a.data[i * 4 + 3] = 0;
    const d = await decodeImage(await encodeWebpLossless(a.data, w, h));
    expect(d.mode).toBe('RGBA');
    expect(same(d.rgb, rgbOf(a))).toBe(true);
    expect(same(d.alpha!, alphaOf(a))).toBe(true);
    const opaque = raster(rng, w, h, 4);
    for (let i = 0; i < w * h; i++) opaque.data[i * 4 + 3] = 255;
    expect((await decodeImage(await encodeWebpLossless(opaque.data, w, h))).mode).toBe('RGB');
  });

  it('JPEG encodes at the right size; EXIF/XMP insertion keeps WebP valid', async () => {
    const a = raster(rng, 33, 17, 4);
    const j = await decodeImage(await encodeJpegRgba(a.data, 33, 17, 90));
    expect([j.width, j.height, j.format]).toEqual([33, 17, 'jpeg']);
    const w = addWebpMetadata(await encodeWebpLossless(a.data, 33, 17), { exif: buildExif({ userComment: userCommentValue('x y z') }), xmp: '<x/>' });
    const d = await decodeImage(w);
    expect(d.mode).toBe('RGBA');
    expect(w[12 + 8]! & 0x18).toBe(0x18); // VP8X flags: alpha + EXIF
  });

  it('JPEG tables: MozJPEG own by default, the Annex K ones of the standard on request (quality 50 = the table itself)', async () => {
    const a = raster(rng, 24, 24, 4);
    const annexK = decodeJpegCoefficients(await encodeJpegRgba(a.data, 24, 24, 50, 'annex-k')).components[0]!.quant;
    expect(Array.from(annexK.subarray(0, 8))).toEqual([16, 11, 10, 16, 24, 40, 51, 61]);
    const moz = decodeJpegCoefficients(await encodeJpegRgba(a.data, 24, 24, 50)).components[0]!.quant;
    expect(Array.from(moz.subarray(0, 8))).not.toEqual([16, 11, 10, 16, 24, 40, 51, 61]);
  });

  it('an XMP packet larger than one JPEG segment becomes a standard packet plus extended XMP that core puts back together', async () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `<rdf:li>xmp.did:${i.toString(16).padStart(32, '0')}</rdf:li>`).join('');
    const body = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"><photoshop:DocumentAncestors><rdf:Bag>${ids}</rdf:Bag></photoshop:DocumentAncestors></rdf:Description></rdf:RDF></x:xmpmeta>`;
    const file = insertJpegSegments(await encodeJpegRgba(raster(rng, 16, 16, 4).data, 16, 16, 90), { xmp: `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>${body}<?xpacket end="w"?>` });
    const info = readContainer(file);
    expect(body.length).toBeGreaterThan(2 * 65533);
    expect(info.text).toHaveLength(2);
    const guid = xmpValues(info.text[0]!.value).find((v) => v.name === 'xmpNote:HasExtendedXMP')!.value;
    expect(guid).toMatch(/^[0-9A-F]{32}$/);
    expect(new TextDecoder().decode(info.text[1]!.value)).toBe(body);
    expect((await decodeImage(file)).width).toBe(16);
  });
});

describe('EXIF builder', () => {
  const rng = new Rng(6);
  it.each(['II', 'MM'] as const)('%s: core finds the UserComment in the Exif sub-IFD', (bo) => {
    const value = userCommentValue('hello exif', 'ascii', bo);
    const t = buildExif({ byteOrder: bo, userComment: value });
    const uc = findUserComment(t)!;
    expect(uc.ifd).toBe('exif');
    expect(uc.littleEndian).toBe(bo === 'II');
    expect(same(uc.value, value)).toBe(true);
  });
  it.each(['II', 'MM'] as const)('%s: a camera block (GPS IFD, MakerNote, IFD1 thumbnail) keeps every pointer right', async (bo) => {
    const le = bo === 'II';
    const thumb = await encodeJpegRgba(raster(rng, 40, 30, 4).data, 40, 30, 80);
    const maker = rng.bytes(3000);
    const value = userCommentValue('under a camera block', 'ascii', bo);
    const t = buildExif({
      byteOrder: bo,
      exif: [{ tag: 0x927c, type: 7, value: maker }],
      gps: [{ tag: 0x0001, type: 2, value: 'N' }, { tag: 0x0002, type: 5, value: [51, 1, 30, 1, 1234, 100] }],
      userComment: value,
      thumbnail: thumb,
    });
    const dv = new DataView(t.buffer, t.byteOffset);
    /** The IFD at `at` as tag -> [type, count, value-or-offset], and its next-IFD pointer. */
    const ifd = (at: number): { tags: Map<number, [number, number, number]>; next: number } => {
      const n = dv.getUint16(at, le);
      const tags = new Map<number, [number, number, number]>();
      for (let i = 0; i < n; i++) {
        const o = at + 2 + 12 * i;
        tags.set(dv.getUint16(o, le), [dv.getUint16(o + 2, le), dv.getUint32(o + 4, le), dv.getUint32(o + 8, le)]);
      }
      return { tags, next: dv.getUint32(at + 2 + 12 * n, le) };
    };
    const ifd0 = ifd(dv.getUint32(4, le));
    const exif = ifd(ifd0.tags.get(0x8769)![2]);
    const [, makerLen, makerAt] = exif.tags.get(0x927c)!;
    expect(same(t.subarray(makerAt, makerAt + makerLen), maker)).toBe(true);
    const gps = ifd(ifd0.tags.get(0x8825)![2]);
    const [, latCount, latAt] = gps.tags.get(0x0002)!;
    expect([latCount, dv.getUint32(latAt, le), dv.getUint32(latAt + 16, le)]).toEqual([3, 51, 1234]);
    const one = ifd(ifd0.next);
    const short = (v: number): number => (le ? v & 0xffff : v >>> 16); // a SHORT sits in the first 2 bytes of the slot
    expect(short(one.tags.get(0x0103)![2])).toBe(6); // JPEG-compressed thumbnail
    const at = one.tags.get(0x0201)![2];
    const len = one.tags.get(0x0202)![2];
    expect(same(t.subarray(at, at + len), thumb)).toBe(true);
    expect(at + len).toBe(t.length);
    // the Starlight exif method still reads its message under all of it
    expect(same(findUserComment(t)!.value, value)).toBe(true);
  });

  it('unicode comments are UTF-16 in the TIFF byte order', () => {
    expect(Array.from(userCommentValue('A', 'unicode', 'II').subarray(8))).toEqual([0x41, 0]);
    expect(Array.from(userCommentValue('A', 'unicode', 'MM').subarray(8))).toEqual([0, 0x41]);
  });
});

describe('embedder errors', () => {
  const rng = new Rng(5);
  const cover = raster(rng, 8, 8, 3);
  const code = async (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof StarlightError ? e.code : `not a StarlightError: ${String(e)}`),
    );
  it('method/format mismatches, bad payloads and bad covers are E_INVALID_ARGUMENT', async () => {
    expect(await code(embedPayload(cover, { method: 'alpha', format: 'jpeg', payload: 'x' }))).toBe('E_INVALID_ARGUMENT');
    expect(await code(embedPayload(cover, { method: 'exif', format: 'gif', payload: 'x' }))).toBe('E_INVALID_ARGUMENT');
    expect(await code(embedPayload(cover, { method: 'nope' as never, format: 'png', payload: 'x' }))).toBe('E_INVALID_ARGUMENT');
    expect(await code(embedPayload(cover, { method: 'palette', format: 'gif', payload: Uint8Array.of(65, 0, 66) }))).toBe('E_INVALID_ARGUMENT');
    expect(await code(embedPayload(cover, { method: 'eoi', format: 'png', payload: '' }))).toBe('E_INVALID_ARGUMENT');
    expect(await code(embedPayload({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }, { method: 'eoi', format: 'png', payload: 'x' }))).toBe('E_INVALID_ARGUMENT');
    expect(await code(embedPayload({ width: 0, height: 2, channels: 3, data: new Uint8Array(0) }, { method: 'eoi', format: 'png', payload: 'x' }))).toBe('E_INVALID_ARGUMENT');
  });

  it('an image smaller than the payload is E_TOO_LARGE with the numbers in the message', async () => {
    const one = raster(rng, 1, 1, 4);
    for (const method of ['alpha', 'palette', 'lsb.rgb'] as const) {
      const p = embedPayload(one, { method, format: 'png', payload: 'x' });
      await expect(p).rejects.toMatchObject({ code: 'E_TOO_LARGE' });
      await expect(p).rejects.toThrow(/payload too large: .* needs \d+ bits .* a 1x1 image holds \d+ bits/);
    }
    await expect(embedPayload(cover, { method: 'exif', format: 'jpeg', payload: new Uint8Array(70000).fill(65) })).rejects.toMatchObject({ code: 'E_TOO_LARGE' });
    // `truncate` cuts instead.
    const r = await embedPayload(raster(rng, 4, 4, 3), { method: 'lsb.rgb', format: 'png', payload: 'abcdefghij', truncate: true });
    expect(r.truncated).toBe(true);
    expect(new TextDecoder().decode(r.framed)).toBe('abcdef');
  });
});
