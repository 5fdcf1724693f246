/**
 * Build the detector's dataset: clean covers from ../shared/data/starlight-sample-clean and the Debian
 * packages unpacked by fetch-covers.sh (tiled, rescaled and converted into a realistic inscription mix),
 * generated hard negatives, and stego made with @starlight/embed on OTHER covers: the five Starlight
 * methods in both bit orders plus attacker variants. Splits are by source image (no source, nor a tile
 * of it, in two splits). Writes <out>/files/** and <out>/manifest.jsonl.
 * Metadata: ~30 % of the clean images that can carry it get what real software writes
 * (legitMetadata), as do ~15 % of the LSB/eoi stego and 40 % of the metadata attacks (png-text,
 * jpeg-com, xmp, gif-comment: raw, base64, hex or printable payloads in many fields), so that
 * neither metadata presence nor a text field by itself means stego. A fifth of the covers, clean and
 * stego alike, go through JPEG first (withJpegHistory; manifest field jpeg_history).
 * JPEG DCT-domain stego (method 'dct'; variants dct-f5, dct-jsteg, dct-outguess, dct-pm1) is written
 * by f5stegojs's packer (embedDct) on photograph-like covers of 96 px and more (photographLike; when
 * the item's own cover is drawn art, one derived from a photographic package of the same split and
 * role); ~35 % of the clean JPEGs go through the same packer (repackJpeg), and ~2,000 clean files are
 * their counterparts: photograph-like covers of the same packages written as the DCT tools write them,
 * less the payload (a detector must not learn that a photograph means a DCT tool).
 *
 * Usage: tsx tools/data/src/build.ts --out .cache/dataset [--clean 34000] [--stego 24000] [--seed 1]
 *        [--covers .cache/covers] [--shared ../shared | --no-sample] [--synthetic 0.08] [--workers 2]
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
  dctCapacity,
  embedAtRate,
  embedDct,
  embedLsbVariant,
  lsbVariantCapacity,
  embedPayload,
  encodeImage,
  encodePng,
  hashString,
  makeZip,
  repackJpeg,
  syntheticCover,
  toIndexed,
  userCommentValue,
  type Cover,
  type DctTool,
  type EmbedMethod,
  type EncodeOptions,
  type ExifOptions,
  type ImageFormatName,
  type PngText,
  type RasterImage,
  type TiffField,
} from '@starlight/embed';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { decodePat } from './pat.js';
import { photographLike } from './photo.js';
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
  /** Photographic sources of the same split and role: covers for a DCT tool when src's is not photograph-like, and for their clean counterparts. */
  photo?: Source[];
}

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../../..');

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
}

function splitOf(source: string): Split {
  const h = hashString(`split:${source}`) % 100;
  return h < 60 ? 'train' : h < 80 ? 'val' : 'test';
}

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

