import { StarlightError } from '@starlight/core';
import { zlibSync } from 'fflate';
import { ascii, concatBytes, utf8 } from './bits.js';
import { crc32 } from './crc32.js';
import { isIndexed, type Cover } from './image.js';

export type PngTextKind = 'tEXt' | 'zTXt' | 'iTXt';

export interface PngText {
  keyword: string;
  text: string;
  /** tEXt (Latin-1), zTXt (Latin-1, deflated) or iTXt (UTF-8, optionally deflated). Default tEXt. */
  kind?: PngTextKind;
  /** iTXt only: compress the text. */
  compressed?: boolean;
}

export interface PngOptions {
  /**
   * Colour type: 0 grey, 2 RGB, 3 indexed, 4 grey+alpha, 6 RGBA. Default from the cover:
   * indexed -> 3, 1 channel -> 0, 3 -> 2, 4 -> 6.
   */
  colorType?: 0 | 2 | 3 | 4 | 6;
  /** tRNS: for colour type 3, one alpha per palette entry; for 0 a grey key [g]; for 2 an RGB key [r, g, b]. */
  transparency?: Uint8Array | number[];
  /** eXIf chunk data (a TIFF block, no "Exif\0\0" prefix), written before IDAT. */
  exif?: Uint8Array;
  /** Text chunks, written before IDAT. */
  text?: PngText[];
  /** Any other chunks (type, data), written before IDAT or after it. */
  chunks?: { type: string; data: Uint8Array; after?: boolean }[];
  /** Per-row filter: 'none' (0) or 'adaptive' (the usual minimum-sum heuristic). Default adaptive. */
  filter?: 'none' | 'adaptive';
  /** zlib level 0..9 (default 6). */
  level?: number;
}

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  if (!/^[A-Za-z]{4}$/.test(type)) throw new StarlightError('E_INVALID_ARGUMENT', `PNG chunk type ${JSON.stringify(type)} is not 4 letters`);
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  out.set(ascii(type), 4);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function latin1(s: string, what: string): Uint8Array {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 255) throw new StarlightError('E_INVALID_ARGUMENT', `${what} must be Latin-1 (use an iTXt chunk for Unicode)`);
  }
  return ascii(s);
}

function keyword(k: string): Uint8Array {
  if (k.length < 1 || k.length > 79) throw new StarlightError('E_INVALID_ARGUMENT', 'PNG text keyword must be 1..79 characters');
  return latin1(k, 'PNG text keyword');
}

