/**
 * Build the detector's dataset: clean covers from ../shared/data/starlight-sample-clean and the Debian
 * packages unpacked by fetch-covers.sh (tiled, rescaled and converted into a realistic inscription mix),
 * generated hard negatives, and stego made with @starlight/embed on OTHER covers: the five Starlight
 * methods in both bit orders plus attacker variants. Splits are by source image (no source, nor a tile
 * of it, in two splits). Writes <out>/files/** and <out>/manifest.jsonl.
 *
 * Usage: tsx tools/data/src/build.ts --out .cache/dataset [--clean 22000] [--stego 22000] [--seed 1]
 *        [--covers .cache/covers] [--shared ../shared] [--workers 2]
 */
import { decodeImage } from '@starlight/core';
import {
  EMBED_METHODS,
  METHOD_FORMATS,
  Rng,
  SYNTHETIC_KINDS,
  appendData,
  buildExif,
  capacityBits,
  embedAtRate,
  embedLsbVariant,
  embedPayload,
  encodeImage,
  encodePng,
  hashString,
  makeZip,
  syntheticCover,
  toIndexed,
  type Cover,
  type EmbedMethod,
  type ImageFormatName,
  type RasterImage,
} from '@starlight/embed';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { decodePat } from './pat.js';
import { lenBucket, type ManifestRow } from './rows.js';

type Split = 'train' | 'val' | 'test';
interface Source {
  path: string;
  source: string;
}
interface Item {
  id: number;
  split: Split;
  kind: 'clean' | 'stego';
  src: Source | null; // null: synthetic cover
  seed: number;
}

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../../..');

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
}

function splitOf(source: string): Split {
  const h = hashString(`split:${source}`) % 100;
  return h < 70 ? 'train' : h < 85 ? 'val' : 'test';
}

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

