import { StarlightError } from '@starlight/core';
import { ascii, concatBytes } from './bits.js';

/** A TIFF field: tag, type (1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 7 UNDEFINED, 9 SLONG, 10 SRATIONAL) and values. */
export interface TiffField {
  tag: number;
  type: 1 | 2 | 3 | 4 | 5 | 7 | 9 | 10;
  /** Bytes for BYTE/ASCII/UNDEFINED (ASCII gets its NUL added), numbers for SHORT/LONG/SLONG, [num, den] pairs flattened for rationals. */
  value: Uint8Array | number[] | string;
}

export interface ExifOptions {
  /** 'II' little-endian (default) or 'MM' big-endian. */
  byteOrder?: 'II' | 'MM';
  /** IFD0 fields (the Exif pointer is added). Default: a plausible camera set. */
  ifd0?: TiffField[];
  /** Exif sub-IFD fields besides UserComment. Default: ExifVersion 0232 and a few camera fields. */
  exif?: TiffField[];
  /** The UserComment value (0x9286), header included; omitted when undefined. */
  userComment?: Uint8Array;
  /** GPS IFD fields (0x8825 points to them); no GPS IFD when undefined. */
  gps?: TiffField[];
  /** A JPEG thumbnail, written in IFD1 as cameras do; none when undefined. */
  thumbnail?: Uint8Array;
}

export type CommentHeader = 'ascii' | 'unicode' | 'jis' | 'undefined' | 'none';

const HEADERS: Record<Exclude<CommentHeader, 'none'>, Uint8Array> = {
  ascii: Uint8Array.of(0x41, 0x53, 0x43, 0x49, 0x49, 0, 0, 0),
  unicode: Uint8Array.of(0x55, 0x4e, 0x49, 0x43, 0x4f, 0x44, 0x45, 0),
  jis: Uint8Array.of(0x4a, 0x49, 0x53, 0, 0, 0, 0, 0),
  undefined: new Uint8Array(8),
};

/**
 * A UserComment value: the 8-byte character code + the message. `unicode` takes a string and
 * writes UTF-16 in the TIFF byte order; the others take bytes (or a string, as UTF-8).
 */
export function userCommentValue(message: Uint8Array | string, header: CommentHeader = 'ascii', byteOrder: 'II' | 'MM' = 'II'): Uint8Array {
  if (header === 'unicode') {
    if (typeof message !== 'string') throw new StarlightError('E_INVALID_ARGUMENT', 'a UNICODE UserComment takes a string');
    const b = new Uint8Array(message.length * 2);
    for (let i = 0; i < message.length; i++) {
      const u = message.charCodeAt(i);
      b[2 * i] = byteOrder === 'II' ? u & 255 : u >> 8;
      b[2 * i + 1] = byteOrder === 'II' ? u >> 8 : u & 255;
    }
    return concatBytes(HEADERS.unicode, b);
  }
  const body = typeof message === 'string' ? new TextEncoder().encode(message) : message;
  return header === 'none' ? body.slice() : concatBytes(HEADERS[header], body);
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };

export const DEFAULT_IFD0: TiffField[] = [
  { tag: 0x010f, type: 2, value: 'Canon' },
  { tag: 0x0110, type: 2, value: 'Canon EOS 80D' },
  { tag: 0x0112, type: 3, value: [1] },
  { tag: 0x011a, type: 5, value: [72, 1] },
  { tag: 0x011b, type: 5, value: [72, 1] },
  { tag: 0x0128, type: 3, value: [2] },
  { tag: 0x0131, type: 2, value: 'Firmware Version 1.0.2' },
  { tag: 0x0132, type: 2, value: '2024:05:17 10:21:44' },
];

export const DEFAULT_EXIF: TiffField[] = [
  { tag: 0x829a, type: 5, value: [1, 250] },
  { tag: 0x829d, type: 5, value: [56, 10] },
  { tag: 0x8827, type: 3, value: [400] },
  { tag: 0x9000, type: 7, value: ascii('0232') },
  { tag: 0x9003, type: 2, value: '2024:05:17 10:21:44' },
  { tag: 0x920a, type: 5, value: [50, 1] },
  { tag: 0xa001, type: 3, value: [1] },
];

function fieldBytes(f: TiffField, le: boolean): { count: number; data: Uint8Array } {
  const size = TYPE_SIZE[f.type];
  if (!size) throw new StarlightError('E_INVALID_ARGUMENT', `TIFF type ${f.type} is not supported`);
  if (f.type === 1 || f.type === 2 || f.type === 7) {
    let b = typeof f.value === 'string' ? new TextEncoder().encode(f.value) : f.value instanceof Uint8Array ? f.value : Uint8Array.from(f.value);
    if (f.type === 2) b = concatBytes(b, Uint8Array.of(0));
    return { count: b.length, data: b };
  }
  const nums = f.value as number[];
  const n = f.type === 5 || f.type === 10 ? nums.length / 2 : nums.length;
  const data = new Uint8Array(n * size);
  const dv = new DataView(data.buffer);
  const w = f.type === 3 ? 2 : 4;
  for (let i = 0; i < nums.length; i++) {
    if (w === 2) dv.setUint16(i * 2, nums[i]!, le);
    else if (f.type === 9 || f.type === 10) dv.setInt32(i * 4, nums[i]!, le);
    else dv.setUint32(i * 4, nums[i]!, le);
  }
  return { count: n, data };
}