export function textChunk(t: PngText): Uint8Array {
  const kind = t.kind ?? 'tEXt';
  const k = keyword(t.keyword);
  switch (kind) {
    case 'tEXt':
      return pngChunk('tEXt', concatBytes(k, Uint8Array.of(0), latin1(t.text, 'tEXt text')));
    case 'zTXt':
      return pngChunk('zTXt', concatBytes(k, Uint8Array.of(0, 0), zlibSync(latin1(t.text, 'zTXt text'))));
    case 'iTXt': {
      const body = t.compressed ? zlibSync(utf8(t.text)) : utf8(t.text);
      return pngChunk('iTXt', concatBytes(k, Uint8Array.of(0, t.compressed ? 1 : 0, 0, 0, 0), body));
    }
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Filter the rows (8-bit samples, bpp bytes per pixel). */
function filterRows(raw: Uint8Array, rows: number, rowBytes: number, bpp: number, adaptive: boolean): Uint8Array {
  const out = new Uint8Array(rows * (rowBytes + 1));
  const cand = adaptive ? Array.from({ length: 5 }, () => new Uint8Array(rowBytes)) : [];
  for (let y = 0; y < rows; y++) {
    const cur = raw.subarray(y * rowBytes, (y + 1) * rowBytes);
    const o = y * (rowBytes + 1);
    if (!adaptive) {
      out[o] = 0;
      out.set(cur, o + 1);
      continue;
    }
    const prev = y > 0 ? raw.subarray((y - 1) * rowBytes, y * rowBytes) : null;
    let best = 0;
    let bestSum = Infinity;
    for (let f = 0; f < 5; f++) {
      const c = cand[f]!;
      let sum = 0;
      for (let i = 0; i < rowBytes; i++) {
        const a = i >= bpp ? cur[i - bpp]! : 0;
        const b = prev ? prev[i]! : 0;
        const cc = prev && i >= bpp ? prev[i - bpp]! : 0;
        const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, cc);
        const v = (cur[i]! - pred) & 255;
        c[i] = v;
        sum += v < 128 ? v : 256 - v;
      }
      if (sum < bestSum) {
        bestSum = sum;
        best = f;
      }
    }
    out[o] = best;
    out.set(cand[best]!, o + 1);
  }
  return out;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Encode an 8-bit PNG (colour types 0, 2, 3, 4, 6), non-interlaced. */
export function encodePng(cover: Cover, options: PngOptions = {}): Uint8Array {
  const { width: w, height: h } = cover;
  const ct = options.colorType ?? (isIndexed(cover) ? 3 : cover.channels === 1 ? 0 : cover.channels === 3 ? 2 : 6);
  const ch = CHANNELS[ct];
  if (!ch) throw new StarlightError('E_INVALID_ARGUMENT', `PNG colour type ${ct} is not supported`);
  const n = w * h;
  let samples: Uint8Array;
  let plte: Uint8Array | null = null;
  if (ct === 3) {
    if (!isIndexed(cover)) throw new StarlightError('E_INVALID_ARGUMENT', 'PNG colour type 3 needs an indexed cover');
    samples = cover.indices;
    plte = cover.palette;
  } else {
    if (isIndexed(cover)) throw new StarlightError('E_INVALID_ARGUMENT', `PNG colour type ${ct} needs a raster cover (convert it first)`);
    samples = new Uint8Array(n * ch);
    const s = cover.channels;
    for (let i = 0; i < n; i++) {
      const r = cover.data[i * s]!;
      const g = s >= 3 ? cover.data[i * s + 1]! : r;
      const b = s >= 3 ? cover.data[i * s + 2]! : r;
      const a = s === 4 ? cover.data[i * s + 3]! : 255;
      if (ct === 0 || ct === 4) {
        if (s !== 1 && !(r === g && g === b)) throw new StarlightError('E_INVALID_ARGUMENT', 'PNG grey colour types need a grey cover');
        samples[i * ch] = r;
        if (ct === 4) samples[i * ch + 1] = a;
      } else {
        samples[i * ch] = r;
        samples[i * ch + 1] = g;
        samples[i * ch + 2] = b;
        if (ct === 6) samples[i * ch + 3] = a;
      }
    }
  }
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w);
  dv.setUint32(4, h);
  ihdr[8] = 8;
  ihdr[9] = ct;
  const filtered = filterRows(samples, h, w * ch, ch, options.filter !== 'none' && ct !== 3);
  const idat = zlibSync(filtered, { level: (options.level ?? 6) as 6 });
  const parts: Uint8Array[] = [SIGNATURE, pngChunk('IHDR', ihdr)];
  if (plte) parts.push(pngChunk('PLTE', plte));
  if (options.transparency) parts.push(pngChunk('tRNS', Uint8Array.from(trnsBytes(ct, options.transparency))));
  if (options.exif) parts.push(pngChunk('eXIf', options.exif));
  for (const t of options.text ?? []) parts.push(textChunk(t));
  for (const c of options.chunks ?? []) if (!c.after) parts.push(pngChunk(c.type, c.data));
  // Split IDAT into 64 KiB chunks, as most writers do.
  for (let o = 0; o < idat.length || o === 0; o += 65536) {
    parts.push(pngChunk('IDAT', idat.subarray(o, Math.min(idat.length, o + 65536))));
    if (idat.length === 0) break;
  }
  for (const c of options.chunks ?? []) if (c.after) parts.push(pngChunk(c.type, c.data));
  parts.push(pngChunk('IEND', new Uint8Array(0)));
  return concatBytes(...parts);
}

function trnsBytes(ct: number, t: Uint8Array | number[]): number[] {
  const v = Array.from(t);
  if (ct === 3) return v;
  if (ct === 0 && v.length === 1) return [0, v[0]!];
  if (ct === 2 && v.length === 3) return [0, v[0]!, 0, v[1]!, 0, v[2]!];
  throw new StarlightError('E_INVALID_ARGUMENT', `tRNS for colour type ${ct} must be ${ct === 0 ? '[grey]' : ct === 2 ? '[r, g, b]' : 'absent'}`);
}