/** Every raster source file, with the id of the picture it shows (icon sizes of one icon share it). */
function listSources(covers: string, shared: string): Source[] {
  const out: Source[] = [];
  const sample = join(shared, 'data/starlight-sample-clean');
  for (const f of readdirSync(sample).sort()) out.push({ path: join(sample, f), source: `sample:${f.replace(/\.[^.]+$/, '')}` });
  let pkgs: string[] = [];
  try {
    pkgs = readdirSync(covers).filter((p) => p !== 'debs' && statSync(join(covers, p)).isDirectory()).sort();
  } catch {
    /* no Debian covers: sample + synthetic only (smoke runs) */
  }
  for (const pkg of pkgs) {
    const files = [...walk(join(covers, pkg))].filter((f) => /\.(png|jpe?g|gif|pat)$/i.test(f)).sort();
    for (const f of files) {
      const rel = relative(join(covers, pkg), f);
      const base = rel.split('/').pop()!.replace(/\.[^.]+$/, '');
      const icon = /icon-theme/.test(pkg);
      out.push({ path: f, source: icon ? `${pkg}:${base}` : `${pkg}:${rel}` });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Worker side: one item -> one file.

const TEXT_CORPUS: string[] = [];
function corpus(): string[] {
  if (TEXT_CORPUS.length) return TEXT_CORPUS;
  for (const dir of ['/usr/share/common-licenses', join(ROOT, '../shared/docs'), join(ROOT, 'README.md')]) {
    try {
      const files = statSync(dir).isDirectory() ? readdirSync(dir).map((f) => join(dir, f)) : [dir];
      for (const f of files) {
        try {
          TEXT_CORPUS.push(readFileSync(f, 'utf8'));
        } catch {
          /* unreadable: skip */
        }
      }
    } catch {
      /* missing: skip */
    }
  }
  if (!TEXT_CORPUS.length) TEXT_CORPUS.push('Starlight hides nothing here. '.repeat(200));
  return TEXT_CORPUS;
}

function payloadFor(rng: Rng, maxBytes: number): Uint8Array {
  const cap = Math.max(1, maxBytes);
  // log-uniform length from 8 bytes to capacity (shorter when the image is tiny)
  const lo = Math.min(8, cap);
  const n = Math.max(1, Math.min(cap, Math.round(Math.exp(Math.log(lo) + rng.float() * (Math.log(cap) - Math.log(lo))))));
  if (rng.bool(0.3)) return rng.bytes(n);
  const texts = corpus();
  const t = texts[rng.int(0, texts.length - 1)]!;
  const start = rng.int(0, Math.max(0, t.length - n - 1));
  const s = new TextEncoder().encode(t.slice(start, start + n));
  return s.length ? s.subarray(0, n) : rng.bytes(n);
}

async function loadRaster(src: Source): Promise<RasterImage | null> {
  const bytes = new Uint8Array(readFileSync(src.path));
  if (src.path.endsWith('.pat')) {
    const p = decodePat(bytes);
    if (!p) return null;
    if (p.channels === 2) {
      const data = new Uint8Array(p.width * p.height * 4);
      for (let i = 0; i < p.width * p.height; i++) {
        data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = p.data[2 * i]!;
        data[4 * i + 3] = p.data[2 * i + 1]!;
      }
      return { width: p.width, height: p.height, channels: 4, data };
    }
    return { width: p.width, height: p.height, channels: p.channels as 1 | 3 | 4, data: p.data.slice() };
  }
  try {
    const img = await decodeImage(bytes, { maxPixels: 16e6 });
    if (img.alpha) {
      const data = new Uint8Array(img.width * img.height * 4);
      for (let i = 0; i < img.width * img.height; i++) {
        data[4 * i] = img.rgb[3 * i]!;
        data[4 * i + 1] = img.rgb[3 * i + 1]!;
        data[4 * i + 2] = img.rgb[3 * i + 2]!;
        data[4 * i + 3] = img.alpha[i]!;
      }
      return { width: img.width, height: img.height, channels: 4, data };
    }
    return { width: img.width, height: img.height, channels: 3, data: img.rgb };
  } catch {
    return null;
  }
}

function crop(r: RasterImage, x: number, y: number, w: number, h: number): RasterImage {
  const ch = r.channels;
  const data = new Uint8Array(w * h * ch);
  for (let j = 0; j < h; j++) data.set(r.data.subarray(((y + j) * r.width + x) * ch, ((y + j) * r.width + x + w) * ch), j * w * ch);
  return { width: w, height: h, channels: ch, data };
}

function scaleNearest(r: RasterImage, w: number, h: number): RasterImage {
  const ch = r.channels;
  const data = new Uint8Array(w * h * ch);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(r.height - 1, Math.floor((y * r.height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(r.width - 1, Math.floor((x * r.width) / w));
      for (let c = 0; c < ch; c++) data[(y * w + x) * ch + c] = r.data[(sy * r.width + sx) * ch + c]!;
    }
  }
  return { width: w, height: h, channels: ch, data };
}

/** Box downscale (anti-aliased, introduces new colours: realistic resampling). */
function scaleBox(r: RasterImage, w: number, h: number): RasterImage {
  const ch = r.channels;
  const data = new Uint8Array(w * h * ch);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * r.height) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * r.height) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * r.width) / w);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * r.width) / w));
      for (let c = 0; c < ch; c++) {
        let s = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += r.data[(yy * r.width + xx) * ch + c]!;
        data[(y * w + x) * ch + c] = Math.round(s / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  return { width: w, height: h, channels: ch, data };
}

/** Target side: mostly small (pixel art, icons, thumbnails), some large. */
function targetSide(rng: Rng): number {
  const u = rng.float();
  if (u < 0.35) return rng.int(16, 128);
  if (u < 0.75) return rng.int(128, 384);
  if (u < 0.93) return rng.int(384, 1024);
  return rng.int(1024, 2048);
}

function deriveCover(rng: Rng, r: RasterImage): RasterImage {
  const side = targetSide(rng);
  let out = r;
  const maxSide = Math.max(r.width, r.height);
  if (maxSide > side * 1.25) {
    if (rng.bool(0.6)) {
      // tile / crop
      const w = Math.min(r.width, Math.max(16, Math.round(side * (0.6 + 0.8 * rng.float()))));
      const h = Math.min(r.height, Math.max(16, Math.round(side * (0.6 + 0.8 * rng.float()))));
      out = crop(r, rng.int(0, r.width - w), rng.int(0, r.height - h), w, h);
    } else {
      const k = side / maxSide;
      out = scaleBox(r, Math.max(8, Math.round(r.width * k)), Math.max(8, Math.round(r.height * k)));
    }
  } else if (maxSide * 2 <= side && rng.bool(0.5)) {
    // pixel-art upscaling, as inscriptions often do
    const f = Math.max(2, Math.min(8, Math.floor(side / maxSide)));
    out = scaleNearest(r, r.width * f, r.height * f);
  }
  if (out.width < 8 || out.height < 8) out = scaleNearest(out, Math.max(8, out.width * 4), Math.max(8, out.height * 4));
  return out;
}

function dropAlpha(r: RasterImage): RasterImage {
  if (r.channels !== 4) return r;
  const n = r.width * r.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[3 * i] = r.data[4 * i]!;
    data[3 * i + 1] = r.data[4 * i + 1]!;
    data[3 * i + 2] = r.data[4 * i + 2]!;
  }
  return { width: r.width, height: r.height, channels: 3, data };
}

