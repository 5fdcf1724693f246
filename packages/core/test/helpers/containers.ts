/** Byte-level builders that add metadata segments to real image files (for tests). */
import { concat } from '../../src/bytes.js';
import { crc32 } from '../../src/crc32.js';

const enc = new TextEncoder();
const cat = (...parts: Uint8Array[]) => concat(parts);
const be32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
const le32 = (n: number) => Uint8Array.of(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24);

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const td = cat(enc.encode(type), data);
  return cat(be32(data.length), td, be32(crc32(td, 0, td.length)));
}
/** The PNG with chunks inserted just after IHDR. */
export function pngWith(png: Uint8Array, ...chunks: Uint8Array[]): Uint8Array {
  const ihdrEnd = 8 + 8 + 13 + 4;
  return cat(png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd));
}
export function jpegWith(jpeg: Uint8Array, ...segments: [number, Uint8Array][]): Uint8Array {
  const segs = segments.map(([m, d]) => cat(Uint8Array.of(0xff, m, (d.length + 2) >> 8, (d.length + 2) & 255), d));
  return cat(jpeg.subarray(0, 2), ...segs, jpeg.subarray(2));
}
export function gifWith(gif: Uint8Array, comment: Uint8Array): Uint8Array {
  const flags = gif[10]!;
  const at = 13 + (flags & 0x80 ? 3 << ((flags & 7) + 1) : 0);
  const blocks: Uint8Array[] = [];
  for (let o = 0; o < comment.length; o += 255) {
    const piece = comment.subarray(o, o + 255);
    blocks.push(Uint8Array.of(piece.length), piece);
  }
  return cat(gif.subarray(0, at), Uint8Array.of(0x21, 0xfe), ...blocks, Uint8Array.of(0), gif.subarray(at));
}
export function webpWith(webp: Uint8Array, xmp: Uint8Array): Uint8Array {
  const pad = xmp.length & 1 ? Uint8Array.of(0) : new Uint8Array(0);
  const body = cat(webp.subarray(12), enc.encode('XMP '), le32(xmp.length), xmp, pad);
  return cat(enc.encode('RIFF'), le32(body.length + 4), enc.encode('WEBP'), body);
}

