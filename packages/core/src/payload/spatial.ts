/**
 * A second chance model for LSB reads: clean LSB planes are *spatially* structured (flat areas,
 * checkerboards, stripes, ordered dithering, nearest-neighbour upscaling), and such structure can
 * spell printable "text" that is not repetitive enough for the LZ measure to discount (ordered
 * dithering spells long runs of U, W, u, w, E, D with ever-changing phase).
 *
 * The model predicts each LSB from LSBs at *pixel* lags (the previous channel, 1, 2 and 4 pixels to
 * the left, the pixel above), never from byte-aligned lags, so it learns image structure and not
 * the byte structure of text. It is adaptive (Krichevsky-Trofimov counts per context, learned from
 * the bits being scored, so it needs no clean reference) and returns the code length in bits of the
 * read: near 8 bits per byte for text or noise, far less for structured covers.
 */

export interface BitPlane {
  data: Uint8Array;
  offset: number;
  stride: number;
  /** Samples per pixel in stream order (3 for lsb.rgb, 1 for palette and alpha). */
  spp: 1 | 3;
  /** Image width in pixels (for the row above). */
  width: number;
}

/** Code length in bits of stream bits [from, to) under the adaptive spatial-context model. */
export function spatialCodeLength(p: BitPlane, from: number, to: number): number {
  return spatialCodeLengths(p, from, [to])[0]!;
}

/** The same, at several end points (ascending): one pass, the cumulative length at each. */
export function spatialCodeLengths(p: BitPlane, from: number, ends: readonly number[]): number[] {
  const row = p.width * p.spp;
  const lags = p.spp === 3 ? [1, 3, 6, 12, 24, row] : [1, 2, 4, 8, row, 2 * row];
  const k = lags.length;
  const n0 = new Uint32Array(1 << k);
  const n1 = new Uint32Array(1 << k);
  const d = p.data;
  const bit = (i: number): number => (i < 0 ? 0 : d[p.offset + i * p.stride]! & 1);
  const out: number[] = [];
  let bits = 0;
  let e = 0;
  const to = ends.length ? ends[ends.length - 1]! : from;
  for (let i = from; i < to; i++) {
    let ctx = 0;
    for (let j = 0; j < k; j++) ctx = (ctx << 1) | bit(i - lags[j]!);
    const b = bit(i);
    const c0 = n0[ctx]!;
    const c1 = n1[ctx]!;
    bits -= Math.log2(((b ? c1 : c0) + 0.5) / (c0 + c1 + 1));
    if (b) n1[ctx] = c1 + 1;
    else n0[ctx] = c0 + 1;
    while (e < ends.length && i + 1 === ends[e]) {
      out.push(bits);
      e++;
    }
  }
  while (out.length < ends.length) out.push(bits);
  return out;
}

/**
 * Fixed text models, as per-byte costs in bits: what a text payload costs without learning from it
 * (a model that adapted to the message would make any low-entropy junk, such as the few bytes an
 * ordered dither spells, look like text). A message is scored by its best model plus the cost of
 * naming it (log2 of the number of models).
 */
const PRINTABLE = (b: number): boolean => b === 9 || b === 10 || b === 13 || (b >= 0x20 && b <= 0x7e);

function costTable(inSet: (b: number) => boolean, size: number): Float64Array {
  const t = new Float64Array(256);
  for (let b = 0; b < 256; b++) {
    let p = PRINTABLE(b) ? 0.05 / 98 : b >= 0x80 && b <= 0xf4 ? 0.05 / 1024 : 1e-6;
    if (inSet(b)) p += 0.95 / size;
    t[b] = -Math.log2(p);
  }
  return t;
}

