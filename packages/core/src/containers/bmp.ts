import { i32le, u16le, u32le } from '../bytes.js';
import { corrupt, truncated } from '../errors.js';
import type { ContainerInfo, DecodedImage, ImageMode, Limits } from '../image.js';
import { checkDimensions } from '../limits.js';
import { paletteLut } from './png.js';

interface BmpParse {
  info: ContainerInfo;
  bits: number;
  compression: number;
  topDown: boolean;
  dataOffset: number;
  /** BGR(X) palette converted to RGB triples, for bit depths <= 8. */
  table: Uint8Array | null;
  masks: [number, number, number, number] | null;
}

function maskShift(m: number): [number, number] {
  if (m === 0) return [0, 0];
  let shift = 0;
  while (((m >>> shift) & 1) === 0) shift++;
  let width = 0;
  while (((m >>> (shift + width)) & 1) === 1 && shift + width < 32) width++;
  return [shift, width];
}

function parse(b: Uint8Array, limits: Required<Limits>): BmpParse {
  if (b.length < 26) throw truncated('BMP ends inside its header');
  const dataOffset = u32le(b, 10);
  const hsize = u32le(b, 14);
  let w: number;
  let h: number;
  let bits: number;
  let compression = 0;
  let colorsUsed = 0;
  let palEntry = 4;
  if (hsize === 12) {
    w = u16le(b, 18);
    h = u16le(b, 20);
    bits = u16le(b, 24);
    palEntry = 3;
  } else if (hsize >= 40 && hsize <= 124) {
    if (b.length < 14 + 40) throw truncated('BMP ends inside its header');
    w = i32le(b, 18);
    h = i32le(b, 22);
    bits = u16le(b, 28);
    compression = u32le(b, 30);
    colorsUsed = u32le(b, 46);
  } else {
    throw corrupt(`BMP header size ${hsize} is not supported`);
  }
  const topDown = h < 0;
  h = Math.abs(h);
  if (w <= 0 || h <= 0) throw corrupt(`BMP has invalid dimensions ${w}x${h}`);
  checkDimensions(w, h, limits);
  let masks: BmpParse['masks'] = null;
  if (compression === 3 || compression === 6) {
    // Masks follow a 40-byte header, or sit inside a V2+ header at the same place.
    const mo = 14 + 40;
    if (b.length < mo + 12) throw truncated('BMP ends inside its colour masks');
    const alphaMask = hsize >= 56 || compression === 6 ? u32le(b, mo + 12) : 0;
    masks = [u32le(b, mo), u32le(b, mo + 4), u32le(b, mo + 8), alphaMask];
  } else if (compression !== 0 && !(compression === 1 && bits === 8) && !(compression === 2 && bits === 4)) {
    throw corrupt(`BMP compression ${compression} with ${bits} bits per pixel is not supported`);
  }
  let mode: ImageMode;
  let table: Uint8Array | null = null;
  if (bits === 1 || bits === 4 || bits === 8) {
    const colors = colorsUsed > 0 && colorsUsed <= 1 << bits ? colorsUsed : 1 << bits;
    const po = 14 + hsize + (compression === 3 ? 12 : compression === 6 ? 16 : 0);
    if (po + colors * palEntry > b.length) throw truncated('BMP ends inside its palette');
    table = new Uint8Array(colors * 3);
    for (let i = 0; i < colors; i++) {
      table[3 * i] = b[po + i * palEntry + 2]!;
      table[3 * i + 1] = b[po + i * palEntry + 1]!;
      table[3 * i + 2] = b[po + i * palEntry]!;
    }
    // Pillow drops a palette that is all grey (or black and white for two colours).
    let grey = true;
    for (let i = 0; i < colors && grey; i++) {
      const v = colors === 2 ? (i === 0 ? 0 : 255) : i;
      grey = table[3 * i] === v && table[3 * i + 1] === v && table[3 * i + 2] === v;
    }
    mode = grey ? (colors === 2 ? '1' : 'L') : 'P';
  } else if (bits === 16 || bits === 24) {
    mode = 'RGB';
  } else if (bits === 32) {
    mode = masks && masks[3] !== 0 ? 'RGBA' : 'RGB';
  } else {
    throw corrupt(`BMP with ${bits} bits per pixel is not supported`);
  }
  const stride = Math.floor((w * bits + 31) / 32) * 4;
  const declaredSize = u32le(b, 2);
  const end = compression === 1 || compression === 2 ? Math.min(b.length, Math.max(declaredSize, dataOffset)) : dataOffset + stride * h;
  return {
    info: { format: 'bmp', pillowFormat: 'BMP', width: w, height: h, mode, exif: new Uint8Array(0), text: [], end: Math.min(end, b.length), frames: 1, lossy: false },
    bits,
    compression,
    topDown,
    dataOffset,
    table,
    masks,
  };
}

