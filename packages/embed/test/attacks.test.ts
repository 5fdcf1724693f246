import { describe, expect, it } from '@jest/globals';
import { unzlibSync } from 'fflate';
import { StarlightError } from '@starlight/core';
import { decodeImage } from '../../core/src/decode.js';
import { extractPayload } from '../../core/src/payload/index.js';
import { embedAtRate, embedLsbVariant, extractLsbVariant, lsbVariantCapacity, makeZip } from '../src/attacks.js';
import { concatBytes } from '../src/bits.js';
import { crc32 } from '../src/crc32.js';
import { encodeImage, IMAGE_FORMATS } from '../src/encode.js';
import { insertJpegSegments, xmpPacket } from '../src/containers.js';
import type { RasterImage } from '../src/image.js';
import { encodePng } from '../src/png.js';
import { Rng } from '../src/prng.js';
import { randomCover, randomText } from './helpers.js';

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
const noisy = (seed: number, w = 64, h = 48, ch: 3 | 4 = 3): RasterImage => randomCover(new Rng(seed), ch === 3 ? 'rgb' : 'rgba', w, h) as RasterImage;

describe('attacker variants', () => {
  it('sequential LSB without a terminator: keyless extraction finds the text as an unterminated prefix', async () => {
    const rng = new Rng(3);
    for (let i = 0; i < 10; i++) {
      const msg = randomText(rng, 60 + i * 7).replace(/[^\x20-\x7e]/g, 'x');
      const r = embedLsbVariant(noisy(100 + i), msg, { bitOrder: i % 2 ? 'lsb-first' : 'msb-first' });
      const file = await encodeImage(r.stego, 'png');
      const rep = await extractPayload(file);
      expect(rep.found?.method).toBe('lsb.rgb');
      expect(rep.found?.bitOrder).toBe(i % 2 ? 'lsb-first' : 'msb-first');
      expect(rep.found?.text?.startsWith(msg)).toBe(true);
      expect(rep.found?.terminated).toBe(false);
    }
  });

  it('LSB matching (+-1) leaves the same LSBs as replacement, so a terminated payload is found exactly', async () => {
    const cover = noisy(7);
    const msg = 'LSB matching changes values by one, never the LSB plane it shares with replacement.';
    const m = embedLsbVariant(cover, msg, { matching: true, terminator: 'nul' });
    const rep = await extractPayload(await encodeImage(m.stego, 'png'));
    expect(rep.found?.text).toBe(msg);
    // Matching changed some values by +-1 where replacement would have flipped the LSB.
    let diffs = 0;
    for (let i = 0; i < cover.data.length; i++) {
      const d = m.stego.data[i]! - cover.data[i]!;
      expect(Math.abs(d)).toBeLessThanOrEqual(1);
      if (d !== 0) diffs++;
    }
    expect(diffs).toBeGreaterThan(0);
  });

  it('keyed scattered LSB: the key reads it back; keyless extraction does not report a payload', async () => {
    for (let i = 0; i < 8; i++) {
      const cover = noisy(200 + i, 80, 60, i % 2 ? 4 : 3);
      const msg = `secret number ${i}: meet at the usual place at noon, bring the documents`;
      const key = `passphrase-${i}`;
      const r = embedLsbVariant(cover, msg, { key, lengthPrefix: true, matching: i % 3 === 0 });
      const file = await encodeImage(r.stego, i % 2 ? 'webp' : 'png');
      const decoded = await decodeImage(file);
      const raster: RasterImage = { width: decoded.width, height: decoded.height, channels: 3, data: decoded.rgb };
      const back = extractLsbVariant(raster, r.framed.length, { key });
      expect(new TextDecoder().decode(back.subarray(4))).toBe(msg);
      expect(extractLsbVariant(raster, r.framed.length, { key: 'wrong' }).subarray(4)).not.toEqual(back.subarray(4));
      expect((await extractPayload(file)).found).toBeNull();
    }
  });

  it('one channel only (blue): the key-less reader finds it in its per-channel reads, and names the channel', async () => {
    const msg = 'blue channel only, sequential, with a terminator';
    const r = embedLsbVariant(noisy(11), msg, { channels: ['b'], terminator: 'nul' });
    const file = await encodeImage(r.stego, 'bmp');
    const d = await decodeImage(file);
    expect(new TextDecoder().decode(extractLsbVariant({ width: d.width, height: d.height, channels: 3, data: d.rgb }, msg.length, { channels: ['b'] }))).toBe(msg);
    const found = (await extractPayload(file)).found;
    expect([found?.method, found?.channel, found?.text]).toEqual(['lsb.rgb', 'B', msg]);
  });

  it.each([0.01, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0])('rate %f bpp: exact bits, about half of them change an LSB, no keyless find', async (bpp) => {
    const cover = noisy(31, 96, 96);
    for (const key of [undefined, 'k']) {
      const o = key === undefined ? {} : { key };
      const r = embedAtRate(cover, bpp, { ...o, seed: 5 });
      expect(r.payload.length).toBe(Math.max(1, Math.floor((bpp * 96 * 96) / 8)));
      expect(same(extractLsbVariant(r.stego, r.payload.length, o), r.payload)).toBe(true);
      let changed = 0;
      for (let i = 0; i < cover.data.length; i++) if (cover.data[i] !== r.stego.data[i]) changed++;
      const expected = r.bitsUsed / 2;
      expect(Math.abs(changed - expected)).toBeLessThan(Math.max(12, expected * 0.2));
      expect((await extractPayload(await encodeImage(r.stego, 'png'))).found).toBeNull();
    }
  });

  it('content-adaptive: only textured samples change, the key and threshold read it back, capacity is the textured share', () => {
    // left half flat (one grey), right half noise: only the right half (and the seam) is textured
    const cover = noisy(21, 64, 32);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) cover.data.fill(120, (y * 64 + x) * 3, (y * 64 + x) * 3 + 3);
    const cap = lsbVariantCapacity(cover, { adaptive: 2 });
    expect(cap).toBeGreaterThan(32 * 31 * 3 * 0.8);
    expect(cap).toBeLessThanOrEqual(33 * 32 * 3);
    expect(lsbVariantCapacity(cover)).toBe(64 * 32 * 3);
    const payload = new Rng(5).bytes(Math.floor(cap / 8) - 1);
    const r = embedLsbVariant(cover, payload, { key: 77, adaptive: 2, matching: false });
    let changed = 0;
    for (let i = 0; i < cover.data.length; i++) {
      if (r.stego.data[i] === cover.data[i]) continue;
      changed++;
      expect(Math.floor(i / 3) % 64).toBeGreaterThanOrEqual(31); // never inside the flat half
    }
    expect(changed).toBeGreaterThan(payload.length * 2);
    expect(same(extractLsbVariant(r.stego, payload.length, { key: 77, adaptive: 2 }), payload)).toBe(true);
    expect(same(extractLsbVariant(r.stego, payload.length, { key: 77 }), payload)).toBe(false);
    expect(() => embedLsbVariant(cover, new Uint8Array(Math.floor(cap / 8) + 1), { key: 77, adaptive: 2 })).toThrow(StarlightError);
  });

  it('rejects payloads over capacity and bad channels with typed errors', () => {
    expect(() => embedLsbVariant(noisy(1, 2, 2), 'way too long for four pixels')).toThrow(StarlightError);
    expect(() => embedLsbVariant(noisy(1, 8, 8), 'x', { channels: ['a'] as never })).not.toThrow();
    expect(() => embedLsbVariant(noisy(1, 8, 8), 'x', { channels: ['q' as never] })).toThrow(/not r, g, b or a/);
    expect(() => embedAtRate(noisy(1, 8, 8), 0)).toThrow(StarlightError);
  });
});