/** English letter frequencies (per mille) for a-z, applied to both cases (lower case 90%). */
const EN = [82, 15, 28, 43, 127, 22, 20, 61, 70, 2, 8, 40, 24, 67, 75, 19, 1, 60, 63, 91, 28, 10, 24, 2, 20, 1];
function englishTable(): Float64Array {
  const p = new Float64Array(256);
  for (let i = 0; i < 26; i++) {
    p[0x61 + i] = (0.72 * 0.9 * EN[i]!) / 1000;
    p[0x41 + i] = (0.72 * 0.1 * EN[i]!) / 1000;
  }
  p[0x20] = 0.16;
  p[0x0a] = 0.01;
  for (const c of '.,;:!?\'"-()') p[c.charCodeAt(0)] = 0.04 / 12;
  for (let d = 0x30; d <= 0x39; d++) p[d] = 0.05 / 10;
  const t = new Float64Array(256);
  for (let b = 0; b < 256; b++) {
    const q = p[b]! + (PRINTABLE(b) ? 0.02 / 98 : b >= 0x80 && b <= 0xf4 ? 0.02 / 256 : 1e-6);
    t[b] = -Math.log2(q);
  }
  return t;
}

const isHex = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
const isB64 = (b: number): boolean => (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || b === 0x2b || b === 0x2f || b === 0x3d;
const isNum = (b: number): boolean => (b >= 0x30 && b <= 0x39) || b === 0x20 || b === 0x2c || b === 0x2e || b === 0x2d || b === 0x3a || b === 0x0a;

const TEXT_MODELS: Float64Array[] = [costTable(PRINTABLE, 98), costTable(isHex, 22), costTable(isB64, 65), costTable(isNum, 16), englishTable()];
const MODEL_CHOICE = Math.log2(TEXT_MODELS.length + 1);

/**
 * Code lengths of a UTF-8 text model for non-Latin scripts, per code point: printable ASCII as in
 * the generic model; any other code point costs its 128-code-point block (adaptively: a script
 * uses few blocks) plus 7 bits within the block; an invalid or unprintable sequence 20 bits a byte.
 */
function unicodeCodeLengths(bytes: Uint8Array, ends: readonly number[]): number[] {
  const blocks = new Map<number, number>();
  let seen = 0;
  let bits = 0;
  const out: number[] = [];
  let e = 0;
  const to = ends.length ? ends[ends.length - 1]! : 0;
  const mark = (upTo: number): void => {
    while (e < ends.length && ends[e]! <= upTo) {
      out.push(bits);
      e++;
    }
  };
  let i = 0;
  while (i < to) {
    const b = bytes[i]!;
    if (b < 0x80) {
      bits += PRINTABLE(b) ? -Math.log2(0.6 / 98) : 20;
      i++;
      mark(i);
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let cp = len === 2 ? b & 0x1f : len === 3 ? b & 0x0f : b & 0x07;
    let ok = len > 0 && i + len <= bytes.length;
    for (let k = 1; ok && k < len; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) ok = false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (!ok || cp < 0xa0) {
      bits += 20;
      i++;
      mark(i);
      continue;
    }
    const block = cp >> 7;
    const count = blocks.get(block) ?? 0;
    // KT-style: a new block costs about log2(#blocks in Unicode) plus the escape.
    const pBlock = count > 0 ? count / (seen + 1) : (1 / (seen + 1)) * (1 / 4352);
    bits += -Math.log2(0.4) - Math.log2(pBlock) + 7;
    blocks.set(block, count + 1);
    seen++;
    i += len;
    mark(i);
  }
  mark(Infinity);
  return out;
}

/** Code length in bits of bytes[0, n) under the best fixed text model. */
export function textCodeLength(bytes: Uint8Array, n = bytes.length): number {
  return textCodeLengths(bytes, [n])[0]!;
}

/** The same at several prefix lengths (ascending), each with its own best model. */
export function textCodeLengths(bytes: Uint8Array, ends: readonly number[]): number[] {
  const best = unicodeCodeLengths(bytes, ends);
  for (const t of TEXT_MODELS) {
    let bits = 0;
    let e = 0;
    const to = ends.length ? ends[ends.length - 1]! : 0;
    for (let i = 0; i < to; i++) {
      bits += t[bytes[i]!]!;
      while (e < ends.length && i + 1 === ends[e]) {
        if (bits < best[e]!) best[e] = bits;
        e++;
      }
    }
  }
  return best.map((b) => b + MODEL_CHOICE);
}
