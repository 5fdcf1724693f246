import { StarlightError } from '@starlight/core';

/**
 * f5stegojs's JPEG packer (`f5stego.prototype.pack`), ported byte for byte: a baseline JPEG with the
 * standard Huffman tables (ITU T.81 Annex K) from a parsed f5stegojs state. Ported rather than
 * called because f5stegojs grows its output buffer only after a block that has a non-zero AC
 * coefficient, with 128 bytes to spare: a run of ~170+ all-zero-AC blocks (a flat area of a large
 * image) across one of its buffer sizes (64 KiB, 128 KiB, ...) is written past the end of the
 * typed array and silently lost (a corrupt file). Here the buffer grows before every block.
 */

export interface PackComponent {
  componentId: number;
  h: number;
  v: number;
  quantizationTable: number;
  blocks: Int16Array;
  blocksDC: Int16Array;
}
export interface PackState {
  jfif: Uint8Array | null;
  APPn: { app: number; data: Uint8Array }[];
  qts: Uint8Array[];
  frame: {
    precision: number;
    scanLines: number;
    samplesPerLine: number;
    mcusPerLine: number;
    mcusPerColumn: number;
    components: PackComponent[];
  };
  tail: Uint8Array | null;
}

// Annex K standard tables: code counts per length 1..16 and the symbols.
const DC_LUM_COUNTS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_CHR_COUNTS = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const AC_LUM_COUNTS = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d];
// prettier-ignore
const AC_LUM_VALUES = [
  0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
  0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
  0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
  0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
  0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
  0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
  0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
  0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
  0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
  0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
  0xf9, 0xfa,
];
const AC_CHR_COUNTS = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77];
// prettier-ignore
const AC_CHR_VALUES = [
  0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
  0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
  0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
  0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
  0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
  0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
  0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
  0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
  0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
  0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
  0xf9, 0xfa,
];

/** symbol -> code and length (0: no code). */
interface Table {
  code: Uint16Array;
  len: Uint8Array;
}
function table(counts: number[], values: number[]): Table {
  const t: Table = { code: new Uint16Array(256), len: new Uint8Array(256) };
  let code = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    for (let j = 0; j < counts[l - 1]!; j++) {
      t.code[values[k]!] = code;
      t.len[values[k++]!] = l;
      code++;
    }
    code *= 2;
  }
  return t;
}
let tables: { dcLum: Table; dcChr: Table; acLum: Table; acChr: Table } | null = null;

/** Bit length of |v| (the JPEG magnitude category). */
function category(v: number): number {
  let a = v < 0 ? -v : v;
  let c = 0;
  while (a) {
    c++;
    a >>= 1;
  }
  return c;
}

class Writer {
  buf = new Uint8Array(65536);
  pos = 0;
  private acc = 0;
  private nbits = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const t = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    t.set(this.buf.subarray(0, this.pos));
    this.buf = t;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }
  word(w: number): void {
    this.byte((w >> 8) & 0xff);
    this.byte(w & 0xff);
  }
  block(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** Entropy-coded bits, MSB first, with 0xFF stuffed (callers ensure room). */
  bits(code: number, len: number): void {
    this.acc = (this.acc << len) | code;
    this.nbits += len;
    while (this.nbits >= 8) {
      const b = (this.acc >>> (this.nbits - 8)) & 0xff;
      this.buf[this.pos++] = b;
      if (b === 0xff) this.buf[this.pos++] = 0;
      this.nbits -= 8;
      this.acc &= (1 << this.nbits) - 1;
    }
  }
  /** Pad the last byte with 1 bits (not stuffed, as f5stegojs writes it). */
  flush(): void {
    if (this.nbits > 0) {
      this.ensure(1);
      this.buf[this.pos++] = ((this.acc << (8 - this.nbits)) | ((1 << (8 - this.nbits)) - 1)) & 0xff;
      this.acc = 0;
      this.nbits = 0;
    }
  }
}

function huff(w: Writer, t: Table, sym: number): void {
  const l = t.len[sym]!;
  if (!l) throw new StarlightError('E_CORRUPT_IMAGE', `a DCT coefficient outside what the standard Huffman tables code (symbol 0x${sym.toString(16)})`);
  w.bits(t.code[sym]!, l);
}

/** The value bits of a non-zero v in category c: v, or v - 1 in c bits for negatives. */
const magnitude = (v: number, c: number): number => (v > 0 ? v : v + (1 << c) - 1);

