import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecodedImage } from '../../core/src/image.js';
import { decodeImage } from '../../core/src/decode.js';
import { extractPayload, PAYLOAD_FOUND_CONFIDENCE } from '../../core/src/payload/index.js';
import { ditherToPalette, SYNTHETIC_KINDS, syntheticCover, transformRaster } from '../src/covers.js';
import { encodeImage, type EncodeOptions, type ImageFormatName } from '../src/encode.js';
import { buildExif, DEFAULT_EXIF, DEFAULT_IFD0, userCommentValue } from '../src/exif.js';
import { greyRampPalette, toIndexed, type Cover, type IndexedImage, type RasterImage } from '../src/image.js';
import { xmpPacket } from '../src/containers.js';
import { Rng } from '../src/prng.js';
import { FIXTURES, haveShared, SAMPLE_CLEAN } from './helpers.js';

/**
 * False positives on clean images: no clean image may yield a candidate at or above
 * PAYLOAD_FOUND_CONFIDENCE. The corpus: the 311 sample images and the 40 clean fixtures as they are,
 * variants of the sample images (crops, flips, resizes, re-encoded in every format with the
 * metadata real software writes), and synthetic images (noise, gradients, flat areas, dithered
 * GIFs, anti-aliased shapes with soft alpha, JPEGs with camera EXIF, PNGs with text chunks).
 * STARLIGHT_CLEAN_FP_IMAGES sets the total (default 1000; the report figure used 10000).
 */
const TOTAL = Number(process.env.STARLIGHT_CLEAN_FP_IMAGES ?? 1000);
const SEED = Number(process.env.STARLIGHT_CLEAN_FP_SEED ?? 7);

const SOFTWARE = ['GIMP 2.10.34', 'Adobe Photoshop 25.1 (Windows)', 'Adobe ImageReady', 'paint.net 5.0', 'Pillow', 'ImageMagick 7.1.1-15', 'Snapseed 2.0'];

/** Legit metadata as cameras and editors write it (blank or absent UserComment: a non-blank one is the exif method itself). */
function legitMetadata(rng: Rng, format: ImageFormatName): EncodeOptions {
  const o: EncodeOptions = {};
  if ((format === 'jpeg' || format === 'png' || format === 'webp') && rng.bool(format === 'jpeg' ? 0.6 : 0.25)) {
    const comment = rng.pick([null, 'ascii-spaces', 'undefined-zeros', 'ascii-empty'] as const);
    const exifFields = [...DEFAULT_EXIF];
    const ifd0 = [...DEFAULT_IFD0, { tag: 0x0131, type: 2 as const, value: rng.pick(SOFTWARE) }];
    const uc =
      comment === 'ascii-spaces'
        ? userCommentValue(' '.repeat(rng.int(1, 120)), 'ascii')
        : comment === 'undefined-zeros'
          ? userCommentValue(new Uint8Array(rng.int(0, 256)), 'undefined')
          : comment === 'ascii-empty'
            ? userCommentValue(new Uint8Array(0), 'ascii')
            : undefined;
    const exifOptions: Parameters<typeof buildExif>[0] = { byteOrder: rng.pick(['II', 'MM'] as const), ifd0: ifd0.filter((f, i, a) => a.findIndex((g) => g.tag === f.tag) === i), exif: exifFields };
    if (uc) exifOptions.userComment = uc;
    o.exif = buildExif(exifOptions);
  }
  if ((format === 'jpeg' || format === 'png' || format === 'webp') && rng.bool(0.15)) o.xmp = xmpPacket(`Edited with ${rng.pick(SOFTWARE)}`);
  if (format === 'jpeg') {
    o.jpegQuality = rng.int(40, 98);
    if (rng.bool(0.2)) o.comments = [rng.pick(['CREATOR: gd-jpeg v1.0 (using IJG JPEG v80), quality = 90\n', 'File written by Adobe Photoshop\u00a8 4.0', 'Optimized by JPEGmini'])];
  }
  if (format === 'png' && rng.bool(0.4)) {
    o.png = {
      text: [
        { keyword: 'Software', text: rng.pick(SOFTWARE), kind: rng.pick(['tEXt', 'zTXt', 'iTXt'] as const) },
        ...(rng.bool(0.3) ? [{ keyword: 'Comment', text: 'Created with GIMP', kind: 'tEXt' as const }] : []),
        ...(rng.bool(0.2) ? [{ keyword: 'Creation Time', text: 'Tue, 14 May 2024 10:21:44 GMT', kind: 'tEXt' as const }] : []),
      ],
    };
  }
  if (format === 'gif' && rng.bool(0.3)) o.gif = { comment: 'Created with GIMP' };
  if (format === 'webp' && rng.bool(0.4)) o.webpLossy = rng.int(50, 95);
  return o;
}

/** To a palette image the way editors do it: ordered-dither cube, Floyd-Steinberg to a sampled palette, or a grey ramp. */
function paletteVersion(rng: Rng, r: RasterImage): IndexedImage {
  const how = rng.pick(['cube', 'fs', 'fs', 'grey'] as const);
  if (how === 'cube') return toIndexed(r);
  if (how === 'grey' || r.channels === 1) {
    const g = new Uint8Array(r.width * r.height);
    for (let i = 0; i < g.length; i++) g[i] = r.data[i * r.channels]!;
    return { width: r.width, height: r.height, indices: g, palette: greyRampPalette() };
  }
  const n = rng.pick([2, 4, 8, 16, 32, 64, 128, 256]);
  const pal = new Uint8Array(n * 3);
  for (let k = 0; k < n; k++) {
    const i = rng.int(0, r.width * r.height - 1);
    for (let c = 0; c < 3; c++) pal[3 * k + c] = r.data[i * r.channels + c]!;
  }
  return ditherToPalette(r, pal);
}