/** Every raster source file, with the id of the picture it shows (icon sizes of one icon share it). */
function listSources(covers: string, shared: string | null): Source[] {
  const out: Source[] = [];
  if (shared) {
    const sample = join(shared, 'data/starlight-sample-clean');
    for (const f of readdirSync(sample).sort()) out.push({ path: join(sample, f), source: `sample:${f.replace(/\.[^.]+$/, '')}` });
  }
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
  // Fixed texts only (not this repository's README, which changes with the code), so a rebuild gives the same payloads.
  for (const dir of ['/usr/share/common-licenses', join(ROOT, '../shared/docs')]) {
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
  return payloadOfLength(rng, n);
}

/** payloadFor's content for a chosen length: random bytes (30 %) or a slice of text (at most n bytes: a text may be shorter). */
function payloadOfLength(rng: Rng, n: number): Uint8Array {
  if (rng.bool(0.3)) return rng.bytes(n);
  const texts = corpus();
  const t = texts[rng.int(0, texts.length - 1)]!;
  const start = rng.int(0, Math.max(0, t.length - n - 1));
  const slice = t.slice(start, start + n);
  // a slice of mostly blanks (indentation, line ends) is no message, and legitimate software writes such
  // blank comments (Canon's UserComment is spaces): random bytes instead
  const visible = slice.replace(/\s/g, '').length;
  const s = new TextEncoder().encode(slice);
  return s.length && visible >= Math.min(4, s.length / 2) ? s.subarray(0, n) : rng.bytes(n);
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
  if (u < 0.1) return rng.int(8, 20);
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
      const w = Math.min(r.width, Math.max(8, Math.round(side * (0.6 + 0.8 * rng.float()))));
      const h = Math.min(r.height, Math.max(8, Math.round(side * (0.6 + 0.8 * rng.float()))));
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

/** Grey + alpha (PNG colour type 4, Pillow's LA): the cover's own alpha, else one of withAlpha's. */
function toGreyAlpha(rng: Rng, r: RasterImage): RasterImage {
  const g = toGrey(r).data;
  const a = withAlpha(rng, r).data;
  const data = new Uint8Array(g.length * 4);
  for (let i = 0; i < g.length; i++) {
    data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = g[i]!;
    data[4 * i + 3] = a[4 * i + 3]!;
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
  ['png-la', 3],
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

// ---------------------------------------------------------------------------------------------
// Metadata as real software writes it (clean images, and next to hidden payloads in stego), and
// text hidden in metadata fields (the png-text / jpeg-com / xmp / gif-comment attacks). The
// detector reads metadata text; it must learn that ordinary metadata is clean.

type MetaFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp';

const latin1Bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 255);
const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const pad2 = (n: number): string => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function randomHex(rng: Rng, bytes: number, upper = false): string {
  const h = Array.from(rng.bytes(bytes), hex2).join('');
  return upper ? h.toUpperCase() : h;
}

function randomUuid(rng: Rng): string {
  const h = randomHex(rng, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[rng.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A moment (UTC ms) and the writer's time-zone offset in minutes. */
interface When {
  t: number;
  tz: number;
}
const T0 = Date.UTC(2004, 0, 1);
const T1 = Date.UTC(2025, 0, 1);
const TZS = [0, 0, 0, 60, 60, 120, 120, -300, -240, -420, -480, 330, 480, 540, 600, -180, 180];

function randomWhen(rng: Rng): When {
  return { t: Math.floor(T0 + rng.float() * (T1 - T0)), tz: rng.pick(TZS) };
}
function later(rng: Rng, w: When, maxDays = 30): When {
  return { t: w.t + Math.floor(rng.float() * rng.float() * maxDays * 86400e3), tz: w.tz };
}
function local(w: When): { Y: number; M: number; D: number; h: string; m: string; s: string } {
  const d = new Date(w.t + w.tz * 60e3);
  return { Y: d.getUTCFullYear(), M: d.getUTCMonth(), D: d.getUTCDate(), h: pad2(d.getUTCHours()), m: pad2(d.getUTCMinutes()), s: pad2(d.getUTCSeconds()) };
}
/** "2023-04-05T12:34:56+02:00" (XMP, ImageMagick). */
function isoDate(w: When, z = false): string {
  const l = local(w);
  const off = w.tz === 0 && z ? 'Z' : `${w.tz < 0 ? '-' : '+'}${pad2(Math.floor(Math.abs(w.tz) / 60))}:${pad2(Math.abs(w.tz) % 60)}`;
  return `${l.Y}-${pad2(l.M + 1)}-${pad2(l.D)}T${l.h}:${l.m}:${l.s}${off}`;
}
/** "2023:04:05 12:34:56" (EXIF). */
function exifDate(w: When): string {
  const l = local(w);
  return `${l.Y}:${pad2(l.M + 1)}:${pad2(l.D)} ${l.h}:${l.m}:${l.s}`;
}
/** PNG "Creation Time" as various writers put it. */
function creationTime(rng: Rng, w: When): string {
  const l = local(w);
  switch (rng.int(0, 3)) {
    case 0:
      return new Date(w.t).toUTCString(); // "Tue, 14 May 2024 10:21:44 GMT"
    case 1:
      return `${l.D} ${MONTHS[l.M]} ${l.Y} ${l.h}:${l.m}:${l.s} +0000`; // libpng png_convert_to_rfc1123
    case 2:
      return exifDate(w);
    default:
      return isoDate(w);
  }
}

const PEOPLE = [
  'Jane Doe',
  'John Smith',
  'María García',
  'Lukas Müller',
  'Anna Kowalska',
  'Sophie Martin',
  'Tom Becker',
  'Yuki Tanaka',
  'Priya Sharma',
  'Olusegun Adeyemi',
  'Emma Johansson',
  'Carlos Silva',
  'Nguyen Van An',
  'Chen Jing',
  '山田太郎',
  'pixelpusher',
  'jdoe',
  'The GNOME Project',
  'KDE Visual Design Group',
  'Tango Desktop Project',
];
const TITLES = [
  'icon for the settings dialog',
  'Created with GIMP',
  'app icon, 48px',
  'toolbar button (hover state)',
  'Company logo',
  'holiday 2019',
  'Sunset over the bay',
  'Untitled-1',
  'background tile',
  'sprite sheet v2',
  'Screenshot',
  'Figure 3: loss curve',
  'avatar',
  'Cover image',
  'banner draft',
  'scan 0042',
  'Map of the old town',
  'final_v3',
  'Thumbnail',
  'Pixel art cat',
  'level 1 tileset',
  'Product photo – front',
  'whiteboard notes, 12 March',
  'emblem-favorite',
  'Wallpaper',
];
const DESCRIPTIONS = [
  'Photo taken during the team offsite in Lisbon.',
  'Scanned from the original print, colour-corrected.',
  'Edited in GIMP: cropped and levels adjusted.',
  'Placeholder artwork, replace before release.',
  'Icon from the Tango Desktop Project, public domain.',
  'Exported from Figma',
  'A small icon used by the settings dialog of the application.',
  'Plot of the validation accuracy per epoch.',
  'View from the hotel balcony',
  'Rendered with Blender 3.6',
  'Diagram of the build pipeline',
  'OLYMPUS DIGITAL CAMERA',
  'Frame 12 of the walk cycle',
  'Generated by the documentation build, do not edit by hand.',
  'Logo, dark variant for the login screen',
];
const COMMENTS = [
  'Created with GIMP',
  'Made with Aseprite',
  'Resized with ImageMagick',
  'converted from SVG',
  'optimised with pngcrush',
  'frame 1',
  'edited',
  'Scanned with XSane',
  'Created with Inkscape',
  'Exported from Krita',
  'drawn on an iPad',
  'see LICENSE for terms',
  'v2, colours fixed',
];
const LICENSES = ['CC BY-SA 4.0', 'CC BY 4.0', 'CC0 1.0', 'All rights reserved.', 'GPL-2.0-or-later', 'MIT License', 'Public domain'];
const SOURCES = ['Canon EOS 80D', 'HP Scanjet G4050', 'iPhone 12', 'NIKON D750', 'Epson Perfection V600', 'Wacom Intuos', 'Blender'];

function copyrightText(rng: Rng): string {
  const y = rng.int(1998, 2024);
  const who = rng.pick(PEOPLE);
  switch (rng.int(0, 4)) {
    case 0:
      return `(c) ${y} ${who}, ${rng.pick(LICENSES)}`;
    case 1:
      return `Copyright ${y} ${who}. All rights reserved.`;
    case 2:
      return `© ${y} ${who}`;
    case 3:
      return rng.pick(LICENSES);
    default:
      return `Copyright (C) ${y}-${y + rng.int(1, 5)} ${who}`;
  }
}

const EDITORS = [
  'GIMP 2.10.34',
  'Adobe Photoshop 22.4 (Windows)',
  'Adobe Photoshop Lightroom Classic 12.0 (Macintosh)',
  'Adobe Photoshop CS6 (Windows)',
  'Windows Photo Editor 10.0.10011.16384',
  'Microsoft Windows Photo Viewer 6.1.7600.16385',
  'Picasa',
  'Snapseed 2.0',
  'ACDSee Pro 9',
  'Paint.NET v3.5.10',
  'Instagram',
];

function pngSoftware(rng: Rng): string {
  return pick(rng, [
    ['GIMP 2.10', 3],
    [`GIMP 2.10.${rng.int(8, 38)}`, 2],
    ['Aseprite', 3],
    ['Adobe ImageReady', 3],
    ['www.inkscape.org', 3],
    ['Paint.NET v3.5.10', 1],
    [`paint.net ${rng.pick(['4.2.16', '4.3.12', '5.0.13'])}`, 1],
    [`${rng.pick(['matplotlib', 'Matplotlib'])} version${rng.pick(['3.3.4', '3.5.2', '3.7.1', '3.8.0'])}, https://matplotlib.org/`, 2],
    ['Krita', 1],
    ['gnome-screenshot', 1],
    ['Greenshot', 1],
    ['Shutter', 0.5],
    ['Celsys Studio Tool', 0.5],
    ['Microsoft Office', 0.5],
    ['Picasa', 0.5],
  ]);
}

// Camera and editor EXIF -------------------------------------------------------------------------

const CAMERAS: [string, string, string][] = [
  ['Canon', 'Canon EOS 80D', 'Firmware Version 1.0.2'],
  ['Canon', 'Canon PowerShot G7 X Mark II', ''],
  ['NIKON CORPORATION', 'NIKON D750', 'Ver.1.13'],
  ['NIKON', 'COOLPIX P1000', 'COOLPIX P1000V1.3'],
  ['SONY', 'ILCE-7M3', 'ILCE-7M3 v3.01'],
  ['Apple', 'iPhone 12', '16.6'],
  ['Apple', 'iPhone XR', '14.4.2'],
  ['samsung', 'SM-G991B', 'G991BXXU5CVLL'],
  ['Google', 'Pixel 6', 'HDR+ 1.0.473385283zd'],
  ['FUJIFILM', 'X-T3', 'Digital Camera X-T3 Ver3.20'],
  ['OLYMPUS IMAGING CORP.', 'E-M10MarkII', 'Version 1.1'],
  ['Panasonic', 'DMC-GX80', 'Ver.1.1'],
  ['HUAWEI', 'ELE-L29', 'ELE-L29 10.0.0.168(C431E2R1P5)'],
];
const LENSES = ['EF-S18-55mm f/3.5-5.6 IS STM', 'iPhone 12 back dual wide camera 4.2mm f/1.6', 'FE 28-70mm F3.5-5.6 OSS', 'XF18-55mmF2.8-4 R LM OIS', '24.0-70.0 mm f/2.8'];

/** Where a maker's MakerNote starts: its vendor header (Canon and Samsung write none). */
const MAKER_PREFIX: [string, string][] = [
  ['NIKON', 'Nikon\0\u0002\u0011\0\0'],
  ['OLYMPUS', 'OLYMPUS\0II\u0003\0'],
  ['FUJIFILM', 'FUJIFILM\u000c\0\0\0'],
  ['SONY', 'SONY DSC \0\0\0'],
  ['Panasonic', 'Panasonic\0\0\0'],
  ['Apple', 'Apple iOS\0\0\u0001MM'],
  ['HUAWEI', 'HUAWEI\0\0'],
  ['Google', 'HDRP\u0002'],
];

/**
 * A MakerNote as cameras write it (0.3-40 KB): the vendor header, then an IFD whose values are
 * mostly small numbers, zeros and short strings, and often enciphered or packed blocks (Nikon and
 * Sony encipher shot data) that read as random bytes. Real photographs carry one; a detector that
 * took a large or high-entropy EXIF block for a payload would flag every camera picture.
 */
function makerNote(rng: Rng, make: string, le: boolean): Uint8Array {
  const prefix = latin1Bytes(MAKER_PREFIX.find(([k]) => make.toUpperCase().startsWith(k.toUpperCase()))?.[1] ?? '');
  const n = rng.int(8, 60);
  const values: [number, number, Uint8Array][] = []; // type, count, bytes
  for (let i = 0; i < n; i++) {
    const u = rng.float();
    if (u < 0.45) {
      const count = rng.int(1, u < 0.2 ? 2 : 64);
      const b = new Uint8Array(2 * count);
      const dv = new DataView(b.buffer);
      const scale = rng.pick([1, 16, 256, 4096, 65535]);
      for (let k = 0; k < count; k++) dv.setUint16(2 * k, rng.bool(0.3) ? 0 : rng.int(0, scale), le);
      values.push([3, count, b]);
    } else if (u < 0.6) {
      const count = rng.int(1, 8);
      const b = new Uint8Array(4 * count);
      const dv = new DataView(b.buffer);
      for (let k = 0; k < count; k++) dv.setUint32(4 * k, rng.bool(0.4) ? rng.int(0, 255) : rng.int(0, 2 ** 31), le);
      values.push([4, count, b]);
    } else if (u < 0.72) {
      const str = rng.pick([make.split(' ')[0]!, 'Ver.1.00 ', '0100', 'AUTO', 'NORMAL', 'FINE   ', String(rng.int(1e6, 1e9)), 'OFF', 'STANDARD', ' '.repeat(rng.int(4, 32))]);
      values.push([2, str.length + 1, latin1Bytes(`${str}\0`)]);
    } else {
      // undefined blocks: zeros and small numbers, or (one in four) enciphered/packed data
      const len = Math.round(Math.exp(Math.log(16) + rng.float() * (Math.log(rng.bool(0.3) ? 12000 : 1500) - Math.log(16))));
      const b = rng.bool(0.25) ? rng.bytes(len) : Uint8Array.from({ length: len }, () => (rng.bool(0.5) ? 0 : rng.int(0, rng.pick([3, 15, 100, 255]))));
      values.push([7, len, b]);
    }
  }
  const dirSize = 2 + 12 * n + 4;
  const dataSize = values.reduce((a, [, , b]) => a + (b.length > 4 ? b.length + (b.length & 1) : 0), 0);
  const out = new Uint8Array(prefix.length + dirSize + dataSize);
  out.set(prefix, 0);
  const dv = new DataView(out.buffer);
  const base = prefix.length;
  dv.setUint16(base, n, le);
  let at = base + dirSize;
  values.forEach(([type, count, b], i) => {
    const o = base + 2 + 12 * i;
    dv.setUint16(o, 1 + i * rng.int(1, 3), le);
    dv.setUint16(o + 2, type, le);
    dv.setUint32(o + 4, count, le);
    if (b.length <= 4) out.set(b, o + 8);
    else {
      dv.setUint32(o + 8, at, le);
      out.set(b, at);
      at += b.length + (b.length & 1);
    }
  });
  return out;
}

/** A GPS IFD as phones write it. */
function gpsFields(rng: Rng, when: When): TiffField[] {
  const dms = (deg: number): number[] => [Math.floor(deg), 1, Math.floor((deg % 1) * 60), 1, rng.int(0, 5999), 100];
  const l = local(when);
  return [
    { tag: 0x0000, type: 1, value: [2, 2, 0, 0] },
    { tag: 0x0001, type: 2, value: rng.pick(['N', 'S']) },
    { tag: 0x0002, type: 5, value: dms(rng.float() * 70) },
    { tag: 0x0003, type: 2, value: rng.pick(['E', 'W']) },
    { tag: 0x0004, type: 5, value: dms(rng.float() * 180) },
    { tag: 0x0005, type: 1, value: [0] },
    { tag: 0x0006, type: 5, value: [rng.int(0, 300000), 100] },
    { tag: 0x0007, type: 5, value: [rng.int(0, 23), 1, rng.int(0, 59), 1, rng.int(0, 59), 1] },
    { tag: 0x001d, type: 2, value: `${l.Y}:${pad2(l.M + 1)}:${pad2(l.D)}` },
  ];
}

type ExifParts = ExifOptions & { byteOrder: 'II' | 'MM' };
interface ExifWish {
  camera?: boolean;
  software?: string;
  w?: number;
  h?: number;
  /** A JPEG thumbnail of the picture, for IFD1 (cameras write one). */
  thumb?: Uint8Array;
}

/** A TIFF/EXIF block as a camera or an editor writes it (any UserComment is blank: a filled one is the exif method). */
function legitExif(rng: Rng, o: ExifWish = {}): Uint8Array {
  return buildExif(exifParts(rng, o));
}

/** The fields of legitExif's block (the exif method's stego writes its UserComment among them). */
function exifParts(rng: Rng, o: ExifWish = {}): ExifParts {
  const byteOrder = rng.bool() ? 'II' : 'MM';
  const camera = o.camera ?? rng.bool(0.6);
  if (camera && o.software === undefined && rng.bool(0.15)) return { byteOrder }; // the stock camera set, as before
  const shot = randomWhen(rng);
  const ifd0: TiffField[] = [];
  const ex: TiffField[] = [{ tag: 0x9000, type: 7, value: latin1Bytes(rng.pick(['0220', '0221', '0230', '0231', '0232'])) }];
  let software = o.software;
  let gps: TiffField[] | undefined;
  let thumbnail: Uint8Array | undefined;
  if (camera) {
    const [make, model, fw] = rng.pick(CAMERAS);
    ifd0.push({ tag: 0x010f, type: 2, value: make }, { tag: 0x0110, type: 2, value: model });
    if (make.startsWith('OLYMPUS') && rng.bool(0.8)) ifd0.push({ tag: 0x010e, type: 2, value: 'OLYMPUS DIGITAL CAMERA         ' });
    else if (rng.bool(0.08)) ifd0.push({ tag: 0x010e, type: 2, value: ' '.repeat(31) });
    if (software === undefined && fw) software = fw;
    ex.push(
      { tag: 0x829a, type: 5, value: [1, rng.pick([15, 30, 60, 125, 250, 500, 1000, 2000])] },
      { tag: 0x829d, type: 5, value: [rng.pick([14, 18, 24, 28, 40, 56, 80, 110]), 10] },
      { tag: 0x8827, type: 3, value: [rng.pick([50, 100, 125, 200, 400, 800, 1600, 3200])] },
      { tag: 0x9003, type: 2, value: exifDate(shot) },
      { tag: 0x9004, type: 2, value: exifDate(shot) },
      { tag: 0x9209, type: 3, value: [rng.pick([0, 16, 24, 25])] },
      { tag: 0x920a, type: 5, value: [rng.int(18, 2000), 10] },
      { tag: 0xa001, type: 3, value: [1] },
    );
    if (rng.bool(0.3)) ex.push({ tag: 0xa434, type: 2, value: rng.pick(LENSES) });
    if (rng.bool(0.15)) ex.push({ tag: 0x9286, type: 7, value: rng.bool() ? userCommentValue(new Uint8Array(rng.int(0, 256)), 'undefined') : userCommentValue(' '.repeat(rng.int(1, 120)), 'ascii') });
    // what real camera files carry besides: maker notes, sub-second times, unique ids, serials, GPS, a thumbnail
    if (rng.bool(0.3)) ex.push({ tag: 0x9101, type: 7, value: Uint8Array.of(1, 2, 3, 0) }, { tag: 0xa000, type: 7, value: latin1Bytes('0100') });
    if (rng.bool(0.3)) ex.push({ tag: 0x9291, type: 2, value: String(rng.int(0, 999)).padStart(rng.pick([2, 3]), '0') });
    if (rng.bool(0.15)) ex.push({ tag: 0xa420, type: 2, value: randomHex(rng, 16, rng.bool(0.5)) });
    if (rng.bool(0.15)) ex.push({ tag: 0xa431, type: 2, value: String(rng.int(1e5, 1e10)) });
    if (rng.bool(0.7)) ex.push({ tag: 0x927c, type: 7, value: makerNote(rng, make, byteOrder === 'II') });
    if (rng.bool(0.3)) gps = gpsFields(rng, shot);
    if (o.thumb && rng.bool(0.7)) thumbnail = o.thumb;
  } else {
    ex.push({ tag: 0xa001, type: 3, value: [rng.bool(0.7) ? 1 : 65535] });
    if (software === undefined && rng.bool(0.8)) software = rng.pick(EDITORS);
  }
  if (o.w && o.h) ex.push({ tag: 0xa002, type: rng.bool() ? 4 : 3, value: [o.w] }, { tag: 0xa003, type: rng.bool() ? 4 : 3, value: [o.h] });
  const res = rng.pick([72, 72, 96, 180, 300, 350]);
  ifd0.push({ tag: 0x0112, type: 3, value: [camera ? rng.pick([1, 1, 1, 6, 8, 3]) : 1] }, { tag: 0x011a, type: 5, value: [res, 1] }, { tag: 0x011b, type: 5, value: [res, 1] }, { tag: 0x0128, type: 3, value: [2] });
  if (software) ifd0.push({ tag: 0x0131, type: 2, value: software });
  ifd0.push({ tag: 0x0132, type: 2, value: exifDate(later(rng, shot)) });
  if (rng.bool(0.1)) ifd0.push({ tag: 0x013b, type: 2, value: rng.pick(PEOPLE) });
  if (rng.bool(0.08)) ifd0.push({ tag: 0x8298, type: 2, value: copyrightText(rng) });
  if (!thumbnail && o.thumb && rng.bool(0.15)) thumbnail = o.thumb; // editors keep or write one too
  return { byteOrder, ifd0, exif: ex, ...(gps ? { gps } : {}), ...(thumbnail ? { thumbnail } : {}) };
}

/** IPTC-IIM records (2:xx), bare or in a Photoshop 8BIM 0x0404 resource, as ImageMagick keeps them. */
function iptcBlock(rng: Rng): Uint8Array {
  const parts: number[] = [0x1c, 2, 0, 0, 2, 0, 4];
  const rec = (ds: number, s: string): void => {
    const b = new TextEncoder().encode(s);
    parts.push(0x1c, 2, ds, b.length >> 8, b.length & 255, ...b);
  };
  if (rng.bool(0.6)) rec(120, rng.pick(DESCRIPTIONS));
  if (rng.bool(0.6)) rec(80, rng.pick(PEOPLE));
  if (rng.bool(0.4)) rec(116, copyrightText(rng));
  for (let k = rng.int(0, 3); k > 0; k--) rec(25, rng.pick(['holiday', 'icon', 'logo', 'family', 'nature', 'city', 'draft', 'web']));
  const l = local(randomWhen(rng));
  rec(55, `${l.Y}${pad2(l.M + 1)}${pad2(l.D)}`);
  const iim = Uint8Array.from(parts);
  if (rng.bool(0.3)) return iim;
  const res = new Uint8Array(12 + iim.length + (iim.length & 1));
  res.set(latin1Bytes('8BIM\u0004\u0004\0\0'), 0);
  new DataView(res.buffer).setUint32(8, iim.length);
  res.set(iim, 12);
  return res;
}

/** ImageMagick's "Raw profile type <name>" text: "\n<name>\n<len %8>\n" and lower-case hex in lines of 72 characters. */
function rawProfile(name: string, data: Uint8Array): string {
  const hex = Array.from(data, hex2).join('');
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += 72) lines.push(hex.slice(i, i + 72));
  return `\n${name}\n${String(data.length).padStart(8)}\n${lines.join('\n')}\n`;
}

// XMP ------------------------------------------------------------------------------------------

type XmpStyle = 'photoshop' | 'photoshop-cs' | 'gimp' | 'exiftool' | 'apple' | 'minimal';
type HiddenSpot = 'dc:description' | 'dc:title' | 'dc:rights' | 'attr' | 'custom';
type XVal = string | { alt: string } | { seq: string[] } | { bag: string[] } | { history: [string, string][][] };
interface XProp {
  q: string;
  v: XVal;
}

const XMP_NS: Record<string, string> = {
  xmp: 'http://ns.adobe.com/xap/1.0/',
  dc: 'http://purl.org/dc/elements/1.1/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
  xmpMM: 'http://ns.adobe.com/xap/1.0/mm/',
  stEvt: 'http://ns.adobe.com/xap/1.0/sType/ResourceEvent#',
  tiff: 'http://ns.adobe.com/tiff/1.0/',
  exif: 'http://ns.adobe.com/exif/1.0/',
  GIMP: 'http://www.gimp.org/xmp/',
  xmpRights: 'http://ns.adobe.com/xap/1.0/rights/',
};
/** Namespaces an attacker (or an in-house tool) might declare. */
const CUSTOM_NS: [string, string][] = [
  ['ns1', 'http://ns.example.com/1.0/'],
  ['my', 'http://my.example.org/xmp/'],
  ['app', 'http://ns.acme.io/app/1.0/'],
  ['pdfx', 'http://ns.adobe.com/pdfx/1.3/'],
  ['custom', 'http://ns.custom.com/1.0/'],
  ['z', 'urn:z:'],
];
const CUSTOM_NAMES = ['note', 'data', 'msg', 'info', 'payload', 'blob', 'comment', 'k', 'value', 'd'];
const MIME: Record<MetaFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', bmp: 'image/bmp' };

/** XML-escape (attributes also escape quotes and whitespace controls so the value reads back exactly). */
function xmlEsc(s: string, attr = false): string {
  const r = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
  return attr ? r.replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;') : r;
}

function renderProp(p: XProp, ind: string, u: string, qt: string, evtAttrs: 'no' | 'line' | 'lines'): string {
  const n = u === '' ? '' : '\n'; // a bare writer puts it all on one line
  const b = ind + u;
  const c = b + u;
  const d = c + u;
  const v = p.v;
  if (typeof v === 'string') return `${ind}<${p.q}>${xmlEsc(v)}</${p.q}>${n}`;
  if ('alt' in v) return `${ind}<${p.q}>${n}${b}<rdf:Alt>${n}${c}<rdf:li xml:lang=${qt}x-default${qt}>${xmlEsc(v.alt)}</rdf:li>${n}${b}</rdf:Alt>${n}${ind}</${p.q}>${n}`;
  if ('seq' in v || 'bag' in v) {
    const [tag, items] = 'seq' in v ? ['rdf:Seq', v.seq] : ['rdf:Bag', v.bag];
    return `${ind}<${p.q}>${n}${b}<${tag}>${n}${items.map((i) => `${c}<rdf:li>${xmlEsc(i)}</rdf:li>${n}`).join('')}${b}</${tag}>${n}${ind}</${p.q}>${n}`;
  }
  const lis = v.history.map((ev) => {
    if (evtAttrs === 'line') return `${c}<rdf:li ${ev.map(([k, x]) => `stEvt:${k}=${qt}${xmlEsc(x, true)}${qt}`).join(' ')}/>${n}`;
    if (evtAttrs === 'lines') return `${c}<rdf:li${n}${ev.map(([k, x]) => `${d}stEvt:${k}=${qt}${xmlEsc(x, true)}${qt}`).join(n || ' ')}/>${n}`;
    return `${c}<rdf:li rdf:parseType=${qt}Resource${qt}>${n}${ev.map(([k, x]) => `${d}<stEvt:${k}>${xmlEsc(x)}</stEvt:${k}>${n}`).join('')}${c}</rdf:li>${n}`;
  });
  return `${ind}<${p.q}>${n}${b}<rdf:Seq>${n}${lis.join('')}${b}</rdf:Seq>${n}${ind}</${p.q}>${n}`;
}

/** History events: created, then saved (sometimes converted/derived on the way), 1-4 in all. */
function xmpHistory(rng: Rng, agent: string, start: When, iid: () => string, mime: string, keys: 'ps' | 'gimp', firstId?: string): [string, string][][] {
  const n = rng.int(1, 4);
  const out: [string, string][][] = [];
  let w = start;
  for (let i = 0; i < n; i++) {
    const action = i === 0 && keys === 'ps' ? 'created' : keys === 'ps' && i > 0 && rng.bool(0.2) ? 'converted' : 'saved';
    if (action === 'converted') {
      out.push([
        ['action', 'converted'],
        ['parameters', `from application/vnd.adobe.photoshop to ${mime}`],
      ]);
      continue;
    }
    const ev: [string, string][] = [
      ['action', action],
      ['instanceID', i === 0 && firstId ? firstId : iid()],
      ['when', isoDate(w)],
      ['softwareAgent', agent],
    ];
    if (action === 'saved') ev.push(['changed', '/']);
    if (keys === 'gimp') ev.sort((a, b2) => (a[0] < b2[0] ? -1 : 1)); // exiv2 writes them sorted
    out.push(ev);
    w = later(rng, w, 3);
  }
  return out;
}

/**
 * photoshop:DocumentAncestors: the ids of every document ever placed or pasted into this one, which
 * Photoshop carries along from file to file (1 to thousands, megabytes in extended XMP): xmp.did and
 * adobe:docid UUIDs, bare hex ids of 16 or 32 digits, decimal numbers, uuid: URNs.
 */
function documentAncestors(rng: Rng): string[] {
  const n = Math.floor(Math.exp(rng.float() * Math.log(4000)));
  const forms = [
    () => `xmp.did:${randomUuid(rng)}`,
    () => `adobe:docid:photoshop:${randomUuid(rng)}`,
    () => randomHex(rng, 16, true),
    () => randomHex(rng, 8, true),
    () => String(rng.int(1, 2 ** 31)),
    () => `uuid:${randomUuid(rng).toUpperCase()}`,
    () => `xmp.did:${randomHex(rng, 16, true)}`,
  ];
  const mix = forms.filter(() => rng.bool(0.5));
  if (!mix.length) mix.push(rng.pick(forms));
  return Array.from({ length: n }, () => rng.pick(mix)());
}

const PS_LOG: [string, string, string][] = [
  ['File', 'opened', 'saved'],
  ['文件', '已打开', '已存储'],
  ['Datei', 'geöffnet', 'gespeichert'],
  ['Fichier', 'ouvert', 'enregistré'],
  ['ファイル', 'を開きました', 'を保存しました'],
  ['Файл', 'открыт', 'сохранен'],
];

/** photoshop:History as Photoshop's history log writes it: "date<TAB>File path opened/saved", one event per line. */
function photoshopHistoryLog(rng: Rng, start: When): string {
  const [file, opened, saved] = rng.pick(PS_LOG);
  const user = rng.pick(['admin', 'design', 'undine', 'mkoch', 'lisa', 'user01']);
  const name = rng.pick(['Untitled-1', 'banner_final', '麒麟', 'Hintergrund', 'wallpaper v3', 'logo-2']);
  const paths = [
    `C:\\Users\\${user}\\AppData\\Roaming\\Adobe\\Adobe Photoshop CC 2019\\AutoRecover\\_${name}${randomHex(rng, 16, true)}.psb`,
    `D:\\work\\${rng.pick(['clients', 'projects', '2020', 'UK'])}\\${name}.psd`,
    `/Users/${user}/Desktop/${name}.psd`,
  ];
  const lines: string[] = [];
  let w = start;
  for (let i = 0, n = rng.int(1, 60); i < n; i++) {
    lines.push(`${isoDate(w)}\t${file} ${rng.pick(paths)} ${i === 0 ? opened : saved}`);
    w = later(rng, w, 0.05);
  }
  return lines.join('\n');
}

/** Short human fields (dc:title, dc:description, dc:rights, dc:creator), some of them. */
function humanDc(rng: Rng): XProp[] {
  const out: XProp[] = [];
  if (rng.bool(0.5)) out.push({ q: 'dc:title', v: { alt: rng.pick(TITLES) } });
  if (rng.bool(0.4)) out.push({ q: 'dc:description', v: { alt: rng.pick(DESCRIPTIONS) } });
  if (rng.bool(0.4)) out.push({ q: 'dc:rights', v: { alt: copyrightText(rng) } });
  if (rng.bool(0.4)) out.push({ q: 'dc:creator', v: { seq: [rng.pick(PEOPLE)] } });
  if (!out.length) out.push({ q: 'dc:title', v: { alt: rng.pick(TITLES) } });
  return out;
}

interface XmpOptions {
  style: XmpStyle;
  format: MetaFormat;
  w: number;
  h: number;
  /** Add short human dc fields (title, description, rights, creator). */
  human?: boolean;
  /** Text hidden in the packet (stego). */
  hidden?: { spot: HiddenSpot; text: string };
}

/** An XMP packet laid out as Photoshop (CC element form, CS attribute form), GIMP (exiv2), exiftool, macOS or a bare writer do. */
function buildXmp(rng: Rng, o: XmpOptions): string {
  const created = randomWhen(rng);
  const modified = later(rng, created);
  const mime = MIME[o.format];
  const props: XProp[] = [];
  let ind = '   ';
  let unit = '   ';
  let qt = '"';
  let attrForm = false;
  let evt: 'no' | 'line' | 'lines' = 'no';
  let xmptk = '';
  let wrapper = true;
  let padLines = 0;
  let perNamespace = false;
  switch (o.style) {
    case 'photoshop':
    case 'photoshop-cs': {
      const cs = o.style === 'photoshop-cs';
      const tool = cs
        ? rng.pick(['Adobe Photoshop CS6 (Windows)', 'Adobe Photoshop CS6 (Macintosh)', 'Adobe Photoshop CS5 Windows', 'Adobe Photoshop CS4 Macintosh'])
        : rng.pick(['Adobe Photoshop 22.4 (Windows)', 'Adobe Photoshop 24.1 (Macintosh)', 'Adobe Photoshop CC 2019 (Windows)', 'Adobe Photoshop CC 2017 (Macintosh)', 'Adobe Photoshop 25.0 (Windows)']);
      xmptk = cs
        ? rng.pick(['Adobe XMP Core 5.3-c011 66.145661, 2012/02/06-14:56:27        ', 'Adobe XMP Core 5.0-c060 61.134777, 2010/02/12-17:32:00        '])
        : rng.pick(['Adobe XMP Core 7.1-c000 79.dabacbb, 2021/04/14-00:39:44        ', 'Adobe XMP Core 5.6-c148 79.164036, 2019/08/13-01:06:57        ', 'Adobe XMP Core 9.0-c001 79.c0204b2def, 2023/02/02-12:14:24        ']);
      const id = (p: string): string => `${p}${cs ? randomHex(rng, 16, true) : randomUuid(rng)}`;
      const orig = id('xmp.did:');
      props.push({ q: 'xmp:CreatorTool', v: tool }, { q: 'xmp:CreateDate', v: isoDate(created) }, { q: 'xmp:ModifyDate', v: isoDate(modified) }, { q: 'xmp:MetadataDate', v: isoDate(modified) }, { q: 'dc:format', v: mime });
      props.push({ q: 'photoshop:ColorMode', v: rng.pick(['3', '3', '3', '1', '2']) });
      if (rng.bool(0.7)) props.push({ q: 'photoshop:ICCProfile', v: rng.pick(['sRGB IEC61966-2.1', 'Adobe RGB (1998)', 'Display P3']) });
      props.push({ q: 'xmpMM:InstanceID', v: id('xmp.iid:') }, { q: 'xmpMM:DocumentID', v: cs || rng.bool(0.5) ? id('xmp.did:') : `adobe:docid:photoshop:${randomUuid(rng)}` }, { q: 'xmpMM:OriginalDocumentID', v: orig });
      props.push({ q: 'xmpMM:History', v: { history: xmpHistory(rng, tool, created, () => id('xmp.iid:'), mime, 'ps', orig.replace('xmp.did:', 'xmp.iid:')) } });
      if (rng.bool(0.35)) props.push({ q: 'photoshop:DocumentAncestors', v: { bag: documentAncestors(rng) } });
      if (rng.bool(0.2)) props.push({ q: 'photoshop:History', v: photoshopHistoryLog(rng, created) });
      if (rng.bool(0.7)) props.push({ q: 'tiff:Orientation', v: '1' }, { q: 'tiff:XResolution', v: '720000/10000' }, { q: 'tiff:YResolution', v: '720000/10000' }, { q: 'tiff:ResolutionUnit', v: '2' });
      props.push({ q: 'exif:ColorSpace', v: rng.pick(['1', '65535']) }, { q: 'exif:PixelXDimension', v: String(o.w) }, { q: 'exif:PixelYDimension', v: String(o.h) });
      attrForm = cs;
      evt = cs ? 'line' : 'no';
      padLines = rng.bool(0.85) ? rng.int(20, 24) : 0;
      break;
    }
    case 'gimp': {
      const ver = `2.10.${rng.int(8, 38)}`;
      const os = rng.pick(['Linux', 'Windows', 'Mac OS']);
      xmptk = 'XMP Core 4.4.0-Exiv2';
      ind = '  ';
      unit = ' ';
      attrForm = true;
      evt = 'lines';
      props.push(
        { q: 'xmpMM:DocumentID', v: `gimp:docid:gimp:${randomUuid(rng)}` },
        { q: 'xmpMM:InstanceID', v: `xmp.iid:${randomUuid(rng)}` },
        { q: 'xmpMM:OriginalDocumentID', v: `xmp.did:${randomUuid(rng)}` },
        { q: 'dc:Format', v: mime },
        { q: 'GIMP:API', v: '2.0' },
        { q: 'GIMP:Platform', v: os },
        { q: 'GIMP:TimeStamp', v: `${modified.t}${rng.int(100, 999)}` },
        { q: 'GIMP:Version', v: ver },
        { q: 'tiff:Orientation', v: '1' },
        { q: 'xmp:CreatorTool', v: rng.pick(['GIMP 2.10', `GIMP ${ver}`]) },
        { q: 'xmpMM:History', v: { history: xmpHistory(rng, `Gimp 2.10 (${os})`, created, () => `xmp.iid:${randomUuid(rng)}`, mime, 'gimp') } },
      );
      padLines = rng.bool(0.6) ? rng.int(20, 24) : 0;
      break;
    }
    case 'exiftool': {
      xmptk = `Image::ExifTool ${rng.pick(['10.80', '11.88', '12.16', '12.40', '12.76', '13.00'])}`;
      ind = '  ';
      unit = ' ';
      qt = "'";
      perNamespace = true;
      if (rng.bool(0.4)) props.push({ q: 'xmp:CreateDate', v: isoDate(created) });
      if (rng.bool(0.3)) props.push({ q: 'xmp:CreatorTool', v: rng.pick(EDITORS) });
      if (rng.bool(0.2)) props.push({ q: 'xmpRights:Marked', v: 'True' });
      padLines = rng.bool(0.5) ? 24 : 0;
      break;
    }
    case 'apple':
      xmptk = rng.pick(['XMP Core 6.0.0', 'XMP Core 5.4.0']);
      wrapper = false;
      props.push({ q: 'exif:PixelYDimension', v: String(o.h) }, { q: 'exif:PixelXDimension', v: String(o.w) });
      if (rng.bool(0.7)) props.push({ q: 'exif:UserComment', v: 'Screenshot' });
      else props.push({ q: 'tiff:Orientation', v: '1' });
      break;
    case 'minimal':
      ind = '';
      unit = '';
      wrapper = rng.bool(0.6);
      if (!o.hidden) props.push(rng.bool() ? { q: 'xmp:CreatorTool', v: rng.pick([...EDITORS, 'Pillow', 'ImageMagick']) } : { q: 'dc:title', v: { alt: rng.pick(TITLES) } });
      break;
  }
  if (o.human || (o.style === 'exiftool' && props.length === 0)) for (const p of humanDc(rng)) props.splice(rng.int(0, props.length), 0, p);
  const attrs: [string, string][] = [];
  const extraNs: [string, string][] = [];
  if (o.hidden) {
    const { spot, text } = o.hidden;
    if (spot === 'attr' || spot === 'custom') {
      const [pfx, uri] = rng.pick(CUSTOM_NS);
      const useCustom = spot === 'custom' || rng.bool(0.4);
      const q = useCustom ? `${pfx}:${rng.pick(CUSTOM_NAMES)}` : rng.pick(['xmp:Label', 'xmp:Nickname', 'photoshop:Instructions', 'photoshop:Headline', 'photoshop:Source', 'dc:source']);
      if (useCustom) extraNs.push([pfx, uri]);
      if (spot === 'attr') attrs.push([q, text]);
      else props.splice(rng.int(0, props.length), 0, { q, v: text });
    } else {
      const at = props.findIndex((p) => p.q === spot);
      const p: XProp = { q: spot, v: { alt: text } };
      if (at >= 0) props[at] = p;
      else props.splice(rng.int(0, props.length), 0, p);
    }
  }
  // rdf:Description blocks: one for all (or one per namespace, as exiftool does).
  const groups: XProp[][] = [];
  if (perNamespace) {
    const byNs = new Map<string, XProp[]>();
    for (const p of props) {
      const ns = p.q.split(':')[0]!;
      if (!byNs.has(ns)) byNs.set(ns, []);
      byNs.get(ns)!.push(p);
    }
    groups.push(...byNs.values());
  } else groups.push(props);
  if (!groups.length) groups.push([]);
  const nsOf = (q: string): [string, string] => {
    const pfx = q.split(':')[0]!;
    return [pfx, XMP_NS[pfx] ?? extraNs.find(([p]) => p === pfx)?.[1] ?? 'http://ns.example.com/1.0/'];
  };
  const attrGroup = rng.int(0, groups.length - 1);
  const nl = ind === '' ? '' : '\n';
  const descs = groups.map((g, gi) => {
    const attrPairs: [string, string][] = [];
    const elems: XProp[] = [];
    for (const p of g) {
      if (attrForm && typeof p.v === 'string') attrPairs.push([p.q, p.v]);
      else elems.push(p);
    }
    if (gi === attrGroup) attrPairs.push(...attrs);
    const nss = new Map<string, string>();
    for (const q of [...g.map((p) => p.q), ...attrPairs.map(([q]) => q)]) {
      const [pfx, uri] = nsOf(q);
      nss.set(pfx, uri);
    }
    if (g.some((p) => typeof p.v === 'object' && 'history' in p.v)) nss.set('stEvt', XMP_NS.stEvt!);
    const pad = ind === '' ? ' ' : `\n${ind}${unit}${unit}${unit}${unit}`;
    const head = `${ind}<rdf:Description rdf:about=${qt}${qt}${[...nss].map(([p, u]) => `${pad}xmlns:${p}=${qt}${u}${qt}`).join('')}${attrPairs.map(([q, v]) => `${pad}${q}=${qt}${xmlEsc(v, true)}${qt}`).join('')}`;
    if (!elems.length) return `${head}/>${nl}`;
    return `${head}>${nl}${elems.map((p) => renderProp(p, ind + unit, unit, qt, evt)).join('')}${ind}</rdf:Description>${nl}`;
  });
  const sep = perNamespace ? '\n' : '';
  const body =
    `<x:xmpmeta xmlns:x=${qt}adobe:ns:meta/${qt}${xmptk ? ` x:xmptk=${qt}${xmptk}${qt}` : ''}>${nl}` +
    `${ind ? ' ' : ''}<rdf:RDF xmlns:rdf=${qt}http://www.w3.org/1999/02/22-rdf-syntax-ns#${qt}>${nl}${sep}` +
    descs.join(sep) +
    `${ind ? ' ' : ''}</rdf:RDF>${nl}</x:xmpmeta>`;
  if (!wrapper) return body;
  const padding = padLines ? `\n${(' '.repeat(100) + '\n').repeat(padLines)}` : '\n';
  return `<?xpacket begin=${qt}${rng.bool(0.9) ? '\uFEFF' : ''}${qt} id=${qt}W5M0MpCehiHzreSzNTczkc9d${qt}?>\n${body}${padding}<?xpacket end=${qt}${rng.bool(0.85) ? 'w' : 'r'}${qt}?>`;
}

/** A legit XMP style for a format. */
function legitXmpStyle(rng: Rng, format: MetaFormat): XmpStyle {
  return pick(rng, [
    ['photoshop', 4],
    ['photoshop-cs', 2],
    ['gimp', 3],
    ['exiftool', 2],
    ['apple', format === 'png' ? 2 : 0.5],
    ['minimal', 1],
  ]);
}

// Legit metadata per format ---------------------------------------------------------------------

function pngText(keyword: string, text: string, kind: PngText['kind'] = 'tEXt'): PngText {
  // tEXt and zTXt are Latin-1: anything else goes in an iTXt, as libpng users do.
  let latin1 = true;
  for (let i = 0; i < text.length && latin1; i++) latin1 = text.charCodeAt(i) < 256;
  return { keyword, text, kind: latin1 ? kind : 'iTXt' };
}

function textKind(rng: Rng): PngText['kind'] {
  return pick(rng, [
    ['tEXt', 16],
    ['iTXt', 3],
    ['zTXt', 1],
  ] as [PngText['kind'], number][]);
}

/** 1..n short human fields as PNG text (Title, Author, Copyright, Description, Comment, Creation Time, Source, Disclaimer). */
function humanPngText(rng: Rng, n: number): PngText[] {
  const keys: [string, number][] = [
    ['Title', 3],
    ['Author', 3],
    ['Copyright', 3],
    ['Description', 2],
    ['Comment', 3],
    ['Creation Time', 2],
    ['Source', 1],
    ['Disclaimer', 0.3],
  ];
  const out: PngText[] = [];
  for (let i = 0; i < n; i++) {
    const k = pick(rng, keys);
    if (out.some((t) => t.keyword === k)) continue;
    const v =
      k === 'Title'
        ? rng.pick(TITLES)
        : k === 'Author'
          ? rng.pick(PEOPLE)
          : k === 'Copyright'
            ? copyrightText(rng)
            : k === 'Description'
              ? rng.pick(DESCRIPTIONS)
              : k === 'Comment'
                ? rng.pick(COMMENTS)
                : k === 'Creation Time'
                  ? creationTime(rng, randomWhen(rng))
                  : k === 'Source'
                    ? rng.pick(SOURCES)
                    : rng.pick(['For internal use only.', 'Not for redistribution.', 'Provided as is, without warranty.']);
    out.push(pngText(k, v, textKind(rng)));
  }
  return out;
}

const exifWithPrefix = (t: Uint8Array): Uint8Array => {
  const out = new Uint8Array(6 + t.length);
  out.set(latin1Bytes('Exif\0\0'));
  out.set(t, 6);
  return out;
};

function legitPng(rng: Rng, w: number, h: number, thumb?: Uint8Array): EncodeOptions {
  const text: PngText[] = [];
  const o: EncodeOptions = {};
  const xmp = (style: XmpStyle, human = rng.bool(0.3)): string => buildXmp(rng, { style, format: 'png', w, h, human });
  switch (pick(rng, [
    ['software', 6],
    ['gimp', 4],
    ['imagemagick', 4],
    ['photoshop', 2],
    ['human', 3],
    ['screenshot', 1],
    ['camera', 1],
  ])) {
    case 'software':
      text.push(pngText('Software', pngSoftware(rng), textKind(rng)));
      if (rng.bool(0.2)) text.push(pngText('Creation Time', creationTime(rng, randomWhen(rng))));
      if (rng.bool(0.2)) text.push(...humanPngText(rng, rng.int(1, 2)));
      break;
    case 'gimp':
      if (rng.bool(0.7)) text.push(pngText('Comment', 'Created with GIMP'));
      if (rng.bool(0.5)) o.xmp = xmp('gimp');
      if (rng.bool(0.2)) text.push(pngText('Raw profile type exif', rawProfile('exif', exifWithPrefix(legitExif(rng, { software: `GIMP 2.10.${rng.int(8, 38)}`, w, h }))), 'zTXt'));
      else if (rng.bool(0.1)) o.exif = legitExif(rng, { w, h, thumb });
      if (!text.length && !o.xmp && !o.exif) text.push(pngText('Comment', 'Created with GIMP'));
      break;
    case 'imagemagick': {
      const c = randomWhen(rng);
      const m = later(rng, c, 400);
      text.push(pngText('date:create', isoDate(c)), pngText('date:modify', isoDate(m)));
      if (rng.bool(0.4)) text.push(pngText('date:timestamp', isoDate(later(rng, m, 2))));
      if (rng.bool(0.25)) text.push(pngText('Raw profile type exif', rawProfile('exif', exifWithPrefix(legitExif(rng, { w, h, thumb }))), 'zTXt'));
      if (rng.bool(0.1)) text.push(pngText('Raw profile type iptc', rawProfile('iptc', iptcBlock(rng)), 'zTXt'));
      if (rng.bool(0.15)) text.unshift(...humanPngText(rng, rng.int(1, 2)));
      if (rng.bool(0.1)) o.xmp = xmp(legitXmpStyle(rng, 'png'));
      break;
    }
    case 'photoshop':
      if (rng.bool(0.6)) o.xmp = xmp(rng.bool(0.7) ? 'photoshop' : 'photoshop-cs');
      if (!o.xmp || rng.bool(0.5)) text.push(pngText('Software', 'Adobe ImageReady'));
      break;
    case 'human':
      text.push(...humanPngText(rng, rng.int(1, 4)));
      if (rng.bool(0.4)) text.push(pngText('Software', pngSoftware(rng)));
      if (rng.bool(0.15)) o.xmp = xmp('exiftool', true);
      break;
    case 'screenshot':
      if (rng.bool(0.5)) o.xmp = xmp('apple', false);
      else {
        text.push(pngText('Software', rng.pick(['gnome-screenshot', 'Shutter', 'Greenshot', 'ShareX', 'Spectacle', 'Flameshot'])));
        if (rng.bool(0.5)) text.push(pngText('Creation Time', creationTime(rng, randomWhen(rng))));
      }
      break;
    default:
      o.exif = legitExif(rng, { camera: true, w, h, thumb });
      if (rng.bool(0.2)) o.xmp = xmp(legitXmpStyle(rng, 'png'));
  }
  // Some writers put the packet in a plain tEXt/zTXt chunk under the XMP keyword.
  if (o.xmp && rng.bool(0.15)) {
    text.push(pngText('XML:com.adobe.xmp', o.xmp.replace('\uFEFF', ''), rng.bool(0.7) ? 'tEXt' : 'zTXt'));
    delete o.xmp;
  }
  if (text.length) o.png = { text };
  return o;
}

const JPEG_COMMENTS = (rng: Rng): Uint8Array | string =>
  pick<Uint8Array | string>(rng, [
    [`CREATOR: gd-jpeg v1.0 (using IJG JPEG v${rng.pick(['62', '80', '90'])}), ${rng.bool(0.3) ? 'default quality' : `quality = ${rng.pick([75, 80, 85, 90, 95])}`}\n`, 4],
    ['Created with GIMP', 4],
    [latin1Bytes('File written by Adobe Photoshop\u00a8 4.0'), 2],
    ['LEAD Technologies Inc. V1.01', 1],
    ['Optimized by JPEGmini', 1],
    [`Optimized by JPEGmini 3.${rng.int(10, 18)}.${rng.int(1, 9)}.${rng.int(10000, 99999)} 0x${randomHex(rng, 4)}`, 1],
    ['Intel(R) JPEG Library, version [1.5.4.36]', 0.5],
    ['AppleMark\n', 0.5],
    [`CREATOR: XV Version 3.10a  Rev: 12/29/94  Quality = ${rng.pick([75, 80, 90])}, Smoothing = 0\n`, 0.5],
    ['Handmade Software, Inc. Image Alchemy v1.11\n', 0.3],
    ['Processed By eBay with ImageMagick, z1.1.0. ||B2', 0.3],
    [rng.pick([...TITLES, ...COMMENTS]), 1],
    [copyrightText(rng), 0.5],
  ]);

function legitJpeg(rng: Rng, w: number, h: number, thumb?: Uint8Array): EncodeOptions {
  const o: EncodeOptions = {};
  const xmp = (style: XmpStyle, human = rng.bool(0.3)): string => buildXmp(rng, { style, format: 'jpeg', w, h, human });
  switch (pick(rng, [
    ['camera', 6],
    ['gd', 2],
    ['gimp', 2],
    ['photoshop', 3],
    ['com', 2],
    ['xmp', 1],
  ])) {
    case 'camera':
      o.exif = legitExif(rng, { camera: true, w, h, thumb });
      if (rng.bool(0.15)) o.xmp = xmp(rng.pick(['photoshop', 'exiftool', 'apple'] as const));
      if (rng.bool(0.05)) o.comments = ['AppleMark\n'];
      break;
    case 'gd':
      o.comments = [`CREATOR: gd-jpeg v1.0 (using IJG JPEG v${rng.pick(['62', '80', '90'])}), ${rng.bool(0.3) ? 'default quality' : `quality = ${rng.pick([75, 80, 85, 90, 95])}`}\n`];
      break;
    case 'gimp':
      if (rng.bool(0.8)) o.comments = ['Created with GIMP'];
      if (rng.bool(0.5)) o.exif = legitExif(rng, { camera: rng.bool(), software: `GIMP 2.10.${rng.int(8, 38)}`, w, h, thumb });
      if (rng.bool(0.4) || (!o.comments && !o.exif)) o.xmp = xmp('gimp');
      break;
    case 'photoshop':
      if (rng.bool(0.25)) {
        o.comments = [latin1Bytes('File written by Adobe Photoshop\u00a8 4.0')];
        break;
      }
      if (rng.bool(0.8)) o.exif = legitExif(rng, { camera: rng.bool(0.4), software: rng.pick(['Adobe Photoshop 22.4 (Windows)', 'Adobe Photoshop CS6 (Windows)', 'Adobe Photoshop 24.1 (Macintosh)']), w, h, thumb });
      if (rng.bool(0.7) || !o.exif) o.xmp = xmp(rng.bool(0.7) ? 'photoshop' : 'photoshop-cs');
      break;
    case 'com':
      o.comments = [JPEG_COMMENTS(rng)];
      if (rng.bool(0.3)) o.exif = legitExif(rng, { w, h, thumb });
      break;
    default:
      o.xmp = xmp(rng.bool(0.6) ? 'exiftool' : legitXmpStyle(rng, 'jpeg'), true);
      if (rng.bool(0.3)) o.exif = legitExif(rng, { w, h, thumb });
  }
  // ImageMagick, converting a PNG whose XMP sits in a text chunk, writes the packet as a comment (when it fits one segment).
  if (o.xmp && rng.bool(0.1) && new TextEncoder().encode(o.xmp).length < 65000) {
    o.comments = [...(o.comments ?? []), `XML:com.adobe.xmp: ${o.xmp}`];
    delete o.xmp;
  }
  return o;
}

const GIF_COMMENTS = ['Created with GIMP', 'Created with The GIMP', 'Created with ezgif.com GIF maker', 'Image generated by Ghostscript (device=ppmraw)', 'Optimized with ezgif.com', 'Made with Photoscape'];

function legitGif(rng: Rng): EncodeOptions {
  const comments: (Uint8Array | string)[] = [rng.bool(0.85) ? rng.pick(GIF_COMMENTS) : rng.pick([...TITLES, ...COMMENTS])];
  if (rng.bool(0.1)) comments.push(copyrightText(rng));
  return { gif: { comments } };
}

function legitWebp(rng: Rng, w: number, h: number, thumb?: Uint8Array): EncodeOptions {
  const o: EncodeOptions = {};
  const u = rng.float();
  if (u < 0.7) o.exif = legitExif(rng, { w, h, thumb });
  if (u >= 0.4) o.xmp = buildXmp(rng, { style: legitXmpStyle(rng, 'webp'), format: 'webp', w, h, human: rng.bool(0.3) });
  return o;
}

/**
 * Realistic metadata as cameras and tools write it, as encodeImage options for a format (or a
 * clean flavour such as 'png-rgba'): PNG text chunks (Software, ImageMagick dates and raw
 * profiles, GIMP comments, human Title/Author/Copyright/...), eXIf, XMP packets (Photoshop, GIMP,
 * exiftool, macOS), JPEG COM + EXIF + XMP, WebP EXIF/XMP, GIF comments. BMP carries none ({}).
 */
function legitMetadata(rng: Rng, format: string, size: { w: number; h: number; thumb?: Uint8Array } = { w: 0, h: 0 }): EncodeOptions {
  const f = format.split('-')[0] as MetaFormat;
  const w = size.w || rng.int(16, 1024);
  const h = size.h || rng.int(16, 1024);
  switch (f) {
    case 'png':
      return legitPng(rng, w, h, size.thumb);
    case 'jpeg':
      return legitJpeg(rng, w, h, size.thumb);
    case 'webp':
      return legitWebp(rng, w, h, size.thumb);
    case 'gif':
      return legitGif(rng);
    default:
      return {};
  }
}

/** Options a and b together: PNG text chunks, comments and GIF comments are joined; b's EXIF/XMP win. */
function mergeMeta(a: EncodeOptions, b: EncodeOptions): EncodeOptions {
  const o: EncodeOptions = { ...a, ...b };
  if (a.png || b.png) o.png = { ...a.png, ...b.png, text: [...(a.png?.text ?? []), ...(b.png?.text ?? [])] };
  if (a.gif || b.gif) o.gif = { ...a.gif, ...b.gif, comments: [...(a.gif?.comments ?? []), ...(b.gif?.comments ?? [])] };
  if (a.comments || b.comments) o.comments = [...(a.comments ?? []), ...(b.comments ?? [])];
  return o;
}

const CLEAN_META_SHARE = 0.3;
const PADDED_SHARE = 0.03;
const STEGO_META_SHARE = 0.15;
const canCarryMeta = (format: string): boolean => !format.startsWith('bmp');

// Hidden payloads in metadata text ---------------------------------------------------------------

type HiddenMode = 'raw' | 'base64' | 'hex' | 'printable';

/** What goes in the field: raw bytes, base64 or hex of (mostly random) bytes, or printable text as before. */
function hiddenPayload(rng: Rng): { bytes: Uint8Array; mode: HiddenMode } {
  const u = rng.float();
  // 75 % random bytes (log-uniform 4..max), else text or bytes as the other attacks carry
  const src = (max: number): Uint8Array => (rng.bool(0.75) ? rng.bytes(Math.round(Math.exp(Math.log(4) + rng.float() * (Math.log(max) - Math.log(4))))) : payloadFor(rng, max));
  if (u < 0.3) {
    let b64 = Buffer.from(src(900)).toString('base64');
    if (rng.bool(0.1)) b64 = b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const wrap = rng.bool(0.25) ? rng.pick([64, 76]) : 0;
    if (wrap) b64 = b64.replace(new RegExp(`(.{${wrap}})(?=.)`, 'g'), '$1\n');
    return { bytes: latin1Bytes(b64), mode: 'base64' };
  }
  if (u < 0.5) {
    const hex = Array.from(src(600), hex2).join('');
    return { bytes: latin1Bytes(rng.bool(0.3) ? hex.toUpperCase() : hex), mode: 'hex' };
  }
  if (u < 0.7) return { bytes: payloadFor(rng, 1200), mode: 'raw' };
  return { bytes: payloadFor(rng, 1200).map((b) => (b < 32 || b > 126 ? 32 + (b % 95) : b)), mode: 'printable' };
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
/** Bytes as text: UTF-8 when they are, else Latin-1 (one char per byte). */
function bytesToText(b: Uint8Array): string {
  try {
    return utf8Strict.decode(b);
  } catch {
    return String.fromCharCode(...b);
  }
}
/** Latin-1 text for tEXt/zTXt: one char per byte, NUL (not allowed in PNG text) as a space. */
const latin1Text = (b: Uint8Array): string => String.fromCharCode(...b.map((x) => (x === 0 ? 32 : x)));
/** Text that XML 1.0 can carry: C0 controls other than tab/LF/CR become printable characters. */
function xmlSafe(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    out += (u < 0x20 && u !== 9 && u !== 10 && u !== 13) || u === 0xfffe || u === 0xffff ? String.fromCharCode(0x20 + (u & 0x1f)) : s[i];
  }
  return out;
}

const STEGO_KEYWORDS: [string, number][] = [
  ['Comment', 4],
  ['Description', 2],
  ['Title', 1],
  ['Author', 1],
  ['Copyright', 1],
  ['Disclaimer', 1],
  ['Source', 1],
  ['*custom', 3],
];
const CUSTOM_KEYWORDS = ['note', 'data', 'msg', 'x', 'info', 'key', 'txt', 'm', 'd', 'blob', 'meta', 'cfg', 'k', 'id', 'Notes', 'Data', 'Message'];

function stegoKeyword(rng: Rng): string {
  const k = pick(rng, STEGO_KEYWORDS);
  if (k !== '*custom') return k;
  if (rng.bool(0.6)) return rng.pick(CUSTOM_KEYWORDS);
  const s = Array.from({ length: rng.int(1, 8) }, () => String.fromCharCode(97 + rng.int(0, 25))).join('');
  return rng.bool(0.2) ? s[0]!.toUpperCase() + s.slice(1) : s;
}

const insertAt = <T>(rng: Rng, list: T[], item: T): T[] => {
  const out = [...list];
  out.splice(rng.int(0, out.length), 0, item);
  return out;
};

async function encodeClean(rng: Rng, cover: RasterImage, thumb: Uint8Array): Promise<{ file: Uint8Array; format: string; w: number; h: number }> {
  const fl = pick(rng, CLEAN_FLAVOURS);
  let c: Cover = cover;
  // ~30 % of the clean images that can carry metadata get what real software writes
  const meta: EncodeOptions = canCarryMeta(fl) && rng.bool(CLEAN_META_SHARE) ? legitMetadata(rng, fl, { w: cover.width, h: cover.height, thumb }) : {};
  let file: Uint8Array;
  let declared = false; // data after the end that the file's metadata declares (then no padding after it)
  switch (fl) {
    case 'png-rgb':
      c = dropAlpha(cover);
      file = await encodeImage(c, 'png', meta);
      break;
    case 'png-rgba':
      c = withAlpha(rng, cover);
      file = await encodeImage(c, 'png', meta);
      break;
    case 'png-p':
    case 'png-p-trns':
      c = toIndexed(dropAlpha(cover));
      file = await encodeImage(c, 'png', fl === 'png-p-trns' ? mergeMeta({ png: { transparency: [0, 128, 255] } }, meta) : meta);
      break;
    case 'png-l':
      c = toGrey(cover);
      file = await encodeImage(c, 'png', meta);
      break;
    case 'png-la':
      c = toGreyAlpha(rng, cover);
      file = await encodeImage(c, 'png', mergeMeta({ png: { colorType: 4 } }, meta));
      break;
    case 'gif':
      c = rng.bool(0.3) ? toGrey(cover) : dropAlpha(cover);
      file = await encodeImage(c, 'gif', meta);
      break;
    case 'jpeg':
      c = dropAlpha(cover);
      declared = rng.bool(DECLARED_TRAILER_SHARE);
      file = declared ? await withDeclaredTrailer(rng, c, meta, thumb) : await encodeImage(c, 'jpeg', { ...meta, jpegQuality: rng.int(60, 95), jpegTables: jpegTables(rng) });
      // the DCT stego is re-packed by f5stegojs (baseline, standard Huffman tables): so are ~35 % of the clean JPEGs
      if (!declared && rng.bool(CLEAN_REPACK_SHARE)) file = repackJpeg(file);
      break;
    case 'webp-lossy':
      c = rng.bool(0.2) ? withAlpha(rng, cover) : dropAlpha(cover);
      file = await encodeImage(c, 'webp', { ...meta, webpLossy: rng.int(60, 95) });
      break;
    case 'webp-lossless':
      c = rng.bool(0.4) ? withAlpha(rng, cover) : dropAlpha(cover);
      file = await encodeImage(c, 'webp', meta);
      break;
    default:
      c = rng.bool(0.2) ? toIndexed(dropAlpha(cover)) : dropAlpha(cover);
      file = await encodeImage(c, 'bmp');
  }
  // Some writers pad a file after its end (zeros or 0xFF, up to a sector or more): data after the end that says nothing.
  if (fl !== 'bmp' && !declared && rng.bool(PADDED_SHARE)) {
    const len = Math.round(Math.exp(rng.float() * Math.log(32768)));
    file = appendData(file, new Uint8Array(len).fill(rng.bool(0.7) ? 0 : 0xff));
  }
  return { file, format: fl, w: cover.width, h: cover.height };
}

const DECLARED_TRAILER_SHARE = 0.12;
/** Clean JPEGs (those without a declared trailer) that go through repackJpeg, f5stegojs's parse and pack, as every DCT stego file does. */
const CLEAN_REPACK_SHARE = 0.35;
/** Clean items that become a DCT stego file's clean counterpart (a photograph-like JPEG; runItem). */
const PHOTO_CLEAN_SHARE = 0.13;

/**
 * A clean JPEG with data after its end that its own metadata declares, as phones and cameras write
 * it: a motion photo's MP4 named by Google's XMP (a Container:Directory, GCamera:MicroVideoOffset or
 * both), or a Konica Minolta preview image after EOI named by its maker note (PreviewImageStart/Length
 * from the TIFF header, zero padding before it, its first byte often spoiled). @starlight/core reads
 * both as part of the file; the reference streams' tail (after the last FF D9) still shows them.
 */
async function withDeclaredTrailer(rng: Rng, c: Cover, meta: EncodeOptions, thumb: Uint8Array): Promise<Uint8Array> {
  const jpegQuality = rng.int(70, 95);
  if (rng.bool(0.6)) {
    const ftyp = Buffer.concat([Uint8Array.of(0, 0, 0, 24), latin1Bytes(rng.pick(['ftypmp42', 'ftypisom'])), Uint8Array.of(0, 0, 0, 0), latin1Bytes('isommp42')]);
    const body = Uint8Array.from({ length: Math.round(Math.exp(Math.log(2048) + rng.float() * Math.log(150))) }, () => rng.u32() & 255);
    const mdat = Buffer.concat([Uint8Array.of(body.length + 8 >>> 24, (body.length + 8 >>> 16) & 255, (body.length + 8 >>> 8) & 255, (body.length + 8) & 255), latin1Bytes('mdat'), body]);
    const video = Buffer.concat([ftyp, mdat]);
    const form = rng.pick(['directory', 'directory', 'micro', 'both']);
    const attrs = [
      'xmlns:GCamera="http://ns.google.com/photos/1.0/camera/"',
      ...(form !== 'micro' ? ['xmlns:Container="http://ns.google.com/photos/1.0/container/"', 'xmlns:Item="http://ns.google.com/photos/1.0/container/item/"'] : []),
      ...(form !== 'directory' ? ['GCamera:MicroVideo="1"', 'GCamera:MicroVideoVersion="1"', `GCamera:MicroVideoOffset="${video.length}"`, `GCamera:MicroVideoPresentationTimestampUs="${rng.int(0, 2e6)}"`] : []),
      ...(form !== 'micro' ? ['GCamera:MotionPhoto="1"', 'GCamera:MotionPhotoVersion="1"', `GCamera:MotionPhotoPresentationTimestampUs="${rng.int(0, 2e6)}"`] : []),
    ];
    const item = (mime: string, semantic: string, length: number, padding: boolean): string =>
      `<rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="${mime}" Item:Semantic="${semantic}" Item:Length="${length}"${padding ? ' Item:Padding="0"' : ''}/></rdf:li>`;
    const directory = form === 'micro' ? '' : `<Container:Directory><rdf:Seq>${item('image/jpeg', 'Primary', 0, true)}${item('video/mp4', 'MotionPhoto', video.length, false)}</rdf:Seq></Container:Directory>`;
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 5.1.0-jc003"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" ${attrs.join(' ')}>${directory}</rdf:Description></rdf:RDF></x:xmpmeta>`;
    return Buffer.concat([await encodeImage(c, 'jpeg', { ...meta, xmp, jpegQuality }), video]);
  }
  // Konica Minolta: a plain-IFD maker note in the block's byte order; the preview's offset is patched in below.
  const le = rng.bool(0.3);
  const PLACEHOLDER = 0x7eadbeef;
  const entries: [number, number, number, number][] = [
    [0x0000, 7, 4, le ? 0x30544c4d : 0x4d4c5430], // 'MLT0'
    [0x0088, 4, 1, PLACEHOLDER],
    [0x0089, 4, 1, thumb.length],
    [0x0100, 4, 1, rng.int(0, 3)],
    [0x0101, 4, 1, rng.int(0, 5)],
  ];
  const mn = new Uint8Array(2 + 12 * entries.length + 4);
  const dv = new DataView(mn.buffer);
  dv.setUint16(0, entries.length, le);
  entries.forEach(([tag, type, count, value], i) => {
    dv.setUint16(2 + 12 * i, tag, le);
    dv.setUint16(4 + 12 * i, type, le);
    dv.setUint32(6 + 12 * i, count, le);
    dv.setUint32(10 + 12 * i, value, le);
  });
  const parts = exifParts(rng, { camera: true, thumb });
  const ifd0 = (parts.ifd0 ?? []).filter((f) => f.tag !== 0x010f && f.tag !== 0x0110);
  ifd0.push({ tag: 0x010f, type: 2, value: rng.pick(['KONICA MINOLTA', 'Minolta Co., Ltd.']) }, { tag: 0x0110, type: 2, value: rng.pick(['DiMAGE A2', 'DiMAGE Z3', 'DYNAX 7D', 'DiMAGE A200', 'MAXXUM 5D']) });
  const exif = buildExif({ ...parts, byteOrder: le ? 'II' : 'MM', ifd0, exif: [...(parts.exif ?? []).filter((f) => f.tag !== 0x927c), { tag: 0x927c, type: 7, value: mn }] });
  const main = await encodeImage(c, 'jpeg', { ...meta, exif, jpegQuality });
  const pad = rng.int(0, 800);
  const gap = new Uint8Array(pad);
  if (pad >= 192 && rng.bool(0.3)) gap.set([0x4c, 0x4e, rng.int(0, 255)], pad - 3); // a little junk before the preview
  const preview = thumb.slice();
  if (rng.bool(0.6)) preview[0] = rng.pick([0x00, 0x02]); // those cameras spoil the preview's first byte
  const file = Buffer.concat([main, gap, preview]);
  // Patch PreviewImageStart: the preview's offset from the TIFF header (just after APP1's "Exif\0\0").
  const tiffAt = indexOfBytes(file, latin1Bytes('Exif\0\0')) + 6;
  const ph = new Uint8Array(4);
  new DataView(ph.buffer).setUint32(0, PLACEHOLDER, le);
  const at = indexOfBytes(file, ph);
  new DataView(file.buffer, file.byteOffset).setUint32(at, main.length + pad - tiffAt, le);
  return file;
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}


const ATTACKS: [string, number][] = [
  ['lsb-seq-noterm', 3],
  ['lsb-keyed', 3],
  ['lsb-matching', 2],
  ['lsb-one-channel', 2],
  ['lsb-rate', 3],
  // keyed LSB in textured areas only (stegosuite skips homogeneous ones): no flat-area speckle to give it away
  ['lsb-adaptive', 4],
  ['append-zip', 2],
  ['append-png', 1],
  ['png-text', 1],
  ['jpeg-com', 1],
  ['xmp', 1],
  ['gif-comment', 1],
  // JPEG DCT-domain tools: four tools of a class of their own, on photograph-like covers of 96 px and
  // more (other covers get one of the other attacks instead, so those keep about their number)
  ['dct-f5', 8],
  ['dct-jsteg', 8],
  ['dct-outguess', 8],
  ['dct-pm1', 8],
];

const OTHER_ATTACKS = ATTACKS.filter(([a]) => !a.startsWith('dct-'));

interface StegoOut {
  file: Uint8Array;
  format: string;
  method: EmbedMethod | 'dct';
  bitOrder: 'lsb-first' | 'msb-first' | null;
  variant: string;
  /** The message as the embedder was given it (for metadata attacks: as written into the field). */
  payload: Uint8Array;
  /** The embedder cut the message to the cover's capacity. */
  truncated?: boolean;
  /** Set when the stego was made on another cover than the item's (a DCT tool on a photographic source). */
  cover?: { source: string; width: number; height: number; jpegHistory: boolean };
}

const LOSSLESS_RASTER: ImageFormatName[] = ['png', 'bmp', 'webp'];

/** The JPEG thumbnail a camera or editor writes into EXIF IFD1 (160 px on the long side at most). */
/**
 * Covers with a JPEG history, clean and stego alike: real lossless files are often photographs or
 * screenshots that went through JPEG once (saved again as PNG, cropped, pasted), but only 185 of the
 * ~26,000 source files are JPEGs. That history moves a detector: 300 held-out covers round-tripped
 * through JPEG q75-95 and saved as PNG scored a median logit of -1.4 with model 0.8.0, against -4.3
 * as they were (blurring or upscaling them moved it by less than 0.5).
 */
const JPEG_HISTORY_SHARE = 0.2;

/**
 * Half the JPEGs (clean and stego alike) carry the standard's Annex K quantization tables, as libjpeg,
 * cameras and most software write them, the other half MozJPEG's own: a DCT-domain detector must not
 * learn one encoder's tables as "clean".
 */
const jpegTables = (rng: Rng): 'annex-k' | 'mozjpeg' => (rng.bool() ? 'annex-k' : 'mozjpeg');

async function withJpegHistory(rng: Rng, r: RasterImage): Promise<RasterImage> {
  const decoded = await decodeImage(await encodeImage(dropAlpha(r), 'jpeg', { jpegQuality: rng.int(60, 95) }));
  const rgb = decoded.rgb!;
  if (r.channels === 3) return { width: r.width, height: r.height, channels: 3, data: rgb };
  const data = r.data.slice();
  for (let i = 0; i < r.width * r.height; i++) data.set(rgb.subarray(3 * i, 3 * i + 3), 4 * i);
  return { width: r.width, height: r.height, channels: 4, data };
}

async function thumbnailOf(r: RasterImage, quality: number): Promise<Uint8Array> {
  const k = Math.min(1, 160 / Math.max(r.width, r.height));
  const t = scaleBox(dropAlpha(r), Math.max(1, Math.round(r.width * k)), Math.max(1, Math.round(r.height * k)));
  return encodeImage(t, 'jpeg', { jpegQuality: quality });
}

async function encodeRaster(rng: Rng, r: RasterImage, fmt: ImageFormatName, meta: EncodeOptions = {}): Promise<Uint8Array> {
  return encodeImage(fmt === 'bmp' && r.channels === 4 && rng.bool(0.5) ? dropAlpha(r) : r, fmt, meta);
}

/** Legit metadata for ~15 % of the non-metadata stego that can carry it, so that metadata presence is no clean signal. */
function stegoMeta(rng: Rng, format: ImageFormatName, w: number, h: number, thumb: Uint8Array): EncodeOptions {
  return canCarryMeta(format) && rng.bool(STEGO_META_SHARE) ? legitMetadata(rng, format, { w, h, thumb }) : {};
}

/** Cover packages whose images are photographs (the DCT tools' second choice of cover; see photographLike). */
const PHOTO_PACKAGES = ['neverball-data', 'extremetuxracer-data', 'gimp-data-extras', 'gimp-data'];

/** Smallest cover side and rate (bits per non-zero AC coefficient) the DCT tools get. */
const DCT_MIN_SIDE = 96;
const DCT_MIN_RATE = 0.05;
const DCT_ATTACKS: Record<string, DctTool> = { 'dct-f5': 'f5', 'dct-jsteg': 'jsteg', 'dct-outguess': 'outguess', 'dct-pm1': 'pm1' };

/** What DCT tools get: a photograph-like cover of 96 px and more. */
function dctCover(r: RasterImage): boolean {
  return Math.min(r.width, r.height) >= DCT_MIN_SIDE && photographLike(r);
}

/**
 * DCT-domain stego: the RGB cover as a JPEG (q60-95, legit metadata as other stego carries it), the
 * payload in its quantized coefficients (f5, jsteg, outguess, pm1; @starlight/embed embedDct, which
 * re-packs the file). The length comes from a rate log-uniform in 0.05..1 bits per non-zero AC
 * coefficient, cut to the tool's capacity. Null when neither the item's cover nor one of its
 * photographic alternatives is a photograph-like cover of 96 px or more (nobody runs F5 on an icon:
 * candidates trained on DCT stego in icons and game art learnt little and raised the clean tail), and
 * when not even one byte fits.
 */
async function dctStego(rng: Rng, cover: RasterImage, attack: string, thumb: Uint8Array, photo: PhotoCovers): Promise<StegoOut | null> {
  const tool = DCT_ATTACKS[attack]!;
  // people run F5 or steghide on photographs, not on icons: DCT tools get photograph-like covers of
  // 96 px and more, this item's own or one of the split's photographic sources
  const own = dctCover(cover);
  const alt = own ? null : await photo();
  if (!own && !alt) return null;
  const rgb = alt?.rgb ?? cover;
  const jpeg = await encodeImage(rgb, 'jpeg', { ...stegoMeta(rng, 'jpeg', rgb.width, rgb.height, alt?.thumb ?? thumb), jpegQuality: rng.int(60, 95), jpegTables: jpegTables(rng) });
  const key = rng.int(1, 1e9);
  const cap = dctCapacity(jpeg, key);
  const room = cap.bytes[tool];
  if (room < 1) return null;
  const rate = Math.exp(Math.log(DCT_MIN_RATE) + rng.float() * (Math.log(1) - Math.log(DCT_MIN_RATE)));
  const n = Math.max(1, Math.min(room, Math.round((rate * cap.nonZeroAc) / 8)));
  let payload = payloadOfLength(rng, n);
  while (payload.length < n) payload = Buffer.concat([payload, payloadOfLength(rng, n - payload.length)]); // texts shorter than n
  const r = embedDct(jpeg, payload, { tool, key });
  const bytes = r.bitsEmbedded / 8;
  return {
    file: r.file,
    format: 'jpeg',
    method: 'dct',
    bitOrder: null,
    variant: attack,
    payload: payload.subarray(0, bytes),
    ...(bytes < payload.length ? { truncated: true } : {}),
    ...(alt ? { cover: { source: alt.source, width: rgb.width, height: rgb.height, jpegHistory: alt.jpegHistory } } : {}),
  };
}

/** A cover for a DCT tool (dctCover), derived from another source of the item's split and role (null: none found). */
type PhotoCovers = () => Promise<PhotoCover | null>;
interface PhotoCover {
  rgb: RasterImage;
  source: string;
  jpegHistory: boolean;
  thumb: Uint8Array;
}

async function makeStego(rng: Rng, cover: RasterImage, thumb: Uint8Array, photo: PhotoCovers): Promise<StegoOut> {
  let attack = rng.bool(0.3) ? pick(rng, ATTACKS) : null;
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
    // the exif method writes its own EXIF: no extra metadata there
    const encode: EncodeOptions = { ...(method === 'exif' ? {} : stegoMeta(rng, format, c.width, c.height, thumb)), ...(format === 'jpeg' ? { jpegQuality: rng.int(60, 95), jpegTables: jpegTables(rng) } : {}) };
    // half the exif stego hides its UserComment among a real camera's or editor's fields (maker notes, GPS, thumbnail)
    const around = method === 'exif' && rng.bool(0.5) ? exifParts(rng, { camera: rng.bool(0.7), w: c.width, h: c.height, thumb }) : null;
    const r = await embedPayload(c, {
      method,
      format,
      payload,
      bitOrder,
      truncate: true,
      ...(method === 'eoi' ? { marker: rng.bool(0.3) } : {}),
      // a UNICODE comment holds text: bytes that are not UTF-8 go under the 'undefined' code instead
      ...(method === 'exif' ? { exifHeader: rng.bool(0.8) ? 'ascii' : rng.bool() ? (isText(payload) ? 'unicode' : 'undefined') : 'jis' } : {}),
      ...(around ? { exifByteOrder: around.byteOrder, ...(around.ifd0 ? { exifIfd0: around.ifd0 } : {}), ...(around.exif ? { exifFields: around.exif } : {}), ...(around.gps ? { exifGps: around.gps } : {}), ...(around.thumbnail ? { exifThumbnail: around.thumbnail } : {}) } : {}),
      encode,
    });
    return {
      file: r.file,
      format: `${format}${c === rgb ? '' : isRasterAlpha(c) ? '-rgba' : ''}`,
      method,
      bitOrder: method === 'alpha' || method === 'palette' || method === 'lsb.rgb' ? bitOrder : null,
      variant: 'starlight',
      payload,
      truncated: r.truncated,
    };
  }
  if (attack.startsWith('dct-')) {
    const d = await dctStego(rng, rgb, attack, thumb, photo);
    if (d) return d;
    attack = pick(rng, OTHER_ATTACKS); // a small or flat cover: stego all the same, by another attack
  }
  const fmt = LOSSLESS_RASTER[rng.int(0, 2)]!;
  const bo = rng.bool() ? 'lsb-first' : 'msb-first';
  const capBytes = Math.floor((rgb.width * rgb.height * 3) / 8) - 8;
  if (attack === 'lsb-adaptive') {
    // textured: the sample's 3x3 neighbourhood spans >= 1-3 steps of v >> 1; random bytes (such tools encrypt)
    const adaptive = rng.int(1, 3);
    const cap = lsbVariantCapacity(rgb, { adaptive });
    if (cap >= 64) {
      const bpp = Math.exp(Math.log(0.01) + rng.float() * (Math.log(1) - Math.log(0.01)));
      const payload = rng.bytes(Math.max(1, Math.min(Math.floor((bpp * rgb.width * rgb.height) / 8), Math.floor(cap / 8))));
      const r = embedLsbVariant(rgb, payload, { key: rng.int(1, 1e9), adaptive, matching: rng.bool(0.3), bitOrder: bo });
      return { file: await encodeRaster(rng, r.stego, fmt, stegoMeta(rng, fmt, rgb.width, rgb.height, thumb)), format: fmt, method: 'lsb.rgb', bitOrder: null, variant: attack, payload };
    }
    attack = 'lsb-keyed'; // a cover too flat for it
  }
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
      return { file: await encodeRaster(rng, r.stego, fmt, stegoMeta(rng, fmt, rgb.width, rgb.height, thumb)), format: fmt, method: 'lsb.rgb', bitOrder: sequential ? bo : null, variant: attack, payload };
    }
    case 'lsb-rate': {
      const bpp = Math.exp(Math.log(0.01) + rng.float() * (Math.log(1) - Math.log(0.01)));
      const r = embedAtRate(rgb, bpp, { seed: rng.int(1, 1e9), ...(rng.bool() ? { key: rng.int(1, 1e9) } : {}), matching: rng.bool(0.3) });
      return { file: await encodeRaster(rng, r.stego, fmt, stegoMeta(rng, fmt, rgb.width, rgb.height, thumb)), format: fmt, method: 'lsb.rgb', bitOrder: null, variant: `lsb-rate`, payload: r.payload };
    }
    case 'append-zip':
    case 'append-png': {
      const host = (['png', 'jpeg', 'gif', 'webp', 'bmp'] as const)[rng.int(0, 4)]!;
      const base = await encodeImage(host === 'gif' ? toIndexed(rgb) : rgb, host, stegoMeta(rng, host, rgb.width, rgb.height, thumb));
      const inner = payloadFor(rng, 4096);
      const extra = attack === 'append-zip' ? makeZip([{ name: 'secret.txt', data: inner }]) : encodePng(syntheticCover(rng, 'noise', rng.int(8, 48), rng.int(8, 48)));
      return { file: appendData(base, extra), format: host, method: 'eoi', bitOrder: null, variant: attack, payload: extra };
    }
    default: {
      // Text or data hidden in a metadata text field: raw bytes, base64/hex or printable text, in a
      // PNG text chunk (many keywords, all three kinds), a JPEG COM, an XMP packet (png/jpeg/webp;
      // several places in the packet) or a GIF comment; 40 % also carry legit metadata beside it.
      const hid = hiddenPayload(rng);
      const withLegit = rng.bool(0.4);
      const dims = { w: rgb.width, h: rgb.height, thumb };
      let file: Uint8Array;
      let format: string;
      if (attack === 'png-text') {
        const kind = (['tEXt', 'zTXt', 'iTXt'] as const)[rng.int(0, 2)]!;
        const chunk: PngText = { keyword: stegoKeyword(rng), text: kind === 'iTXt' ? bytesToText(hid.bytes).replace(/\0/g, ' ') : latin1Text(hid.bytes), kind };
        if (kind === 'iTXt' && rng.bool(0.3)) chunk.compressed = true;
        const u = rng.float();
        const c: Cover = u < 0.6 ? rgb : u < 0.8 ? withAlpha(rng, cover) : toIndexed(rgb);
        const legit = withLegit ? legitMetadata(rng, 'png', dims) : {};
        file = await encodeImage(c, 'png', { ...legit, png: { ...legit.png, text: insertAt(rng, legit.png?.text ?? [], chunk) } });
        format = isRasterAlpha(c) ? 'png-rgba' : 'png';
      } else if (attack === 'jpeg-com') {
        const legit = withLegit ? legitMetadata(rng, 'jpeg', dims) : {};
        file = await encodeImage(rgb, 'jpeg', { ...legit, jpegQuality: rng.int(60, 95), jpegTables: jpegTables(rng), comments: insertAt(rng, legit.comments ?? [], hid.bytes) });
        format = 'jpeg';
      } else if (attack === 'gif-comment') {
        const legit = withLegit ? legitMetadata(rng, 'gif', dims) : {};
        file = await encodeImage(rng.bool(0.3) ? toGrey(cover) : rgb, 'gif', { gif: { comments: insertAt(rng, legit.gif?.comments ?? [], hid.bytes) } });
        format = 'gif';
      } else {
        const fmt = pick<ImageFormatName>(rng, [
          ['jpeg', 4],
          ['png', 3.5],
          ['webp', 2.5],
        ]);
        const spot = pick<HiddenSpot>(rng, [
          ['dc:description', 3],
          ['dc:title', 1.5],
          ['dc:rights', 1],
          ['attr', 1.5],
          ['custom', 2],
        ]);
        const style: XmpStyle = withLegit || rng.bool(0.4) ? legitXmpStyle(rng, fmt as MetaFormat) : 'minimal';
        const xmp = buildXmp(rng, { style, format: fmt as MetaFormat, w: dims.w, h: dims.h, human: withLegit && rng.bool(0.4), hidden: { spot, text: xmlSafe(bytesToText(hid.bytes)) } });
        const { xmp: _legitXmp, ...legit } = withLegit ? legitMetadata(rng, fmt, dims) : ({} as EncodeOptions);
        const enc: EncodeOptions = { ...legit, xmp };
        if (fmt === 'jpeg') Object.assign(enc, { jpegQuality: rng.int(60, 95), jpegTables: jpegTables(rng) });
        if (fmt === 'webp' && rng.bool(0.55)) enc.webpLossy = rng.int(60, 95);
        file = await encodeImage(rgb, fmt, enc);
        format = fmt;
      }
      return { file, format, method: 'exif', bitOrder: null, variant: attack, payload: hid.bytes };
    }
  }
}

function isRasterAlpha(c: Cover): boolean {
  return (c as RasterImage).channels === 4;
}

/** Valid UTF-8 of printable characters (tab, LF, CR allowed), as payload extraction defines text. */
function isText(b: Uint8Array): boolean {
  let s: string;
  try {
    s = utf8Strict.decode(b);
  } catch {
    return false;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return false;
  }
  return true;
}

/** Payloads up to this many bytes are written into the manifest whole (base64); every payload's SHA-256 is. */
const PAYLOAD_B64_MAX = 1024;

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
  const history = raster.channels >= 3 && rng.bool(JPEG_HISTORY_SHARE);
  if (history) raster = await withJpegHistory(rng, raster);
  const withHistory = history ? { jpeg_history: true as const } : {};
  const photoCover: PhotoCovers = async () => {
    // another cover for a DCT tool: the item's photographic sources in turn, each derived as any cover is
    const prng = new Rng(it.seed ^ 0x7e7e7e);
    for (const src of it.photo ?? []) {
      const r = await loadRaster(src);
      if (!r) continue;
      let rgb = dropAlpha(deriveCover(prng, r));
      if (!dctCover(rgb)) continue;
      // as often as other covers, a JPEG life before (a photograph saved again)
      const jpegHistory = prng.bool(JPEG_HISTORY_SHARE);
      if (jpegHistory) rgb = dropAlpha(await withJpegHistory(prng, rgb));
      return { rgb, source: src.source, jpegHistory, thumb: await thumbnailOf(rgb, prng.int(60, 92)) };
    }
    return null;
  };
  const source = it.src?.source ?? `synthetic:${it.id}`;
  const thumb = await thumbnailOf(raster, new Rng(it.seed ^ 0x5a5a5a).int(60, 92));
  // Clean counterparts of the DCT stego: photograph-like covers written as dctStego writes them, less
  // the payload (same encoder, qualities, tables and packer), so that a photograph is no sign of a DCT tool.
  const photoClean = it.kind === 'clean' && new Rng(it.seed ^ 0x3c3c3c).bool(PHOTO_CLEAN_SHARE) ? await photoCover() : null;
  if (photoClean) {
    const prng = new Rng(it.seed ^ 0x1d1d1d);
    const { rgb } = photoClean;
    const meta = prng.bool(CLEAN_META_SHARE) ? legitMetadata(prng, 'jpeg', { w: rgb.width, h: rgb.height, thumb: photoClean.thumb }) : {};
    const file = `files/${it.split}/${it.id}.jpg`;
    writeFileSync(join(out, file), repackJpeg(await encodeImage(rgb, 'jpeg', { ...meta, jpegQuality: prng.int(60, 95), jpegTables: jpegTables(prng) })));
    return { file, split: it.split, source: photoClean.source, stego: 0, method: null, bit_order: null, variant: 'clean', format: 'jpeg', width: rgb.width, height: rgb.height, payload_len: null, ...(photoClean.jpegHistory ? { jpeg_history: true as const } : {}) };
  }
  if (it.kind === 'clean') {
    const c = await encodeClean(rng, raster, thumb);
    const ext = EXT[c.format.split('-')[0]!]!;
    const file = `files/${it.split}/${it.id}.${ext}`;
    writeFileSync(join(out, file), c.file);
    return { file, split: it.split, source, stego: 0, method: null, bit_order: null, variant: 'clean', format: c.format, width: c.w, height: c.h, payload_len: null, ...withHistory };
  }
  const s = await makeStego(rng, raster, thumb, photoCover);
  const ext = EXT[s.format.split('-')[0]!]!;
  const file = `files/${it.split}/${it.id}.${ext}`;
  writeFileSync(join(out, file), s.file);
  return {
    file,
    split: it.split,
    source: s.cover?.source ?? source,
    stego: 1,
    method: s.method,
    bit_order: s.bitOrder,
    variant: s.variant,
    format: s.format,
    width: s.cover?.width ?? raster.width,
    height: s.cover?.height ?? raster.height,
    payload_len: s.payload.length,
    len_bucket: lenBucket(s.payload.length),
    payload_kind: isText(s.payload) ? 'text' : 'bytes',
    payload_sha256: createHash('sha256').update(s.payload).digest('hex'),
    ...(s.payload.length <= PAYLOAD_B64_MAX ? { payload_b64: Buffer.from(s.payload).toString('base64') } : {}),
    ...(s.truncated ? { payload_truncated: true } : {}),
    ...(s.cover ? (s.cover.jpegHistory ? { jpeg_history: true as const } : {}) : withHistory),
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
  const nClean = Number(arg('clean', '34000'));
  const nStego = Number(arg('stego', '24000'));
  const seed = Number(arg('seed', '1'));
  const workers = Number(arg('workers', '2'));
  const synthShare = Number(arg('synthetic', '0.08'));
  // --no-sample: covers from --covers only (the held-out evaluation builds from other packages; tools/data/src/heldout.ts)
  const shared = process.argv.includes('--no-sample') ? null : resolve(arg('shared', join(ROOT, '../shared')));
  const sources = listSources(resolve(arg('covers', join(ROOT, '.cache/covers'))), shared);
  const bySplit: Record<Split, Source[][]> = { train: [[], []], val: [[], []], test: [[], []] };
  // Covers for clean and for stego come from disjoint sources (stego is made on OTHER covers).
  for (const s of sources) bySplit[splitOf(s.source)][hashString(`role:${s.source}`) & 1]!.push(s);
  const rng = new Rng(seed);
  // photographic sources (textures photographed for games, GIMP's photo patterns) for DCT tools, by split and role;
  // drawn with a random stream of their own so that every other choice stays what it was
  // (a held-out cover set has none of those packages: any of its images may serve, photoCover keeping the
  // photograph-like ones, from more draws since few of them are)
  const photoPools: Record<Split, Source[][]> = { train: [[], []], val: [[], []], test: [[], []] };
  const isPhoto = (s: Source): boolean => PHOTO_PACKAGES.some((p) => s.source.startsWith(`${p}:`));
  const heldOut = !sources.some(isPhoto); // no photographic training package among the covers
  const photoDraws = heldOut ? 32 : 8;
  for (const s of sources) if (heldOut || isPhoto(s)) photoPools[splitOf(s.source)][hashString(`role:${s.source}`) & 1]!.push(s);
  const photoRng = new Rng(seed ^ 0x9e3779b9);
  const items: Item[] = [];
  // Clean files go 60/20/20: the threshold is frozen at a clean false-positive rate of 0.05 %, which
  // ~4,000 clean validation files (70/15/15) resolved only to their one or two highest scores.
  const splitShare: Record<'clean' | 'stego', [Split, number][]> = {
    clean: [
      ['train', 60],
      ['val', 20],
      ['test', 20],
    ],
    stego: [
      ['train', 70],
      ['val', 15],
      ['test', 15],
    ],
  };
  let id = 0;
  for (const [kind, count, role] of [
    ['clean', nClean, 0],
    ['stego', nStego, 1],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const split = pick(rng, splitShare[kind]);
      const pool = bySplit[split][role]!;
      const src = rng.float() < synthShare || pool.length === 0 ? null : pool[rng.int(0, pool.length - 1)]!;
      const photoPool = photoPools[split][role]!;
      const photo = photoPool.length ? Array.from({ length: photoDraws }, () => photoPool[photoRng.int(0, photoPool.length - 1)]!) : undefined;
      items.push({ id: id++, split, kind, src, seed: rng.int(1, 2 ** 31 - 2), ...(photo ? { photo } : {}) });
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
