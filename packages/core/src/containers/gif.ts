import { gifSubBlocks, pushField, xmpPacketIn, type MetadataText } from '../metadata.js';
import { u16le } from '../bytes.js';
import { corrupt, truncated } from '../errors.js';
import type { ContainerInfo, DecodedImage, Limits } from '../image.js';
import { checkDimensions } from '../limits.js';
import { paletteLut } from './png.js';

interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
  interlace: boolean;
  /** Local colour table, or null. */
  lct: Uint8Array | null;
  /** Offset of the LZW minimum code size byte. */
  dataOffset: number;
  transparency: number | null;
}

interface GifParse {
  info: ContainerInfo;
  gct: Uint8Array | null;
  first: Frame;
}

/** Pillow opens a GIF whose colour table is an identity grey ramp as mode L. */
function paletteNeeded(p: Uint8Array): boolean {
  for (let i = 0; i + 2 < p.length; i += 3) {
    const k = i / 3;
    if (p[i] !== k || p[i + 1] !== k || p[i + 2] !== k) return true;
  }
  return false;
}

/** Skip a chain of data sub-blocks starting at o; returns the offset after the terminator, or -1 at EOF. */
function skipSubBlocks(b: Uint8Array, o: number): number {
  while (o < b.length) {
    const n = b[o]!;
    o += 1;
    if (n === 0) return o;
    o += n;
  }
  return -1;
}

function parse(b: Uint8Array, limits: Required<Limits>): GifParse {
  if (b.length < 13) throw truncated('GIF ends inside its header');
  let w = u16le(b, 6);
  let h = u16le(b, 8);
  const flags = b[10]!;
  let o = 13;
  let gct: Uint8Array | null = null;
  if (flags & 0x80) {
    const n = 3 << ((flags & 7) + 1);
    if (o + n > b.length) throw truncated('GIF ends inside its global colour table');
    gct = b.subarray(o, o + n);
    o += n;
  }
  let first: Frame | null = null;
  let frames = 0;
  let transparency: number | null = null;
  let end = -1;
  const text: MetadataText[] = [];
  while (o < b.length) {
    const t = b[o]!;
    o += 1;
    if (t === 0x3b) {
      end = o;
      break;
    }
    if (t === 0x21) {
      if (o >= b.length) break;
      const label = b[o]!;
      if (label === 0xf9 && o + 5 < b.length && b[o + 1]! >= 4 && !first) {
        transparency = b[o + 2]! & 1 ? b[o + 5]! : null;
      }
      if (label === 0xfe) {
        const value = gifSubBlocks(b, o + 1);
        const packet = xmpPacketIn(value);
        pushField(text, packet ? { kind: 'xmp', key: '', value: packet } : { kind: 'gif:comment', key: '', value });
      }
      const next = skipSubBlocks(b, o + 1);
      if (next < 0) break;
      o = next;
      continue;
    }
    if (t === 0x2c) {
      if (o + 9 > b.length) break;
      const fx = u16le(b, o);
      const fy = u16le(b, o + 2);
      const fw = u16le(b, o + 4);
      const fh = u16le(b, o + 6);
      const ff = b[o + 8]!;
      o += 9;
      let lct: Uint8Array | null = null;
      if (ff & 0x80) {
        const n = 3 << ((ff & 7) + 1);
        if (o + n > b.length) {
          if (!first) throw truncated('GIF ends inside a local colour table');
          break;
        }
        lct = b.subarray(o, o + n);
        o += n;
      }
      if (o >= b.length) {
        if (!first) throw truncated('GIF ends before its image data');
        break;
      }
      frames += 1;
      if (!first) {
        first = { x: fx, y: fy, w: fw, h: fh, interlace: (ff & 0x40) !== 0, lct, dataOffset: o, transparency };
      }
      const next = skipSubBlocks(b, o + 1);
      if (next < 0) {
        end = overrunEnd(b, o, fw, fh, limits);
        break;
      }
      o = next;
      continue;
    }
    // Unknown block: Pillow stops reading blocks here.
    break;
  }
  if (!first) throw corrupt('GIF contains no image');
  // Pillow grows the canvas to hold the first frame.
  w = Math.max(w, first.x + first.w);
  h = Math.max(h, first.y + first.h);
  checkDimensions(w, h, limits);
  return {
    info: {
      format: 'gif',
      pillowFormat: 'GIF',
      width: w,
      height: h,
      mode: 'P',
      exif: new Uint8Array(0),
      text,
      end: end >= 0 ? staleRemnantEnd(b, end) : Math.min(o, b.length),
      frames,
      lossy: false,
    },
    gct,
    first,
  };
}

const MAX_ALIGN = 256;
const MAX_TEXT_RUN = 16;

