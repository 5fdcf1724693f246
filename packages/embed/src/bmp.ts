import { StarlightError } from '@starlight/core';
import { isIndexed, type Cover } from './image.js';

export interface BmpOptions {
  /** 24 (BGR), 32 (BGRX, or BGRA with a V4 header and bit-field masks when the cover has alpha) or 8 (palette). Default from the cover. */
  bits?: 8 | 24 | 32;
  /** Store rows top-down (negative height) instead of the usual bottom-up. */
  topDown?: boolean;
}

/** Encode an uncompressed BMP: 8-bit indexed, 24-bit RGB or 32-bit RGB(A). */
export function encodeBmp(cover: Cover, options: BmpOptions = {}): Uint8Array {
  const { width: w, height: h } = cover;
  const indexed = isIndexed(cover);
  const bits = options.bits ?? (indexed ? 8 : cover.channels === 4 ? 32 : 24);
  if (bits === 8 && !indexed) throw new StarlightError('E_INVALID_ARGUMENT', '8-bit BMP needs an indexed cover');
  if (bits !== 8 && indexed) throw new StarlightError('E_INVALID_ARGUMENT', `${bits}-bit BMP needs a raster cover (convert it first)`);
  const alpha = bits === 32 && !indexed && cover.channels === 4;
  const headerSize = alpha ? 108 : 40;
  const colors = indexed ? cover.palette.length / 3 : 0;
  const paletteBytes = colors * 4;
  const stride = Math.floor((w * bits + 31) / 32) * 4;
  const dataOffset = 14 + headerSize + paletteBytes;
  const size = dataOffset + stride * h;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  dv.setUint32(2, size, true);
  dv.setUint32(10, dataOffset, true);
  dv.setUint32(14, headerSize, true);
  dv.setInt32(18, w, true);
  dv.setInt32(22, options.topDown ? -h : h, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, bits, true);
  dv.setUint32(30, alpha ? 3 : 0, true); // BI_BITFIELDS for BGRA, else BI_RGB
  dv.setUint32(34, stride * h, true);
  dv.setInt32(38, 2835, true);
  dv.setInt32(42, 2835, true);
  dv.setUint32(46, colors, true);
  dv.setUint32(50, 0, true);
  if (alpha) {
    dv.setUint32(54, 0x00ff0000, true);
    dv.setUint32(58, 0x0000ff00, true);
    dv.setUint32(62, 0x000000ff, true);
    dv.setUint32(66, 0xff000000, true);
    out.set([0x42, 0x47, 0x52, 0x73], 70); // 'sRGB' colour space (LCS_sRGB), stored little-endian
  }
  if (indexed) {
    const p = cover.palette;
    for (let i = 0; i < colors; i++) {
      const o = 14 + headerSize + i * 4;
      out[o] = p[3 * i + 2]!;
      out[o + 1] = p[3 * i + 1]!;
      out[o + 2] = p[3 * i]!;
    }
  }
  for (let y = 0; y < h; y++) {
    const row = dataOffset + (options.topDown ? y : h - 1 - y) * stride;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (indexed) {
        out[row + x] = cover.indices[i]!;
        continue;
      }
      const s = cover.channels;
      const r = cover.data[i * s]!;
      const g = s >= 3 ? cover.data[i * s + 1]! : r;
      const b = s >= 3 ? cover.data[i * s + 2]! : r;
      const o = row + x * (bits >> 3);
      out[o] = b;
      out[o + 1] = g;
      out[o + 2] = r;
      if (bits === 32) out[o + 3] = alpha ? cover.data[i * 4 + 3]! : 0;
    }
  }
  return out;
}