describe('appended files after the end of every container', () => {
  const cover = noisy(5, 40, 30);
  const zip = makeZip([
    { name: 'secret.txt', data: new TextEncoder().encode('the zip payload') },
    { name: 'key.bin', data: new Rng(9).bytes(200) },
  ]);
  it.each(IMAGE_FORMATS.map((f) => [f] as const))('%s: an appended zip or png is found as eoi with the file type', async (format) => {
    const image = await encodeImage(cover, format);
    const png = encodePng(noisy(6, 12, 12));
    for (const [extra, kind] of [
      [zip, 'zip'],
      [png, 'png'],
    ] as const) {
      const file = concatBytes(image, extra);
      const rep = await extractPayload(file);
      expect(rep.found?.method).toBe('eoi');
      expect(rep.found?.embeddedFile).toBe(kind);
      expect(same(rep.found!.bytes, extra)).toBe(true);
      expect(rep.found?.offset).toBe(image.length);
      // The image itself still decodes.
      expect((await decodeImage(file)).width).toBe(40);
    }
  });

  it('the zip is a valid archive (local header, central directory, CRCs)', () => {
    const dv = new DataView(zip.buffer);
    expect(dv.getUint32(0, true)).toBe(0x04034b50);
    const eocd = zip.length - 22;
    expect(dv.getUint32(eocd, true)).toBe(0x06054b50);
    expect(dv.getUint16(eocd + 10, true)).toBe(2);
    const cdAt = dv.getUint32(eocd + 16, true);
    expect(dv.getUint32(cdAt, true)).toBe(0x02014b50);
    const size = dv.getUint32(18, true);
    expect(dv.getUint32(14, true)).toBe(crc32(zip.subarray(30 + 10, 30 + 10 + size)));
  });
});