function writeBlock(w: Writer, c: PackComponent, at: number, prevDc: number, dc: Table, ac: Table): number {
  w.ensure(1024); // a block codes to < 300 bytes even with every byte stuffed
  const value = c.blocksDC[at >> 6]!;
  const diff = value - prevDc;
  if (diff === 0) huff(w, dc, 0);
  else {
    const cat = category(diff);
    huff(w, dc, cat);
    w.bits(magnitude(diff, cat), cat);
  }
  const b = c.blocks;
  let end = 63;
  while (end > 0 && b[at + end] === 0) end--;
  if (end === 0) {
    huff(w, ac, 0x00);
    return value;
  }
  let i = 1;
  while (i <= end) {
    const start = i;
    while (b[at + i] === 0 && i <= end) i++;
    let run = i - start;
    for (; run >= 16; run -= 16) huff(w, ac, 0xf0);
    const v = b[at + i]!;
    const cat = category(v);
    huff(w, ac, (run << 4) + cat);
    w.bits(magnitude(v, cat), cat);
    i++;
  }
  if (end !== 63) huff(w, ac, 0x00);
  return value;
}

const DEFAULT_JFIF = Uint8Array.of(0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0);

/** Write a parsed f5stegojs state as f5stegojs's pack() does (without its lost-bytes bug). */
export function packJpeg(s: PackState): Uint8Array {
  tables ??= { dcLum: table(DC_LUM_COUNTS, DC_VALUES), dcChr: table(DC_CHR_COUNTS, DC_VALUES), acLum: table(AC_LUM_COUNTS, AC_LUM_VALUES), acChr: table(AC_CHR_COUNTS, AC_CHR_VALUES) };
  const t = tables;
  const f = s.frame;
  const comps = f.components;
  const w = new Writer();
  w.word(0xffd8);
  const jfif = s.jfif ?? DEFAULT_JFIF;
  w.word(0xffe0);
  w.word(jfif.length + 2);
  w.block(jfif);
  for (const a of s.APPn) {
    w.word(0xff00 | a.app);
    w.word(a.data.length + 2);
    w.block(a.data);
  }
  for (const q of s.qts) {
    w.word(0xffdb);
    w.word(q.length + 2);
    w.block(q);
  }
  w.word(0xffc0);
  w.word(8 + comps.length * 3);
  w.byte(f.precision);
  w.word(f.scanLines);
  w.word(f.samplesPerLine);
  w.byte(comps.length);
  for (const c of comps) {
    w.byte(c.componentId);
    w.byte((c.h << 4) | c.v);
    w.byte(c.quantizationTable);
  }
  const dht = (cls: number, counts: number[], values: number[]): void => {
    w.word(0xffc4);
    w.word(3 + 16 + values.length);
    w.byte(cls);
    for (const n of counts) w.byte(n);
    for (const v of values) w.byte(v);
  };
  dht(0x00, DC_LUM_COUNTS, DC_VALUES);
  dht(0x10, AC_LUM_COUNTS, AC_LUM_VALUES);
  if (comps.length !== 1) {
    dht(0x01, DC_CHR_COUNTS, DC_VALUES);
    dht(0x11, AC_CHR_COUNTS, AC_CHR_VALUES);
  }
  w.word(0xffda);
  w.word(6 + comps.length * 2);
  w.byte(comps.length);
  comps.forEach((c, i) => {
    w.byte(c.componentId);
    w.byte(i === 0 ? 0x00 : 0x11);
  });
  w.byte(0);
  w.byte(0x3f);
  w.byte(0);
  const prev = comps.map(() => 0);
  for (let mcu = 0; mcu < f.mcusPerLine * f.mcusPerColumn; mcu++) {
    const row = Math.floor(mcu / f.mcusPerLine);
    const col = mcu % f.mcusPerLine;
    for (let i = 0; i < comps.length; i++) {
      const c = comps[i]!;
      for (let v = 0; v < c.v; v++) {
        const br = row * c.v + v;
        for (let h = 0; h < c.h; h++) {
          const at = (br * f.mcusPerLine * c.h + col * c.h + h) * 64;
          prev[i] = writeBlock(w, c, at, prev[i]!, i === 0 ? t.dcLum : t.dcChr, i === 0 ? t.acLum : t.acChr);
        }
      }
    }
  }
  w.flush();
  w.word(0xffd9);
  if (s.tail) w.block(s.tail);
  return w.buf.slice(0, w.pos);
}