async function encodeClean(rng: Rng, r: RasterImage, formats: readonly ImageFormatName[] = ['png', 'gif', 'bmp', 'webp', 'jpeg']): Promise<{ bytes: Uint8Array; format: ImageFormatName }> {
  const format = rng.pick(formats);
  const o = legitMetadata(rng, format);
  let cover: Cover = r;
  if (format === 'gif' || (format === 'png' && rng.bool(0.2)) || (format === 'bmp' && rng.bool(0.3))) cover = paletteVersion(rng, r);
  if (format === 'bmp') o.bmpBits = 'indices' in cover ? 8 : r.channels === 4 ? 32 : 24;
  if (format === 'png' && 'indices' in cover && rng.bool(0.2)) o.png = { ...o.png, transparency: Uint8Array.of(0) };
  return { bytes: await encodeImage(cover, format, o), format };
}

function toRasterFromDecoded(img: DecodedImage): RasterImage {
  if (img.alpha) {
    const n = img.width * img.height;
    const data = new Uint8Array(n * 4);
    for (let i = 0; i < n; i++) {
      data.set(img.rgb.subarray(3 * i, 3 * i + 3), 4 * i);
      data[4 * i + 3] = img.alpha[i]!;
    }
    return { width: img.width, height: img.height, channels: 4, data };
  }
  return { width: img.width, height: img.height, channels: 3, data: img.rgb };
}

describe('clean images: no invented payloads', () => {
  it(`no found candidate over ${TOTAL}+ clean images`, async () => {
    if (!haveShared()) throw new Error('shared fixtures not found: set STARLIGHT_SHARED');
    const rng = new Rng(SEED);
    const found: string[] = [];
    const stats = new Map<string, { n: number; max: number; maxWhat: string }>();
    let total = 0;
    const check = async (category: string, bytes: Uint8Array): Promise<void> => {
      total++;
      const rep = await extractPayload(bytes);
      const s = stats.get(category) ?? { n: 0, max: 0, maxWhat: '' };
      s.n++;
      const top = rep.candidates[0];
      if (top && top.evidence > s.max) {
        s.max = top.evidence;
        s.maxWhat = `${top.method}/${top.bitOrder ?? '-'} len=${top.length}`;
      }
      stats.set(category, s);
      if (rep.found) found.push(`${category}: ${rep.found.method}/${rep.found.bitOrder} E=${rep.found.evidence} ${rep.found.hex.slice(0, 40)}`);
    };

    // 1. The real clean images as they are.
    const originals: Uint8Array[] = [];
    for (const f of readdirSync(SAMPLE_CLEAN).sort()) originals.push(new Uint8Array(readFileSync(join(SAMPLE_CLEAN, f))));
    for (const f of readdirSync(join(FIXTURES, 'images')).filter((f) => f.startsWith('clean-'))) originals.push(new Uint8Array(readFileSync(join(FIXTURES, 'images', f))));
    for (const b of originals) await check('original', b);

    // 2. Variants of the real images, 3. synthetic images: half and half of the rest.
    const decoded: RasterImage[] = [];
    for (const b of originals.slice(0, 311)) decoded.push(toRasterFromDecoded(await decodeImage(b)));
    const rest = Math.max(0, TOTAL - total);
    for (let i = 0; i < rest; i++) {
      if (i % 2 === 0) {
        const src = decoded[rng.int(0, decoded.length - 1)]!;
        const v = transformRaster(rng, src, 320);
        const { bytes, format } = await encodeClean(rng, v, v.channels === 4 ? ['png', 'webp', 'bmp', 'gif', 'jpeg'] : ['png', 'gif', 'bmp', 'webp', 'jpeg']);
        await check(`variant-${format}`, bytes);
      } else {
        const kind = rng.pick(SYNTHETIC_KINDS);
        const side = (): number => (rng.bool(0.1) ? rng.int(1, 8) : rng.bool(0.8) ? rng.int(8, 160) : rng.int(161, 384));
        const ch = rng.pick([1, 3, 3, 4, 4] as const);
        const cover = syntheticCover(rng, kind, side(), side(), ch);
        const { bytes, format } = await encodeClean(rng, cover);
        await check(`synthetic-${kind}-${format}`, bytes);
      }
    }
    let overallMax = 0;
    const lines = [...stats.entries()].sort().map(([k, s]) => {
      overallMax = Math.max(overallMax, s.max);
      return `${k.padEnd(28)} n=${String(s.n).padStart(5)}  max evidence ${s.max.toFixed(2).padStart(5)} (${s.maxWhat})`;
    });
    console.log(
      `clean false positives: ${found.length} of ${total} images at confidence >= ${PAYLOAD_FOUND_CONFIDENCE} (evidence >= 8); highest evidence on a clean image ${overallMax.toFixed(2)}\n${lines.join('\n')}`,
    );
    expect(found).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(Math.min(TOTAL, 351));
  });
});