function pngChunks(b: Uint8Array): { type: string; data: Uint8Array }[] {
  const out: { type: string; data: Uint8Array }[] = [];
  const dv = new DataView(b.buffer, b.byteOffset);
  for (let o = 8; o + 12 <= b.length; ) {
    const len = dv.getUint32(o);
    const type = String.fromCharCode(...b.subarray(o + 4, o + 8));
    expect(dv.getUint32(o + 8 + len)).toBe(crc32(b, o + 4, o + 8 + len));
    out.push({ type, data: b.subarray(o + 8, o + 8 + len) });
    o += 12 + len;
  }
  return out;
}

describe('metadata carriers', () => {
  const msg = 'payload hidden in metadata: attack at dawn';
  it('PNG tEXt, zTXt and iTXt carry the payload and the file still decodes', async () => {
    const file = encodePng(noisy(8, 20, 20), {
      text: [
        { keyword: 'Comment', text: msg, kind: 'tEXt' },
        { keyword: 'Description', text: msg, kind: 'zTXt' },
        { keyword: 'Title', text: msg + ' \u2713', kind: 'iTXt', compressed: true },
      ],
    });
    expect((await decodeImage(file)).width).toBe(20);
    const chunks = pngChunks(file);
    const text = chunks.find((c) => c.type === 'tEXt')!.data;
    expect(new TextDecoder('latin1').decode(text)).toBe(`Comment\0${msg}`);
    const z = chunks.find((c) => c.type === 'zTXt')!.data;
    expect(new TextDecoder().decode(unzlibSync(z.subarray('Description'.length + 2)))).toBe(msg);
    const it = chunks.find((c) => c.type === 'iTXt')!.data;
    expect(new TextDecoder().decode(unzlibSync(it.subarray('Title'.length + 5)))).toBe(msg + ' \u2713');
    expect(() => encodePng(noisy(8, 2, 2), { text: [{ keyword: 'x', text: '\u2713', kind: 'tEXt' }] })).toThrow(StarlightError);
  });

  it('JPEG COM and XMP segments carry the payload and the file still decodes', async () => {
    const jpeg = await encodeImage(noisy(9, 24, 16), 'jpeg');
    const file = insertJpegSegments(jpeg, { comments: [msg], xmp: xmpPacket(msg) });
    const d = await decodeImage(file);
    expect([d.width, d.height]).toEqual([24, 16]);
    const s = new TextDecoder('latin1').decode(file);
    expect(s).toContain(msg);
    expect(s).toContain('http://ns.adobe.com/xap/1.0/\0<?xpacket');
    // The COM segment: FF FE, length, then the text.
    const at = file.findIndex((b, i) => b === 0xff && file[i + 1] === 0xfe);
    expect(new TextDecoder().decode(file.subarray(at + 4, at + 4 + msg.length))).toBe(msg);
  });
});