/**
 * A GIF rewritten in place by a program that did not truncate the file keeps the end of the older,
 * longer version after its own trailer: the last bytes of that version's LZW data, then its block
 * terminator and trailer (00 3B). Old web graphics carry such remnants often (in 13 Debian packages
 * of icons and emoticons, 57 of 1,110 GIFs had data after the trailer, and all of it was this), and
 * they are part of the file as written, not data appended to it: returns the offset past the
 * remnant when the bytes after the trailer at `end` are one, else `end`.
 *
 * A remnant must end with 00 3B and read as the tail of a GIF data stream: after at most 255 bytes
 * (the rest of a sub-block whose length byte was overwritten) it parses as sub-blocks, extensions
 * and image descriptors up to that final trailer. It must not look like a message: no printable run
 * of MAX_TEXT_RUN bytes (LZW data has one with p ~ 1e-7 per byte), no Starlight AI42 marker, no
 * file signature (GIF/PNG/JPEG/ZIP/PDF) at its start. Short remnants (under 257 bytes) satisfy the
 * structure whatever they hold, and a payload cut into sub-blocks passes at any length: a known
 * evasion route (README), traded for not flagging 5 % of old GIFs.
 */
function staleRemnantEnd(b: Uint8Array, end: number): number {
  const n = b.length;
  if (n - end < 2 || b[n - 2] !== 0 || b[n - 1] !== 0x3b) return end;
  if (startsWithAny(b, end, REMNANT_REJECT) || longestPrintableRun(b, end, n) >= MAX_TEXT_RUN) return end;
  for (let s = end; s < Math.min(n - 1, end + MAX_ALIGN); s++) if (parsesToEnd(b, s)) return n;
  return end;
}

const REMNANT_REJECT = ['AI42', 'GIF8', '\x89PNG', '\xff\xd8\xff', 'PK\x03\x04', '%PDF'].map((s) => Array.from(s, (c) => c.charCodeAt(0)));

function startsWithAny(b: Uint8Array, at: number, sigs: number[][]): boolean {
  return sigs.some((sig) => at + sig.length <= b.length && sig.every((c, i) => b[at + i] === c));
}

