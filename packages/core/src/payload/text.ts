/**
 * Byte-level text analysis for payload candidates: UTF-8 validity and printability in one pass
 * (no exceptions, no string building), an LZ-style "effective length" that discounts repetition,
 * and hex formatting.
 */

export interface TextScan {
  /** Every byte belongs to a well-formed UTF-8 sequence. */
  valid: boolean;
  /** valid, and every code point is printable (tab, LF and CR allowed; other C0/C1 controls and DEL are not). */
  printable: boolean;
  /** Bytes that belong to printable code points. */
  textBytes: number;
  /** Code points (or stray bytes) that are invalid or not printable. */
  badChars: number;
  /** Length in bytes of the longest prefix made only of printable code points (ends on a character boundary). */
  printablePrefix: number;
  /** Bytes that are ASCII letters, digits or spaces: a cheap "looks like language" signal. */
  alnumSpace: number;
}

const enum Cls {
  Bad = 0,
  Text = 1,
  Lead2 = 2,
  Lead3 = 3,
  Lead4 = 4,
  Cont = 5,
}

/** Class of each byte value as the first byte of a character. */
const FIRST = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  if (b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b <= 0x7e)) FIRST[b] = Cls.Text;
  else if (b >= 0xc2 && b <= 0xdf) FIRST[b] = Cls.Lead2;
  else if (b >= 0xe0 && b <= 0xef) FIRST[b] = Cls.Lead3;
  else if (b >= 0xf0 && b <= 0xf4) FIRST[b] = Cls.Lead4;
  else if (b >= 0x80 && b <= 0xbf) FIRST[b] = Cls.Cont;
  else FIRST[b] = Cls.Bad;
}

const ALNUM = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  ALNUM[b] = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x20 ? 1 : 0;
}

/** Whether a decoded multi-byte code point is printable (not C1, not a noncharacter). */
function printableCodePoint(cp: number): boolean {
  if (cp < 0xa0) return false; // C1 controls (0x80..0x9f) and anything below is handled elsewhere
  if (cp >= 0xfdd0 && cp <= 0xfdef) return false;
  if ((cp & 0xfffe) === 0xfffe) return false;
  return true;
}

/** Scan bytes[0..n) once; with `stopAtBad`, stop at the first bad character (counts then cover the prefix only). */
export function scanText(bytes: Uint8Array, n = bytes.length, stopAtBad = false): TextScan {
  let textBytes = 0;
  let badChars = 0;
  let valid = true;
  let prefix = -1;
  let alnumSpace = 0;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    const c = FIRST[b]!;
    if (c === Cls.Text) {
      textBytes++;
      alnumSpace += ALNUM[b]!;
      i++;
      continue;
    }
    let len = 0;
    let cp = 0;
    if (c === Cls.Lead2) {
      len = 2;
      cp = b & 0x1f;
    } else if (c === Cls.Lead3) {
      len = 3;
      cp = b & 0x0f;
    } else if (c === Cls.Lead4) {
      len = 4;
      cp = b & 0x07;
    }
    let ok = len > 0 && i + len <= n;
    if (ok) {
      for (let k = 1; k < len; k++) {
        const x = bytes[i + k]!;
        if ((x & 0xc0) !== 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (x & 0x3f);
      }
    }
    // Reject overlongs, surrogates and code points past U+10FFFF.
    if (ok && ((len === 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff)))) ok = false;
    if (ok) {
      if (printableCodePoint(cp)) textBytes += len;
      else {
        badChars++;
        if (prefix < 0) prefix = i;
        if (stopAtBad) break;
      }
      i += len;
    } else {
      valid = false;
      badChars++;
      if (prefix < 0) prefix = i;
      if (stopAtBad) break;
      i++;
    }
  }
  return { valid, printable: valid && badChars === 0, textBytes, badChars, printablePrefix: prefix < 0 ? n : prefix, alnumSpace };
}

let LZ_HEAD: Int32Array | null = null;

/** Valid UTF-8 made only of printable characters (stops at the first offender). */
export function isPrintableUtf8(bytes: Uint8Array): boolean {
  return scanText(bytes, bytes.length, true).printable;
}

/**
 * LZ77-style effective length of bytes[0..n): the number of tokens a greedy parser emits when
 * every repeat of 3 or more bytes seen before (within the last 4096 bytes) costs one token.
 * English text keeps most of its length; periodic or constant runs ("UUUU…", "3333…", the
 * patterns smooth gradients leave in LSB planes) collapse to about one period.
 * Only the first `limit` bytes are parsed (the evidence saturates long before).
 */
export function effectiveLength(bytes: Uint8Array, n = bytes.length, limit = 4096): number {
  const end = Math.min(n, limit);
  if (end < 3) return end;
  const head = (LZ_HEAD ??= new Int32Array(4096));
  head.fill(-1);
  // Hash chains (prev[i] = the previous position with the same hash) so that a collision never
  // hides a match: up to 16 candidates are compared byte by byte.
  const prev = new Int32Array(end);
  const hash = (i: number): number => Math.imul((bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!, 0x9e3779b1) >>> 20;
  let tokens = 0;
  let i = 0;
  let inserted = 0;
  while (i < end) {
    for (; inserted < i && inserted + 2 < end; inserted++) {
      const h = hash(inserted);
      prev[inserted] = head[h]!;
      head[h] = inserted;
    }
    let best = 0;
    if (i + 2 < end) {
      let j = head[hash(i)]!;
      for (let probes = 0; j >= 0 && probes < 16 && i - j <= 4096; probes++, j = prev[j]!) {
        let len = 0;
        while (i + len < end && bytes[j + len] === bytes[i + len]) len++;
        if (len > best) best = len;
      }
    }
    tokens++;
    i += best >= 3 ? best : 1;
  }
  return tokens;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

let decoder: TextDecoder | null = null;
export function decodeUtf8(bytes: Uint8Array): string {
  decoder ??= new TextDecoder('utf-8');
  return decoder.decode(bytes);
}

/** Number of distinct byte values in bytes[0..n). */
export function distinctBytes(bytes: Uint8Array, n = bytes.length): number {
  const seen = new Uint8Array(256);
  let d = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (!seen[b]) {
      seen[b] = 1;
      d++;
    }
  }
  return d;
}
