/**
 * A bounds-checked TIFF/Exif reader that finds the UserComment (0x9286): IFD0 -> Exif sub-IFD
 * (0x8769) -> UserComment, in either byte order. Never reads outside the given bytes, never
 * loops (each IFD is visited once), and returns null on anything malformed.
 */

export const TAG_EXIF_IFD = 0x8769;
export const TAG_USER_COMMENT = 0x9286;

/** Byte sizes of the TIFF field types (1..13); 0 for unknown types. */
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];

export interface UserComment {
  /** The whole tag value (character-code header included). */
  value: Uint8Array;
  /** Offset of the value inside the TIFF block. */
  offset: number;
  littleEndian: boolean;
  /** Where the tag was found: the Exif sub-IFD (the standard place) or IFD0 (a misplaced tag). */
  ifd: 'exif' | 'ifd0';
}

/** The TIFF block inside Pillow's `info["exif"]`: skips one or more `Exif\0\0` prefixes (PNG adds one even when the chunk has one). */
export function tiffBlock(exif: Uint8Array): Uint8Array | null {
  let o = 0;
  while (o + 6 <= exif.length && exif[o] === 0x45 && exif[o + 1] === 0x78 && exif[o + 2] === 0x69 && exif[o + 3] === 0x66 && exif[o + 4] === 0 && exif[o + 5] === 0) o += 6;
  const t = exif.subarray(o);
  if (t.length < 8) return null;
  const le = t[0] === 0x49 && t[1] === 0x49 && t[2] === 0x2a && t[3] === 0;
  const be = t[0] === 0x4d && t[1] === 0x4d && t[2] === 0 && t[3] === 0x2a;
  return le || be ? t : null;
}

export interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Offset of the value inside the TIFF block (inline or pointed to). */
  valueOffset: number;
  /** Raw 4-byte value field read as a u32 (for pointers). */
  raw: number;
}

export function readIfd(t: Uint8Array, at: number, le: boolean): Entry[] | null {
  const u16 = (o: number): number => (le ? t[o]! | (t[o + 1]! << 8) : (t[o]! << 8) | t[o + 1]!);
  const u32 = (o: number): number =>
    le ? (t[o]! | (t[o + 1]! << 8) | (t[o + 2]! << 16) | (t[o + 3]! << 24)) >>> 0 : ((t[o]! << 24) | (t[o + 1]! << 16) | (t[o + 2]! << 8) | t[o + 3]!) >>> 0;
  if (at < 8 || at + 2 > t.length) return null;
  const n = u16(at);
  if (at + 2 + 12 * n > t.length) return null;
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const e = at + 2 + 12 * i;
    const type = u16(e + 2);
    const count = u32(e + 4);
    const raw = u32(e + 8);
    const size = (TYPE_SIZE[type] ?? 0) * count;
    const valueOffset = size <= 4 ? e + 8 : raw;
    out.push({ tag: u16(e), type, count, valueOffset, raw });
  }
  return out;
}

/** Find the UserComment in an Exif block as Pillow exposes it; null when absent or unreadable. */
/** The TIFF block, its byte order, IFD0's offset and entries; null when malformed. */
export function readIfd0(exif: Uint8Array): { t: Uint8Array; le: boolean; at: number; ifd0: Entry[] } | null {
  const t = tiffBlock(exif);
  if (!t) return null;
  const le = t[0] === 0x49;
  const at = le ? (t[4]! | (t[5]! << 8) | (t[6]! << 16) | (t[7]! << 24)) >>> 0 : ((t[4]! << 24) | (t[5]! << 16) | (t[6]! << 8) | t[7]!) >>> 0;
  const ifd0 = readIfd(t, at, le);
  return ifd0 ? { t, le, at, ifd0 } : null;
}

/** An entry's value bytes, or null when they do not fit the block. */
function valueOf(t: Uint8Array, e: Entry): Uint8Array | null {
  const size = (TYPE_SIZE[e.type] ?? 0) * e.count;
  if (size === 0 || e.valueOffset + size > t.length || e.valueOffset < 0) return null;
  return t.subarray(e.valueOffset, e.valueOffset + size);
}

/**
 * The captions IFD0 holds: ImageDescription (0x010e, ASCII/UTF-8) and Windows' XPComment (0x9c9c,
 * UTF-16LE), as [field, text] with NULs and surrounding blanks removed (empty ones left out).
 */
export function ifd0Captions(exif: Uint8Array): [string, string][] {
  const r = readIfd0(exif);
  if (!r) return [];
  const out: [string, string][] = [];
  for (const [tag, field, label] of [
    [0x010e, 'exif ImageDescription', 'utf-8'],
    [0x9c9c, 'exif XPComment', 'utf-16le'],
  ] as const) {
    const e = r.ifd0.find((x) => x.tag === tag);
    const v = e ? valueOf(r.t, e) : null;
    if (!v) continue;
    const text = new TextDecoder(label).decode(v).replace(/\0+$/, '').trim();
    if (text) out.push([field, text]);
  }
  return out;
}

export function findUserComment(exif: Uint8Array): UserComment | null {
  const r = readIfd0(exif);
  if (!r) return null;
  const { t, le, at: ifd0At, ifd0 } = r;
  const take = (e: Entry, ifd: UserComment['ifd']): UserComment | null => {
    const value = valueOf(t, e);
    return value ? { value, offset: e.valueOffset, littleEndian: le, ifd } : null;
  };
  const ptr = ifd0.find((e) => e.tag === TAG_EXIF_IFD);
  if (ptr && ptr.raw !== ifd0At) {
    const sub = readIfd(t, ptr.raw, le);
    const uc = sub?.find((e) => e.tag === TAG_USER_COMMENT);
    if (uc) {
      const r = take(uc, 'exif');
      if (r) return r;
    }
  }
  const misplaced = ifd0.find((e) => e.tag === TAG_USER_COMMENT);
  return misplaced ? take(misplaced, 'ifd0') : null;
}

export type CommentEncoding = 'ascii' | 'unicode' | 'jis' | 'undefined' | 'none';

const HEADERS: [CommentEncoding, number[]][] = [
  ['ascii', [0x41, 0x53, 0x43, 0x49, 0x49, 0, 0, 0]],
  ['unicode', [0x55, 0x4e, 0x49, 0x43, 0x4f, 0x44, 0x45, 0]],
  ['jis', [0x4a, 0x49, 0x53, 0, 0, 0, 0, 0]],
  ['undefined', [0, 0, 0, 0, 0, 0, 0, 0]],
];

/** Split a UserComment value into its 8-byte character-code header and the message. */
export function splitCharacterCode(value: Uint8Array): { encoding: CommentEncoding; body: Uint8Array } {
  if (value.length >= 8) {
    for (const [enc, sig] of HEADERS) {
      let ok = true;
      for (let i = 0; i < 8; i++) {
        if (value[i] !== sig[i]) {
          ok = false;
          break;
        }
      }
      if (ok) return { encoding: enc, body: value.subarray(8) };
    }
    // Lenient: some writers pad the code name with spaces ("ASCII   ") or use lower case.
    const name = String.fromCharCode(...value.subarray(0, 8)).replace(/[\0 ]+$/, '').toUpperCase();
    if (name === 'ASCII' || name === 'UNICODE' || name === 'JIS') {
      return { encoding: name.toLowerCase() as CommentEncoding, body: value.subarray(8) };
    }
  }
  return { encoding: 'none', body: value };
}