function longestPrintableRun(b: Uint8Array, from: number, to: number): number {
  let best = 0;
  let run = 0;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    run = (c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13 ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/**
 * Do the bytes from `o` (a sub-block length byte) read as GIF data blocks ending exactly with the
 * file's last byte, a trailer? Encoders cut data into sub-blocks of one size (255 mostly) and a
 * last shorter one, so a chain whose other sub-blocks differ in length is not GIF data.
 */
function parsesToEnd(b: Uint8Array, o: number): boolean {
  const n = b.length;
  o = skipUniformSubBlocks(b, o);
  while (o >= 0 && o < n) {
    const t = b[o]!;
    if (t === 0x3b) return o === n - 1;
    if (t === 0x21) o = skipUniformSubBlocks(b, o + 2);
    else if (t === 0x2c) {
      if (o + 10 >= n) return false;
      const ff = b[o + 9]!;
      o += 10 + (ff & 0x80 ? 3 << ((ff & 7) + 1) : 0) + 1; // descriptor, local colour table, LZW code size
      o = skipUniformSubBlocks(b, o);
    } else return false;
  }
  return false;
}

/** skipSubBlocks for a chain whose sub-blocks, but the last, all have one length; -1 when they do not. */
function skipUniformSubBlocks(b: Uint8Array, o: number): number {
  let size = -1;
  let last = -1;
  while (o < b.length) {
    const k = b[o]!;
    if (k === 0) return o + 1;
    if (last >= 0) {
      if (size >= 0 && last !== size) return -1;
      size = last;
    }
    last = k;
    o += 1 + k;
  }
  return -1;
}

export function parseGif(b: Uint8Array, limits: Required<Limits>): ContainerInfo {
  return parse(b, limits).info;
}

/**
 * A frame whose sub-block lengths run past the end of the file. Old encoders miscounted the last
 * sub-block by one, so its terminator reads as data and the trailer as a length: when the frame's
 * LZW data is complete within 4 bytes of the end of the file, the file ends with the frame. When
 * it is complete earlier, what follows it is appended (its offset is returned); -1 when the data
 * cannot be decoded (a truncated file).
 */
function overrunEnd(b: Uint8Array, o: number, fw: number, fh: number, limits: Required<Limits>): number {
  if (fw * fh === 0 || fw * fh > limits.maxPixels) return -1;
  let after: number;
  try {
    after = lzw(b, o, new Uint8Array(fw * fh));
  } catch {
    return -1;
  }
  return b.length - after <= 4 ? b.length : after;
}

/** Decode the LZW data of one frame into `out` (frame-local raster order). Returns the offset after the last byte read. */
function lzw(b: Uint8Array, o: number, out: Uint8Array): number {
  const minSize = b[o]!;
  if (minSize < 1 || minSize > 11) throw corrupt(`GIF LZW code size ${minSize} is invalid`);
  o += 1;
  const clear = 1 << minSize;
  const eoi = clear + 1;
  const prefix = new Uint16Array(4096);
  const suffix = new Uint8Array(4096);
  const firstOf = new Uint8Array(4096);
  const lengthOf = new Uint16Array(4096);
  for (let i = 0; i < clear; i++) {
    suffix[i] = i;
    firstOf[i] = i;
    lengthOf[i] = 1;
  }
  let size = minSize + 1;
  let next = clear + 2;
  let prev = -1;
  let bits = 0;
  let acc = 0;
  let written = 0;
  const total = out.length;
  let blockLeft = 0;
  for (;;) {
    // Fill the bit accumulator from the sub-blocks.
    while (bits < size) {
      if (blockLeft === 0) {
        if (o >= b.length) throw truncated(`GIF image data is truncated (${written} of ${total} pixels)`);
        blockLeft = b[o]!;
        o += 1;
        if (blockLeft === 0) return o; // end of data before EOI: keep what we have
      }
      if (o >= b.length) throw truncated(`GIF image data is truncated (${written} of ${total} pixels)`);
      acc |= b[o]! << bits;
      o += 1;
      blockLeft -= 1;
      bits += 8;
    }
    const code = acc & ((1 << size) - 1);
    acc >>>= size;
    bits -= size;
    if (code === clear) {
      size = minSize + 1;
      next = clear + 2;
      prev = -1;
      continue;
    }
    if (code === eoi) return o;
    let len: number;
    let cur: number;
    if (prev < 0) {
      if (code >= clear) throw corrupt('GIF LZW stream starts with an invalid code');
      cur = code;
      len = 1;
    } else if (code < next) {
      cur = code;
      len = lengthOf[code]!;
      if (next < 4096) {
        prefix[next] = prev;
        suffix[next] = firstOf[code]!;
        firstOf[next] = firstOf[prev]!;
        lengthOf[next] = lengthOf[prev]! + 1;
        next += 1;
      }
    } else if (code === next && next < 4096) {
      prefix[next] = prev;
      suffix[next] = firstOf[prev]!;
      firstOf[next] = firstOf[prev]!;
      lengthOf[next] = lengthOf[prev]! + 1;
      next += 1;
      cur = code;
      len = lengthOf[code]!;
    } else {
      throw corrupt('GIF LZW stream has an invalid code');
    }
    // Emit the string for `cur`, back to front.
    let c = cur;
    for (let i = len - 1; i >= 0; i--) {
      const pos = written + i;
      if (pos < total) out[pos] = suffix[c]!;
      c = prefix[c]!;
    }
    written = Math.min(total, written + len);
    if (written >= total) return o;
    prev = cur;
    if (next === 1 << size && size < 12) size += 1;
  }
}

export function decodeGif(b: Uint8Array, limits: Required<Limits>): DecodedImage {
  const p = parse(b, limits);
  const { width: w, height: h } = p.info;
  const f = p.first;
  const table = f.lct ?? p.gct;
  // Mode L (no table, or an identity grey ramp) is converted to P with a full grey ramp, as the reference does.
  const palette = table && paletteNeeded(table) ? table.slice() : greyRamp();
  const lut = paletteLut(palette);
  const indices = new Uint8Array(w * h);
  if (f.transparency !== null) indices.fill(f.transparency);
  const fw = f.w;
  const fh = f.h;
  if (fw > 0 && fh > 0) {
    const frame = new Uint8Array(fw * fh);
    lzw(b, f.dataOffset, frame);
    const rowOrder = f.interlace ? interlacedRows(fh) : null;
    for (let r = 0; r < fh; r++) {
      const y = f.y + (rowOrder ? rowOrder[r]! : r);
      if (y >= h) continue;
      indices.set(frame.subarray(r * fw, r * fw + Math.min(fw, w - f.x)), y * w + f.x);
    }
  }
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const k = indices[i]! * 3;
    rgb[3 * i] = lut[k]!;
    rgb[3 * i + 1] = lut[k + 1]!;
    rgb[3 * i + 2] = lut[k + 2]!;
  }
  return { ...p.info, rgb, alpha: null, indices, palette };
}

function greyRamp(): Uint8Array {
  const p = new Uint8Array(768);
  for (let i = 0; i < 256; i++) p[3 * i] = p[3 * i + 1] = p[3 * i + 2] = i;
  return p;
}

/** The image row each stored row of an interlaced GIF belongs to. */
function interlacedRows(h: number): Uint32Array {
  const rows = new Uint32Array(h);
  let k = 0;
  for (const [start, step] of [
    [0, 8],
    [4, 8],
    [2, 4],
    [1, 2],
  ] as const) {
    for (let y = start; y < h; y += step) rows[k++] = y;
  }
  return rows;
}