/**
 * Build a TIFF/Exif block: header, IFD0 (with the Exif pointer 0x8769, and the GPS pointer 0x8825
 * when GPS fields are given), the Exif sub-IFD (with UserComment 0x9286 when given), the GPS IFD,
 * and IFD1 with a JPEG thumbnail when one is given (as cameras write it: Compression 6,
 * JPEGInterchangeFormat/Length, the thumbnail's bytes after IFD1). Values over 4 bytes go in a data
 * area after each IFD, word-aligned. No "Exif\0\0" prefix (JPEG's APP1 adds it; PNG eXIf and WebP EXIF don't).
 */
export function buildExif(options: ExifOptions = {}): Uint8Array {
  const le = (options.byteOrder ?? 'II') === 'II';
  const pointers = [0x8769, 0x8825];
  const ifd0 = [...(options.ifd0 ?? DEFAULT_IFD0)].filter((f) => !pointers.includes(f.tag));
  const exif = [...(options.exif ?? DEFAULT_EXIF)].filter((f) => f.tag !== 0x9286);
  if (options.userComment) exif.push({ tag: 0x9286, type: 7, value: options.userComment });
  ifd0.push({ tag: 0x8769, type: 4, value: [0] }); // patched below
  if (options.gps) ifd0.push({ tag: 0x8825, type: 4, value: [0] });
  const thumb = options.thumbnail;
  const ifd1: TiffField[] | null = thumb
    ? [
        { tag: 0x0103, type: 3, value: [6] },
        { tag: 0x011a, type: 5, value: [72, 1] },
        { tag: 0x011b, type: 5, value: [72, 1] },
        { tag: 0x0128, type: 3, value: [2] },
        { tag: 0x0201, type: 4, value: [0] }, // patched below
        { tag: 0x0202, type: 4, value: [thumb.length] },
      ]
    : null;

  /** One IFD at offset `at`: its bytes and where each pointer-like tag's value sits in them. */
  const layout = (fields: TiffField[], at: number): { bytes: Uint8Array; slots: Map<number, number>; next: number } => {
    const enc = [...fields].sort((a, b) => a.tag - b.tag).map((f) => ({ f, ...fieldBytes(f, le) }));
    const dirSize = 2 + 12 * enc.length + 4;
    let dataSize = 0;
    for (const e of enc) if (e.data.length > 4) dataSize += e.data.length + (e.data.length & 1);
    const bytes = new Uint8Array(dirSize + dataSize);
    const dv = new DataView(bytes.buffer);
    dv.setUint16(0, enc.length, le);
    let dataAt = dirSize;
    const slots = new Map<number, number>();
    enc.forEach((e, i) => {
      const o = 2 + 12 * i;
      dv.setUint16(o, e.f.tag, le);
      dv.setUint16(o + 2, e.f.type, le);
      dv.setUint32(o + 4, e.count, le);
      if (e.data.length <= 4) bytes.set(e.data, o + 8);
      else {
        dv.setUint32(o + 8, at + dataAt, le);
        bytes.set(e.data, dataAt);
        dataAt += e.data.length + (e.data.length & 1);
      }
      slots.set(e.f.tag, o + 8);
    });
    dv.setUint32(dirSize - 4, 0, le); // no next IFD unless patched
    return { bytes, slots, next: dirSize - 4 };
  };
  const set = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer, b.byteOffset).setUint32(at, v, le);
  const first = layout(ifd0, 8);
  let at = 8 + first.bytes.length;
  const sub = layout(exif, at);
  set(first.bytes, first.slots.get(0x8769)!, at);
  at += sub.bytes.length;
  const parts = [first.bytes, sub.bytes];
  if (options.gps) {
    const gps = layout(options.gps, at);
    set(first.bytes, first.slots.get(0x8825)!, at);
    at += gps.bytes.length;
    parts.push(gps.bytes);
  }
  if (ifd1 && thumb) {
    const one = layout(ifd1, at);
    set(first.bytes, first.next, at);
    at += one.bytes.length;
    set(one.bytes, one.slots.get(0x0201)!, at);
    parts.push(one.bytes, thumb);
  }
  const header = le ? Uint8Array.of(0x49, 0x49, 0x2a, 0, 8, 0, 0, 0) : Uint8Array.of(0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8);
  return concatBytes(header, ...parts);
}
