/**
 * Encoded blobs in metadata text: the longest base64 or hex run of a value, decoded, and whether the
 * decoded bytes are a structure legitimate writers put in metadata (thumbnails, EXIF/IPTC/ICC/XMP
 * profiles as ImageMagick dumps them) or something else (a hidden message, random or encrypted bytes,
 * an archive). Line breaks inside a run do not end it, so wrapped base64 (64/76 columns) counts whole.
 */

const B64 = new Int8Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => (B64[c.charCodeAt(0)] = i));
B64[0x2d] = 62; // '-' and '_': the URL-safe alphabet
B64[0x5f] = 63;
const HEX = new Int8Array(256).fill(-1);
'0123456789abcdef'.split('').forEach((c, i) => (HEX[c.charCodeAt(0)] = HEX[c.toUpperCase().charCodeAt(0)] = i));

export interface EncodedBlob {
  encoding: 'base64' | 'hex';
  /** [start, end) of the run in the value. */
  start: number;
  end: number;
  decoded: Uint8Array;
}

/** Runs shorter than this many decoded bytes are not blobs (ids, short hashes and words are that long). */
export const MIN_BLOB_BYTES = 16;

/** A CR/LF continues a run only after this many symbols: a wrapped line, not a short header such as a dump's length line. */
const WRAP_MIN = 16;

/**
 * The longest run of `table`'s alphabet in v as [start, end, symbols]. Inside a run, CR/LF (after
 * WRAP_MIN symbols) and, for base64, '=' are skipped rather than ending it.
 */
function longestRun(v: Uint8Array, table: Int8Array, padding: boolean): [number, number, number] {
  let best: [number, number, number] = [0, 0, 0];
  let from = -1;
  let symbols = 0;
  let last = 0;
  for (let i = 0; i <= v.length; i++) {
    const b = i < v.length ? v[i]! : 0x20;
    if (table[b]! >= 0) {
      if (from < 0) [from, symbols] = [i, 0];
      symbols++;
      last = i + 1;
    } else if (from < 0 || !(((b === 0x0a || b === 0x0d) && symbols >= WRAP_MIN) || (padding && b === 0x3d))) {
      if (from >= 0 && symbols > best[2]) best = [from, last, symbols];
      from = -1;
    }
  }
  return best;
}

function decodeRun(v: Uint8Array, start: number, end: number, table: Int8Array, bitsPer: number): Uint8Array {
  const out = new Uint8Array(Math.floor(((end - start) * bitsPer) / 8));
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const d = table[v[i]!]!;
    if (d < 0) continue;
    acc = ((acc << bitsPer) | d) & 0xffff;
    bits += bitsPer;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

/**
 * Encoded bytes spread over the whole base64 alphabet: upper case, lower case and digits all
 * occur (random bytes: 41 %, 41 %, 16 %; encoded text has digits too). A word, a path or a
 * CamelCase identifier is made of the same characters but not in that mix.
 */
function mixedAlphabet(v: Uint8Array, start: number, end: number): boolean {
  let upper = 0;
  let lower = 0;
  let digits = 0;
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = v[i]!;
    if (B64[b]! < 0) continue;
    n++;
    if (b >= 0x41 && b <= 0x5a) upper++;
    else if (b >= 0x61 && b <= 0x7a) lower++;
    else if (b >= 0x30 && b <= 0x39) digits++;
  }
  return upper >= 0.15 * n && lower >= 0.15 * n && digits >= 0.04 * n;
}

/**
 * The longest base64 or hex run of v that decodes to at least MIN_BLOB_BYTES bytes; the one that
 * decodes to more bytes wins (a hex run is also base64, so hex is preferred when it covers the run).
 */
export function longestEncodedRun(v: Uint8Array): EncodedBlob | null {
  const [hs, he, hn] = longestRun(v, HEX, false);
  const [bs, be, bn] = longestRun(v, B64, true);
  const hexBytes = Math.floor(hn / 2);
  const b64Bytes = mixedAlphabet(v, bs, be) ? Math.floor((bn * 6) / 8) : 0;
  if (Math.max(hexBytes, b64Bytes) < MIN_BLOB_BYTES) return null;
  // A hex run inside the base64 run covering (nearly) all of it is hex; else take what decodes to more.
  if (hexBytes >= MIN_BLOB_BYTES && (hn >= bn * 0.9 || hexBytes >= b64Bytes)) return { encoding: 'hex', start: hs, end: he, decoded: decodeRun(v, hs, he, HEX, 4) };
  return { encoding: 'base64', start: bs, end: be, decoded: decodeRun(v, bs, be, B64, 6) };
}

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0): boolean => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const METADATA_STRUCTURES: [string, number[], number?][] = [
  ['jpeg', [0xff, 0xd8, 0xff]],
  ['png', [0x89, 0x50, 0x4e, 0x47]],
  ['gif', ascii('GIF8')],
  ['webp', ascii('RIFF')],
  ['tiff', ascii('II*\0')],
  ['tiff', ascii('MM\0*')],
  ['exif', ascii('Exif\0\0')],
  ['8bim', ascii('8BIM')],
  ['photoshop', ascii('Photoshop 3.0\0')],
  ['iptc', [0x1c, 0x01]],
  ['iptc', [0x1c, 0x02]],
  ['icc', ascii('acsp'), 36],
  ['xmp', ascii('<?xpacket')],
  ['xmp', ascii('<x:xmpmeta')],
];

/**
 * The metadata structure `b` starts with (an embedded thumbnail, an EXIF/TIFF, IPTC, Photoshop
 * 8BIM, ICC or XMP profile), or null. These are what legitimate writers encode into text fields.
 */
export function metadataStructureOf(b: Uint8Array): string | null {
  for (const [name, sig, at] of METADATA_STRUCTURES) if (startsWith(b, sig, at)) return name;
  return null;
}

/**
 * Share of v's bytes that are text in neither UTF-8 nor Latin-1 (PNG tEXt's own encoding): C0
 * controls other than tab/LF/CR, DEL and C1 controls, counted in whichever reading has fewer.
 */
export function binaryShare(v: Uint8Array): number {
  if (v.length === 0) return 0;
  let utf8 = 0;
  let latin1 = 0;
  let cont = 0;
  for (const b of v) {
    const control = (b < 32 && b !== 9 && b !== 10 && b !== 13) || b === 127;
    if (control || (b >= 0x80 && b < 0xa0)) latin1++;
    if (cont > 0 && (b & 0xc0) === 0x80) {
      cont--;
      continue;
    }
    if (cont > 0) utf8++; // a sequence cut short
    cont = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (control || (b >= 0x80 && cont === 0)) utf8++;
  }
  if (cont > 0) utf8++;
  return Math.min(utf8, latin1) / v.length;
}
