import { StarlightError } from '@starlight/core';
import { ascii, concatBytes, utf8 } from './bits.js';
import type { IndexedImage } from './image.js';

export interface GifOptions {
  /** Index to mark transparent (Graphic Control Extension). */
  transparentIndex?: number;
  /** A comment extension block (Latin-1 text), written before `comments`. */
  comment?: string;
  /**
   * Comment Extensions (0x21 0xFE), one per entry, after the global colour table and before the
   * first image descriptor: bytes are written as they are, strings as UTF-8 (as JPEG COM). Data
   * longer than 255 bytes spans several sub-blocks.
   */
  comments?: (Uint8Array | string)[];
  /** Write the image rows interlaced. */
  interlace?: boolean;
}

/** LZW-compress indices for GIF (variable code size, clear when the table is full). */
export function lzwEncode(indices: Uint8Array, minCodeSize: number): Uint8Array {
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  let size = minCodeSize + 1;
  const emit = (code: number): void => {
    acc |= code << bits;
    bits += size;
    while (bits >= 8) {
      out.push(acc & 255);
      acc >>>= 8;
      bits -= 8;
    }
  };
  let table = new Map<number, number>();
  let next = eoi + 1;
  emit(clear);
  if (indices.length === 0) {
    emit(eoi);
    if (bits > 0) out.push(acc & 255);
    return Uint8Array.from(out);
  }
  let prefix = indices[0]!;
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i]!;
    const key = (prefix << 8) | k;
    const code = table.get(key);
    if (code !== undefined) {
      prefix = code;
      continue;
    }
    emit(prefix);
    if (next === 4096) {
      emit(clear);
      table = new Map();
      next = eoi + 1;
      size = minCodeSize + 1;
    } else {
      if (next >= 1 << size) size++;
      table.set(key, next++);
    }
    prefix = k;
  }
  emit(prefix);
  emit(eoi);
  if (bits > 0) out.push(acc & 255);
  return Uint8Array.from(out);
}

function subBlocks(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let o = 0; o < data.length; o += 255) {
    const n = Math.min(255, data.length - o);
    const b = new Uint8Array(n + 1);
    b[0] = n;
    b.set(data.subarray(o, o + n), 1);
    parts.push(b);
  }
  parts.push(Uint8Array.of(0));
  return concatBytes(...parts);
}

/** Encode a single-frame GIF89a with a global colour table. */
export function encodeGif(img: IndexedImage, options: GifOptions = {}): Uint8Array {
  const { width: w, height: h } = img;
  if (w > 65535 || h > 65535) throw new StarlightError('E_INVALID_ARGUMENT', 'GIF sides are at most 65535');
  const colors = img.palette.length / 3;
  let depth = 1;
  while (1 << depth < colors) depth++;
  const tableSize = 1 << depth;
  const gct = new Uint8Array(tableSize * 3);
  gct.set(img.palette.subarray(0, Math.min(img.palette.length, gct.length)));
  const minCode = Math.max(2, depth);
  const header = new Uint8Array(13);
  header.set(ascii('GIF89a'));
  header[6] = w & 255;
  header[7] = w >> 8;
  header[8] = h & 255;
  header[9] = h >> 8;
  header[10] = 0x80 | ((depth - 1) << 4) | (depth - 1);
  header[11] = 0;
  header[12] = 0;
  const parts: Uint8Array[] = [header, gct];
  if (options.comment !== undefined) {
    parts.push(Uint8Array.of(0x21, 0xfe), subBlocks(ascii(options.comment)));
  }
  for (const c of options.comments ?? []) {
    parts.push(Uint8Array.of(0x21, 0xfe), subBlocks(typeof c === 'string' ? utf8(c) : c));
  }
  // The Graphic Control Extension right before the image it controls (as GIMP and giflib write it).
  if (options.transparentIndex !== undefined) {
    parts.push(Uint8Array.of(0x21, 0xf9, 4, 1, 0, 0, options.transparentIndex & 255, 0));
  }
  const desc = new Uint8Array(10);
  desc[0] = 0x2c;
  desc[5] = w & 255;
  desc[6] = w >> 8;
  desc[7] = h & 255;
  desc[8] = h >> 8;
  desc[9] = options.interlace ? 0x40 : 0;
  let rows = img.indices;
  if (options.interlace) {
    rows = new Uint8Array(w * h);
    let k = 0;
    for (const [start, step] of [
      [0, 8],
      [4, 8],
      [2, 4],
      [1, 2],
    ] as const) {
      for (let y = start; y < h; y += step) rows.set(img.indices.subarray(y * w, (y + 1) * w), w * k++);
    }
  }
  parts.push(desc, Uint8Array.of(minCode), subBlocks(lzwEncode(rows, minCode)), Uint8Array.of(0x3b));
  return concatBytes(...parts);
}