function toGrey(r: RasterImage): RasterImage {
  const n = r.width * r.height;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const k = i * r.channels;
    data[i] = r.channels === 1 ? r.data[i]! : Math.round(0.299 * r.data[k]! + 0.587 * r.data[k + 1]! + 0.114 * r.data[k + 2]!);
  }
  return { width: r.width, height: r.height, channels: 1, data };
}

function withAlpha(rng: Rng, r: RasterImage): RasterImage {
  if (r.channels === 4) return r;
  const n = r.width * r.height;
  const data = new Uint8Array(n * 4);
  const mode = rng.int(0, 2); // opaque, uniform, soft gradient
  const a0 = rng.int(0, 255);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) data[4 * i + c] = r.channels === 1 ? r.data[i]! : r.data[i * r.channels + c]!;
    data[4 * i + 3] = mode === 0 ? 255 : mode === 1 ? a0 : Math.round((255 * (i % r.width)) / Math.max(1, r.width - 1));
  }
  return { width: r.width, height: r.height, channels: 4, data };
}

/** The clean format mix: [flavour, weight]. */
const CLEAN_FLAVOURS: [string, number][] = [
  ['png-rgb', 18],
  ['png-rgba', 12],
  ['png-p', 8],
  ['png-p-trns', 3],
  ['png-l', 4],
  ['gif', 12],
  ['jpeg', 18],
  ['webp-lossy', 10],
  ['webp-lossless', 8],
  ['bmp', 7],
];

function pick<T>(rng: Rng, table: [T, number][]): T {
  const total = table.reduce((a, [, w]) => a + w, 0);
  let u = rng.float() * total;
  for (const [v, w] of table) if ((u -= w) < 0) return v;
  return table[table.length - 1]![0];
}

const CAMERA_EXIF = (rng: Rng): Uint8Array => buildExif({ byteOrder: rng.bool() ? 'II' : 'MM' });

async function encodeClean(rng: Rng, cover: RasterImage): Promise<{ file: Uint8Array; format: string; w: number; h: number }> {
  const fl = pick(rng, CLEAN_FLAVOURS);
  let c: Cover = cover;
  const meta = rng.bool(0.15);
  let file: Uint8Array;
  switch (fl) {
    case 'png-rgb':
      c = dropAlpha(cover);
      file = await encodeImage(c, 'png', meta ? { png: { text: [{ keyword: 'Software', text: rng.bool() ? 'GIMP 2.10' : 'Aseprite', kind: 'tEXt' }] } } : {});
      break;
    case 'png-rgba':
      c = withAlpha(rng, cover);
      file = await encodeImage(c, 'png');
      break;
    case 'png-p':
    case 'png-p-trns':
      c = toIndexed(dropAlpha(cover));
      file = await encodeImage(c, 'png', fl === 'png-p-trns' ? { png: { transparency: [0, 128, 255] } } : {});
      break;
    case 'png-l':
      c = toGrey(cover);
      file = await encodeImage(c, 'png');
      break;
    case 'gif':
      c = rng.bool(0.3) ? toGrey(cover) : dropAlpha(cover);
      file = await encodeImage(c, 'gif');
      break;
    case 'jpeg':
      c = dropAlpha(cover);
      file = await encodeImage(c, 'jpeg', { jpegQuality: rng.int(60, 95), ...(meta ? { exif: CAMERA_EXIF(rng) } : {}) });
      break;
    case 'webp-lossy':
      c = rng.bool(0.2) ? withAlpha(rng, cover) : dropAlpha(cover);
      file = await encodeImage(c, 'webp', { webpLossy: rng.int(60, 95) });
      break;
    case 'webp-lossless':
      c = rng.bool(0.4) ? withAlpha(rng, cover) : dropAlpha(cover);
      file = await encodeImage(c, 'webp');
      break;
    default:
      c = rng.bool(0.2) ? toIndexed(dropAlpha(cover)) : dropAlpha(cover);
      file = await encodeImage(c, 'bmp');
  }
  return { file, format: fl, w: cover.width, h: cover.height };
}