export function parseBmp(b: Uint8Array, limits: Required<Limits>): ContainerInfo {
  return parse(b, limits).info;
}

/** Expand RLE8/RLE4 data into one byte (index) per pixel, bottom-up rows as stored. */
function unRle(b: Uint8Array, o: number, w: number, h: number, four: boolean): Uint8Array {
  const out = new Uint8Array(w * h);
  let x = 0;
  let y = 0;
  while (y < h) {
    if (o + 1 >= b.length) throw truncated('BMP RLE data is truncated');
    const n = b[o]!;
    const v = b[o + 1]!;
    o += 2;
    if (n > 0) {
      for (let i = 0; i < n; i++, x++) {
        if (x < w) out[y * w + x] = four ? (i & 1 ? v & 15 : v >> 4) : v;
      }
    } else if (v === 0) {
      x = 0;
      y++;
    } else if (v === 1) {
      break;
    } else if (v === 2) {
      if (o + 1 >= b.length) throw truncated('BMP RLE data is truncated');
      x += b[o]!;
      y += b[o + 1]!;
      o += 2;
    } else {
      const bytes = four ? Math.ceil(v / 2) : v;
      if (o + bytes > b.length) throw truncated('BMP RLE data is truncated');
      for (let i = 0; i < v; i++, x++) {
        const byte = b[o + (four ? i >> 1 : i)]!;
        if (x < w) out[y * w + x] = four ? (i & 1 ? byte & 15 : byte >> 4) : byte;
      }
      o += bytes + (bytes & 1);
    }
  }
  return out;
}

export function decodeBmp(b: Uint8Array, limits: Required<Limits>): DecodedImage {
  const p = parse(b, limits);
  const { width: w, height: h, mode } = p.info;
  const n = w * h;
  const rgb = new Uint8Array(n * 3);
  const alpha = mode === 'RGBA' ? new Uint8Array(n) : null;
  const isIndexed = p.bits <= 8;
  const indices = isIndexed ? new Uint8Array(n) : null;
  const stride = Math.floor((w * p.bits + 31) / 32) * 4;
  const rle = p.compression === 1 || p.compression === 2 ? unRle(b, p.dataOffset, w, h, p.compression === 2) : null;
  if (!rle && p.dataOffset + stride * h > b.length) {
    throw truncated(`BMP pixel data is truncated (${b.length - p.dataOffset} of ${stride * h} bytes)`);
  }
  const m = p.masks ?? (p.bits === 16 ? [0x7c00, 0x3e0, 0x1f, 0] : p.bits === 32 ? [0xff0000, 0xff00, 0xff, 0] : null);
  const sh = m ? m.map(maskShift) : null;
  const field = (px: number, c: number): number => {
    const [s, wd] = sh![c]!;
    if (wd === 0) return 0;
    const v = (px >>> s) & ((2 ** wd - 1) >>> 0);
    return wd >= 8 ? v >>> (wd - 8) : Math.floor((v * 255) / (2 ** wd - 1));
  };
  for (let y = 0; y < h; y++) {
    const srcRow = p.topDown ? y : h - 1 - y;
    const ro = p.dataOffset + srcRow * stride;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (isIndexed) {
        let k: number;
        if (rle) k = rle[srcRow * w + x]!;
        else if (p.bits === 8) k = b[ro + x]!;
        else if (p.bits === 4) k = (b[ro + (x >> 1)]! >> (x & 1 ? 0 : 4)) & 15;
        else k = (b[ro + (x >> 3)]! >> (7 - (x & 7))) & 1;
        indices![i] = k;
      } else if (p.bits === 24) {
        rgb[3 * i] = b[ro + 3 * x + 2]!;
        rgb[3 * i + 1] = b[ro + 3 * x + 1]!;
        rgb[3 * i + 2] = b[ro + 3 * x]!;
      } else {
        const px = p.bits === 16 ? u16le(b, ro + 2 * x) : u32le(b, ro + 4 * x);
        rgb[3 * i] = field(px, 0);
        rgb[3 * i + 1] = field(px, 1);
        rgb[3 * i + 2] = field(px, 2);
        if (alpha) alpha[i] = field(px, 3);
      }
    }
  }
  let palette: Uint8Array | null = null;
  if (indices) {
    const table = p.table!;
    // Grey (L / '1') images map index -> grey level; P images look up the palette.
    const lut = mode === 'P' ? paletteLut(table) : paletteLut(table.length === 6 ? Uint8Array.of(0, 0, 0, 255, 255, 255) : new Uint8Array(0));
    for (let i = 0; i < n; i++) {
      const k = indices[i]! * 3;
      rgb[3 * i] = lut[k]!;
      rgb[3 * i + 1] = lut[k + 1]!;
      rgb[3 * i + 2] = lut[k + 2]!;
    }
    if (mode === 'P') palette = table;
  }
  return { ...p.info, rgb, alpha, indices: mode === 'P' ? indices : null, palette };
}
