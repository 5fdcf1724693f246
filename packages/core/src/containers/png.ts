import { pngTextField, pushField, type MetadataText } from '../metadata.js';
import { ascii, concat, u32be } from '../bytes.js';
import { crc32 } from '../crc32.js';
import { corrupt, truncated } from '../errors.js';
import type { ContainerInfo, DecodedImage, ImageMode, Limits } from '../image.js';
import { inflateBounded, nativeInflate } from '../inflate.js';
import type { PixelDecoder } from '../decoders/types.js';
import { checkDimensions } from '../limits.js';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const EXIF_PREFIX = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

interface PngParse {
  info: ContainerInfo;
  bitDepth: number;
  colorType: number;
  interlace: number;
  plte: Uint8Array | null;
  idat: Uint8Array[];
}

/** Pillow's (bit depth, colour type) -> mode table. */
function pngMode(bitDepth: number, colorType: number): ImageMode | null {
  switch (colorType) {
    case 0:
      return bitDepth === 1 ? '1' : bitDepth === 16 ? 'I;16' : [2, 4, 8].includes(bitDepth) ? 'L' : null;
    case 2:
      return bitDepth === 8 || bitDepth === 16 ? 'RGB' : null;
    case 3:
      return [1, 2, 4, 8].includes(bitDepth) ? 'P' : null;
    case 4:
      return bitDepth === 8 ? 'LA' : bitDepth === 16 ? 'RGBA' : null; // Pillow opens 16-bit LA as RGBA
    case 6:
      return bitDepth === 8 || bitDepth === 16 ? 'RGBA' : null;
    default:
      return null;
  }
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function parse(b: Uint8Array, limits: Required<Limits>): PngParse {
  let o = 8;
  let ihdr: { w: number; h: number; depth: number; type: number; interlace: number } | null = null;
  let plte: Uint8Array | null = null;
  let exif: Uint8Array = new Uint8Array(0);
  const text: MetadataText[] = [];
  const idat: Uint8Array[] = [];
  let idatRun: 'before' | 'in' | 'after' = 'before';
  let end = -1;
  while (o + 8 <= b.length) {
    const len = u32be(b, o);
    const type = ascii(b, o + 4, 4);
    const dataStart = o + 8;
    const dataEnd = dataStart + len;
    if (len > 0x7fffffff) throw corrupt(`PNG chunk ${JSON.stringify(type)} declares an impossible length`);
    if (!ihdr && type !== 'IHDR') throw corrupt('PNG does not start with an IHDR chunk');
    if (dataEnd + 4 > b.length) {
      if (type === 'IDAT' || idatRun !== 'before') {
        // A cut inside or after the image data: keep what is there; decoding decides.
        if (type === 'IDAT' && idatRun !== 'after') idat.push(b.subarray(dataStart, Math.min(dataEnd, b.length)));
        break;
      }
      throw truncated(`PNG chunk ${type} is cut short`);
    }
    // Pillow checks CRCs of the chunks it reads before the image data (not IDAT, not later ones).
    if (idatRun === 'before' && type !== 'IDAT') {
      if (crc32(b, o + 4, dataEnd) !== u32be(b, dataEnd)) throw corrupt(`PNG chunk ${type} has a bad CRC`);
    }
    const data = b.subarray(dataStart, dataEnd);
    switch (type) {
      case 'IHDR': {
        if (ihdr) break;
        if (len < 13) throw corrupt('PNG IHDR is too short');
        ihdr = { w: u32be(data, 0), h: u32be(data, 4), depth: data[8]!, type: data[9]!, interlace: data[12]! };
        if (!pngMode(ihdr.depth, ihdr.type)) {
          throw corrupt(`PNG bit depth ${ihdr.depth} with colour type ${ihdr.type} is not valid`);
        }
        if (ihdr.interlace > 1) throw corrupt(`PNG interlace method ${ihdr.interlace} is unknown`);
        checkDimensions(ihdr.w, ihdr.h, limits);
        break;
      }
      case 'PLTE':
        if (idatRun === 'before') plte = data;
        break;
      case 'eXIf':
        exif = concat([Uint8Array.from(EXIF_PREFIX), data]);
        break;
      case 'tEXt':
      case 'zTXt':
      case 'iTXt':
        pushField(text, pngTextField(type, data));
        break;
      case 'IDAT':
        if (idatRun === 'before') idatRun = 'in';
        if (idatRun === 'in') idat.push(data);
        break;
      case 'IEND':
        end = dataEnd + 4;
        break;
      default:
        break;
    }
    if (type !== 'IDAT' && idatRun === 'in') idatRun = 'after';
    o = dataEnd + 4;
    if (end >= 0) break;
  }
  if (!ihdr) throw truncated('PNG ends before its IHDR chunk');
  if (idat.length === 0) throw truncated('PNG has no image data (IDAT)');
  if (ihdr.type === 3 && !plte) throw corrupt('palette PNG without a PLTE chunk');
  const mode = pngMode(ihdr.depth, ihdr.type)!;
  return {
    info: {
      format: 'png',
      pillowFormat: 'PNG',
      width: ihdr.w,
      height: ihdr.h,
      mode,
      exif,
      text,
      end: end >= 0 ? end : Math.min(o, b.length),
      frames: 1,
      lossy: false,
    },
    bitDepth: ihdr.depth,
    colorType: ihdr.type,
    interlace: ihdr.interlace,
    plte,
    idat,
  };
}

export function parsePng(b: Uint8Array, limits: Required<Limits>): ContainerInfo {
  return parse(b, limits).info;
}

/** Undo PNG filters for one pass; returns rows of `rowBytes` bytes each (filter bytes removed). */
function unfilter(src: Uint8Array, srcOff: number, rows: number, rowBytes: number, bpp: number): Uint8Array {
  const out = new Uint8Array(rows * rowBytes);
  const zero = new Uint8Array(rowBytes);
  for (let y = 0; y < rows; y++) {
    const f = src[srcOff + y * (rowBytes + 1)]!;
    const s = srcOff + y * (rowBytes + 1) + 1;
    const d = y * rowBytes;
    const line = src.subarray(s, s + rowBytes);
    const cur = out.subarray(d, d + rowBytes);
    const up = y > 0 ? out.subarray(d - rowBytes, d) : zero;
    switch (f) {
      case 0:
        cur.set(line);
        break;
      case 1:
        for (let i = 0; i < bpp; i++) cur[i] = line[i]!;
        for (let i = bpp; i < rowBytes; i++) cur[i] = (line[i]! + cur[i - bpp]!) & 255;
        break;
      case 2:
        for (let i = 0; i < rowBytes; i++) cur[i] = (line[i]! + up[i]!) & 255;
        break;
      case 3:
        for (let i = 0; i < bpp; i++) cur[i] = (line[i]! + (up[i]! >> 1)) & 255;
        for (let i = bpp; i < rowBytes; i++) cur[i] = (line[i]! + ((cur[i - bpp]! + up[i]!) >> 1)) & 255;
        break;
      case 4:
        for (let i = 0; i < bpp; i++) cur[i] = (line[i]! + up[i]!) & 255;
        for (let i = bpp; i < rowBytes; i++) {
          const a = cur[i - bpp]!;
          const b = up[i]!;
          const c = up[i - bpp]!;
          const p = a + b - c;
          const pa = p > a ? p - a : a - p;
          const pb = p > b ? p - b : b - p;
          const pc = p > c ? p - c : c - p;
          cur[i] = (line[i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255;
        }
        break;
      default:
        throw corrupt(`PNG row ${y} has unknown filter type ${f}`);
    }
  }
  return out;
}

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Read sample `x` of a row at the file's bit depth (1, 2, 4, 8 or 16: the high byte for 16). */
function makeSampleReader(depth: number): (row: Uint8Array, base: number, idx: number) => number {
  switch (depth) {
    case 8:
      return (r, base, i) => r[base + i]!;
    case 16:
      return (r, base, i) => (r[base + 2 * i]! << 8) | r[base + 2 * i + 1]!;
    default: {
      const perByte = 8 / depth;
      const mask = (1 << depth) - 1;
      return (r, base, i) => (r[base + ((i / perByte) | 0)]! >> (8 - depth * ((i % perByte) + 1))) & mask;
    }
  }
}

export async function decodePng(b: Uint8Array, limits: Required<Limits>, native?: PixelDecoder['inflate']): Promise<DecodedImage> {
  const p = parse(b, limits);
  const { width: w, height: h, mode } = p.info;
  const ch = CHANNELS[p.colorType]!;
  const bitsPerPixel = ch * p.bitDepth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const rowBytesFor = (pw: number): number => Math.ceil((pw * bitsPerPixel) / 8);

  // Geometry of each pass (one pass when not interlaced).
  const passes: { x0: number; y0: number; dx: number; dy: number; pw: number; ph: number }[] = [];
  if (p.interlace) {
    for (const [x0, y0, dx, dy] of ADAM7) {
      const pw = Math.ceil((w - x0) / dx);
      const ph = Math.ceil((h - y0) / dy);
      if (pw > 0 && ph > 0) passes.push({ x0, y0, dx, dy, pw, ph });
    }
  } else passes.push({ x0: 0, y0: 0, dx: 1, dy: 1, pw: w, ph: h });
  let need = 0;
  for (const ps of passes) need += ps.ph * (rowBytesFor(ps.pw) + 1);
  const raw = (await nativeInflate(native, p.idat, need)) ?? inflateBounded(p.idat, need);

  // Fast path: a non-interlaced 8-bit image's unfiltered rows are already its samples.
  if (!p.interlace && p.bitDepth === 8) {
    return toImage(p, unfilter(raw, 0, h, rowBytesFor(w), bpp), mode, w, h);
  }
  // Samples per pixel at full precision (16-bit kept as 16-bit here).
  const samples = p.bitDepth === 16 ? new Uint16Array(w * h * ch) : new Uint8Array(w * h * ch);
  const read = makeSampleReader(p.bitDepth);
  let off = 0;
  for (const ps of passes) {
    const rb = rowBytesFor(ps.pw);
    const rows = unfilter(raw, off, ps.ph, rb, bpp);
    off += ps.ph * (rb + 1);
    for (let y = 0; y < ps.ph; y++) {
      const base = y * rb;
      const oy = ps.y0 + y * ps.dy;
      for (let x = 0; x < ps.pw; x++) {
        const dst = (oy * w + ps.x0 + x * ps.dx) * ch;
        for (let c = 0; c < ch; c++) samples[dst + c] = read(rows, base, x * ch + c);
      }
    }
  }
  return toImage(p, samples, mode, w, h);
}

function toImage(p: PngParse, s: Uint8Array | Uint16Array, mode: ImageMode, w: number, h: number): DecodedImage {
  const n = w * h;
  // 8-bit RGB: the samples already are the interleaved RGB the rest of core uses.
  if (p.colorType === 2 && p.bitDepth === 8) return { ...p.info, rgb: s as Uint8Array, alpha: null, indices: null, palette: null };
  const rgb = new Uint8Array(n * 3);
  let alpha: Uint8Array | null = null;
  let indices: Uint8Array | null = null;
  let palette: Uint8Array | null = null;
  const depth = p.bitDepth;
  const hi = (v: number): number => (depth === 16 ? v >> 8 : v);
  switch (p.colorType) {
    case 0: {
      // '1' -> 0/255, L;2 -> *85, L;4 -> *17, I;16 -> saturate at 255 (Pillow's I;16 -> RGB).
      const scale = depth === 1 ? 255 : depth === 2 ? 85 : depth === 4 ? 17 : 1;
      for (let i = 0; i < n; i++) {
        const v = depth === 16 ? Math.min(255, s[i]!) : s[i]! * scale;
        rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = v;
      }
      break;
    }
    case 2:
      for (let i = 0; i < n * 3; i++) rgb[i] = s[i]! >> 8;
      break;
    case 3: {
      indices = new Uint8Array(n);
      palette = p.plte!.slice(0, Math.floor(Math.min(p.plte!.length, 768) / 3) * 3);
      const lut = paletteLut(palette);
      for (let i = 0; i < n; i++) {
        const k = s[i]!;
        indices[i] = k;
        rgb[3 * i] = lut[3 * k]!;
        rgb[3 * i + 1] = lut[3 * k + 1]!;
        rgb[3 * i + 2] = lut[3 * k + 2]!;
      }
      break;
    }
    case 4: {
      if (mode === 'RGBA') alpha = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = hi(s[2 * i]!);
        rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = v;
        if (alpha) alpha[i] = hi(s[2 * i + 1]!);
      }
      break;
    }
    case 6: {
      alpha = new Uint8Array(n);
      const shift = depth === 16 ? 8 : 0;
      for (let i = 0, j = 0, k = 0; i < n; i++, j += 4, k += 3) {
        rgb[k] = s[j]! >> shift;
        rgb[k + 1] = s[j + 1]! >> shift;
        rgb[k + 2] = s[j + 2]! >> shift;
        alpha[i] = s[j + 3]! >> shift;
      }
      break;
    }
  }
  return { ...p.info, rgb, alpha, indices, palette };
}

/**
 * A 256-entry RGB lookup table as Pillow holds a palette: the file's entries first,
 * a grey ramp (i, i, i) for indices the file's palette does not cover.
 */
export function paletteLut(palette: Uint8Array): Uint8Array {
  const lut = new Uint8Array(768);
  for (let i = 0; i < 256; i++) lut[3 * i] = lut[3 * i + 1] = lut[3 * i + 2] = i;
  lut.set(palette.subarray(0, 768));
  return lut;
}