const ATTACKS: [string, number][] = [
  ['lsb-seq-noterm', 3],
  ['lsb-keyed', 3],
  ['lsb-matching', 2],
  ['lsb-one-channel', 2],
  ['lsb-rate', 3],
  ['append-zip', 2],
  ['append-png', 1],
  ['png-text', 1],
  ['jpeg-com', 1],
  ['xmp', 1],
];

interface StegoOut {
  file: Uint8Array;
  format: string;
  method: EmbedMethod;
  bitOrder: 'lsb-first' | 'msb-first' | null;
  variant: string;
  payloadLen: number;
}

const LOSSLESS_RASTER: ImageFormatName[] = ['png', 'bmp', 'webp'];

async function encodeRaster(rng: Rng, r: RasterImage, fmt: ImageFormatName): Promise<Uint8Array> {
  return encodeImage(fmt === 'bmp' && r.channels === 4 && rng.bool(0.5) ? dropAlpha(r) : r, fmt);
}

async function makeStego(rng: Rng, cover: RasterImage): Promise<StegoOut> {
  const attack = rng.bool(0.25) ? pick(rng, ATTACKS) : null;
  const rgb = dropAlpha(cover);
  if (!attack) {
    const method = EMBED_METHODS[rng.int(0, 4)]!;
    const formats = METHOD_FORMATS[method];
    const format = formats[rng.int(0, formats.length - 1)]!;
    const bitOrder = rng.bool() ? 'lsb-first' : 'msb-first';
    let c: Cover = method === 'alpha' ? withAlpha(rng, cover) : method === 'palette' ? toIndexed(rng.bool(0.5) ? toGrey(cover) : rgb) : rng.bool(0.3) ? withAlpha(rng, cover) : rgb;
    if (method === 'lsb.rgb' && format === 'bmp' && rng.bool(0.5)) c = rgb;
    let capBytes = 4096;
    if (method === 'alpha' || method === 'palette' || method === 'lsb.rgb') capBytes = Math.floor(capacityBits(method, c.width, c.height) / 8) - 6;
    else if (method === 'exif') capBytes = 1500;
    const payload = payloadFor(rng, Math.max(1, capBytes));
    const r = await embedPayload(c, {
      method,
      format,
      payload,
      bitOrder,
      truncate: true,
      ...(method === 'eoi' ? { marker: rng.bool(0.3) } : {}),
      ...(method === 'exif' ? { exifHeader: rng.bool(0.8) ? 'ascii' : rng.bool() ? 'unicode' : 'jis' } : {}),
      ...(format === 'jpeg' ? { encode: { jpegQuality: rng.int(60, 95) } } : {}),
    });
    return {
      file: r.file,
      format: `${format}${c === rgb ? '' : isRasterAlpha(c) ? '-rgba' : ''}`,
      method,
      bitOrder: method === 'alpha' || method === 'palette' || method === 'lsb.rgb' ? bitOrder : null,
      variant: 'starlight',
      payloadLen: payload.length,
    };
  }
  const fmt = LOSSLESS_RASTER[rng.int(0, 2)]!;
  const bo = rng.bool() ? 'lsb-first' : 'msb-first';
  const capBytes = Math.floor((rgb.width * rgb.height * 3) / 8) - 8;
  switch (attack) {
    case 'lsb-seq-noterm':
    case 'lsb-keyed':
    case 'lsb-matching':
    case 'lsb-one-channel': {
      const oneCh = attack === 'lsb-one-channel';
      const payload = payloadFor(rng, oneCh ? Math.floor(capBytes / 3) : capBytes);
      const r = embedLsbVariant(rgb, payload, {
        bitOrder: bo,
        channels: oneCh ? [(['r', 'g', 'b'] as const)[rng.int(0, 2)]!] : ['r', 'g', 'b'],
        ...(attack === 'lsb-keyed' ? { key: rng.int(1, 1e9) } : {}),
        ...(attack === 'lsb-matching' ? { matching: true, key: rng.bool() ? rng.int(1, 1e9) : undefined } : {}),
        lengthPrefix: rng.bool(0.3),
      } as never);
      const sequential = attack === 'lsb-seq-noterm' || attack === 'lsb-one-channel';
      return { file: await encodeRaster(rng, r.stego, fmt), format: fmt, method: 'lsb.rgb', bitOrder: sequential ? bo : null, variant: attack, payloadLen: payload.length };
    }
    case 'lsb-rate': {
      const bpp = Math.exp(Math.log(0.01) + rng.float() * (Math.log(1) - Math.log(0.01)));
      const r = embedAtRate(rgb, bpp, { seed: rng.int(1, 1e9), ...(rng.bool() ? { key: rng.int(1, 1e9) } : {}), matching: rng.bool(0.3) });
      return { file: await encodeRaster(rng, r.stego, fmt), format: fmt, method: 'lsb.rgb', bitOrder: null, variant: `lsb-rate`, payloadLen: r.payload.length };
    }
    case 'append-zip':
    case 'append-png': {
      const host = (['png', 'jpeg', 'gif', 'webp', 'bmp'] as const)[rng.int(0, 4)]!;
      const base = await encodeImage(host === 'gif' ? toIndexed(rgb) : rgb, host);
      const inner = payloadFor(rng, 4096);
      const extra = attack === 'append-zip' ? makeZip([{ name: 'secret.txt', data: inner }]) : encodePng(syntheticCover(rng, 'noise', rng.int(8, 48), rng.int(8, 48)));
      return { file: appendData(base, extra), format: host, method: 'eoi', bitOrder: null, variant: attack, payloadLen: extra.length };
    }
    default: {
      const payload = new TextDecoder().decode(payloadFor(rng, 1200).map((b) => (b < 32 || b > 126 ? 32 + (b % 95) : b)));
      let file: Uint8Array;
      let format: string;
      if (attack === 'png-text') {
        file = await encodeImage(rgb, 'png', { png: { text: [{ keyword: 'Comment', text: payload, kind: (['tEXt', 'zTXt', 'iTXt'] as const)[rng.int(0, 2)] }] } });
        format = 'png';
      } else if (attack === 'jpeg-com') {
        file = await encodeImage(rgb, 'jpeg', { jpegQuality: rng.int(60, 95), comments: [payload] });
        format = 'jpeg';
      } else {
        format = rng.bool() ? 'jpeg' : 'png';
        file = await encodeImage(rgb, format as ImageFormatName, { xmp: `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>${payload.replace(/[<&]/g, ' ')}</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>` });
      }
      return { file, format, method: 'exif', bitOrder: null, variant: attack, payloadLen: payload.length };
    }
  }
}

function isRasterAlpha(c: Cover): boolean {
  return (c as RasterImage).channels === 4;
}

const EXT: Record<string, string> = { png: 'png', gif: 'gif', jpeg: 'jpg', webp: 'webp', bmp: 'bmp' };

async function runItem(out: string, it: Item): Promise<ManifestRow> {
  const rng = new Rng(it.seed);
  let raster: RasterImage | null = null;
  if (it.src) raster = await loadRaster(it.src);
  if (!raster) {
    const kind = SYNTHETIC_KINDS[rng.int(0, SYNTHETIC_KINDS.length - 1)]!;
    const s = targetSide(rng);
    raster = syntheticCover(rng, kind, Math.max(8, Math.round(s * (0.6 + 0.8 * rng.float()))), Math.max(8, s), rng.bool(0.3) ? 4 : 3);
  } else raster = deriveCover(rng, raster);
  const source = it.src?.source ?? `synthetic:${it.id}`;
  if (it.kind === 'clean') {
    const c = await encodeClean(rng, raster);
    const ext = EXT[c.format.split('-')[0]!]!;
    const file = `files/${it.split}/${it.id}.${ext}`;
    writeFileSync(join(out, file), c.file);
    return { file, split: it.split, source, stego: 0, method: null, bit_order: null, variant: 'clean', format: c.format, width: c.w, height: c.h, payload_len: null };
  }
  const s = await makeStego(rng, raster);
  const ext = EXT[s.format.split('-')[0]!]!;
  const file = `files/${it.split}/${it.id}.${ext}`;
  writeFileSync(join(out, file), s.file);
  return {
    file,
    split: it.split,
    source,
    stego: 1,
    method: s.method,
    bit_order: s.bitOrder,
    variant: s.variant,
    format: s.format,
    width: raster.width,
    height: raster.height,
    payload_len: s.payloadLen,
    len_bucket: lenBucket(s.payloadLen),
  };
}

async function workerMain(): Promise<void> {
  const { out, items } = workerData as { out: string; items: Item[] };
  for (const it of items) {
    let row: ManifestRow | null = null;
    let error: string | null = null;
    for (let attempt = 0; attempt < 3 && !row; attempt++) {
      try {
        row = await runItem(out, { ...it, seed: it.seed + attempt * 7919 });
      } catch (e) {
        error = `${it.src?.path ?? 'synthetic'}: ${(e as Error).message}`;
      }
    }
    parentPort!.postMessage(row ? { row } : { error });
  }
}

async function main(): Promise<void> {
  const out = resolve(arg('out', join(ROOT, '.cache/dataset')));
  const nClean = Number(arg('clean', '22000'));
  const nStego = Number(arg('stego', '22000'));
  const seed = Number(arg('seed', '1'));
  const workers = Number(arg('workers', '2'));
  const synthShare = Number(arg('synthetic', '0.08'));
  const sources = listSources(resolve(arg('covers', join(ROOT, '.cache/covers'))), resolve(arg('shared', join(ROOT, '../shared'))));
  const bySplit: Record<Split, Source[][]> = { train: [[], []], val: [[], []], test: [[], []] };
  // Covers for clean and for stego come from disjoint sources (stego is made on OTHER covers).
  for (const s of sources) bySplit[splitOf(s.source)][hashString(`role:${s.source}`) & 1]!.push(s);
  const rng = new Rng(seed);
  const items: Item[] = [];
  const splitShare: [Split, number][] = [
    ['train', 70],
    ['val', 15],
    ['test', 15],
  ];
  let id = 0;
  for (const [kind, count, role] of [
    ['clean', nClean, 0],
    ['stego', nStego, 1],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const split = pick(rng, splitShare);
      const pool = bySplit[split][role]!;
      const src = rng.float() < synthShare || pool.length === 0 ? null : pool[rng.int(0, pool.length - 1)]!;
      items.push({ id: id++, split, kind, src, seed: rng.int(1, 2 ** 31 - 2) });
    }
  }
  for (const s of ['train', 'val', 'test']) mkdirSync(join(out, 'files', s), { recursive: true });
  console.log(`${sources.length} source files; building ${nClean} clean + ${nStego} stego with ${workers} workers -> ${out}`);
  const t0 = Date.now();
  const rows: (ManifestRow | null)[] = new Array(items.length).fill(null);
  const errors: string[] = [];
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const mine = items.filter((_, i) => i % workers === w);
      return new Promise<void>((res, rej) => {
        let k = 0;
        const wk = new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: { entry: import.meta.url, out, items: mine } });
        wk.on('message', (m: { row?: ManifestRow; error?: string }) => {
          const it = mine[k++]!;
          if (m.row) rows[it.id] = m.row;
          else errors.push(m.error!);
          const done = rows.filter(Boolean).length;
          if (w === 0 && k % 1000 === 0) console.log(`${done}/${items.length} (${((Date.now() - t0) / 1000).toFixed(0)}s)`);
        });
        wk.on('error', rej);
        wk.on('exit', () => res());
      });
    }),
  );
  const ok = rows.filter((r): r is ManifestRow => r !== null);
  writeFileSync(join(out, 'manifest.jsonl'), ok.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const count = (f: (r: ManifestRow) => boolean): number => ok.filter(f).length;
  console.log(
    JSON.stringify({
      files: ok.length,
      failed: errors.length,
      clean: count((r) => !r.stego),
      stego: count((r) => r.stego === 1),
      bySplit: Object.fromEntries(['train', 'val', 'test'].map((s) => [s, count((r) => r.split === s)])),
      seconds: Math.round((Date.now() - t0) / 1000),
    }),
  );
  if (errors.length) console.log('first failures:', errors.slice(0, 5));
  if (errors.length > items.length * 0.02) process.exit(1);
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  workerMain().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
