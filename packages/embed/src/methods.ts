import { StarlightError } from '@starlight/core';
import { ascii, concatBytes, toBits, utf8, writeLsbs, type BitOrder } from './bits.js';
import { buildExif, userCommentValue, type CommentHeader, type TiffField } from './exif.js';
import { encodeImage, type EncodeOptions, type ImageFormatName } from './encode.js';
import { checkCover, cloneCover, evenPalette, isIndexed, toIndexed, toRaster, toRgba, type Cover, type IndexedImage, type RasterImage } from './image.js';

/** Starlight's five methods (class ids 0..4). */
export type EmbedMethod = 'alpha' | 'palette' | 'lsb.rgb' | 'exif' | 'eoi';
export const EMBED_METHODS: readonly EmbedMethod[] = ['alpha', 'palette', 'lsb.rgb', 'exif', 'eoi'];

/** The formats each method fits. */
export const METHOD_FORMATS: Record<EmbedMethod, readonly ImageFormatName[]> = {
  alpha: ['png', 'webp'],
  palette: ['gif', 'png', 'bmp'],
  'lsb.rgb': ['png', 'bmp', 'webp'],
  exif: ['jpeg', 'png', 'webp'],
  eoi: ['jpeg', 'png', 'gif', 'webp', 'bmp'],
};

/** The bit order each LSB method uses unless told otherwise (alpha is LSB-first by the format's definition). */
export const DEFAULT_BIT_ORDER: Record<'alpha' | 'palette' | 'lsb.rgb', BitOrder> = { alpha: 'lsb-first', palette: 'lsb-first', 'lsb.rgb': 'msb-first' };

export const AI42 = ascii('AI42');

/** `nul` = a 0x00 byte; `space-nul` = " \0" (what Starlight's generator writes after alpha payloads); `none` = no terminator. */
export type Terminator = 'nul' | 'space-nul' | 'none';

export interface FramingOptions {
  /** Prefix `AI42` (default: true for alpha, false otherwise). */
  marker?: boolean;
  /** Default: `space-nul` for alpha, `nul` for palette and lsb.rgb, `nul` for eoi with a marker, else `none`. */
  terminator?: Terminator;
}

export interface EmbedOptions extends FramingOptions {
  method: EmbedMethod;
  format: ImageFormatName;
  /** The message: bytes, or a string (written as UTF-8). */
  payload: Uint8Array | string;
  /** LSB methods: default from DEFAULT_BIT_ORDER. */
  bitOrder?: BitOrder;
  /** LSB methods: cut the framed payload to the image's capacity instead of failing with E_TOO_LARGE. */
  truncate?: boolean;
  /** exif: the UserComment character code (default `ascii`) and TIFF byte order (default `II`). */
  exifHeader?: CommentHeader;
  exifByteOrder?: 'II' | 'MM';
  /** exif: the other IFD0 / Exif fields (default: a plausible camera set). */
  exifIfd0?: TiffField[];
  exifFields?: TiffField[];
  /** exif: GPS fields and a JPEG thumbnail (IFD1), as cameras write them. */
  exifGps?: TiffField[];
  exifThumbnail?: Uint8Array;
  /** lsb.rgb: write an RGB (3) or RGBA (4) image; default: RGBA when the cover has alpha. */
  channels?: 3 | 4;
  /** Extra encoder options (JPEG quality, PNG text chunks, BMP depth for eoi, …). */
  encode?: EncodeOptions;
}

export interface EmbedResult {
  file: Uint8Array;
  method: EmbedMethod;
  format: ImageFormatName;
  /** The order the bits were written in (LSB methods), else null. */
  bitOrder: BitOrder | null;
  /** The message as given (bytes). */
  payload: Uint8Array;
  /** What was actually written: framing included, cut to capacity when `truncate` applied. */
  framed: Uint8Array;
  /** LSB methods: bits written and bits available. */
  bitsUsed: number;
  capacityBits: number;
  truncated: boolean;
  /** The stego pixels (LSB methods), before encoding. */
  stego?: Cover;
}

const invalid = (m: string): StarlightError => new StarlightError('E_INVALID_ARGUMENT', m);

export function payloadBytes(p: Uint8Array | string): Uint8Array {
  if (typeof p === 'string') return utf8(p);
  if (p instanceof Uint8Array) return p;
  throw invalid('payload: expected a Uint8Array or a string');
}

function terminatorBytes(t: Terminator): Uint8Array {
  return t === 'nul' ? Uint8Array.of(0) : t === 'space-nul' ? Uint8Array.of(0x20, 0) : new Uint8Array(0);
}

/** The bytes a method writes for a message (marker, message, terminator; character-code header for exif). */
export function frame(method: EmbedMethod, payload: Uint8Array, o: FramingOptions & { exifHeader?: CommentHeader; exifByteOrder?: 'II' | 'MM'; text?: string } = {}): Uint8Array {
  switch (method) {
    case 'alpha':
    case 'palette':
    case 'lsb.rgb': {
      const marker = o.marker ?? method === 'alpha';
      const term = o.terminator ?? (method === 'alpha' ? 'space-nul' : 'nul');
      if (term !== 'none' && payload.includes(0)) {
        throw invalid(`payload: contains a NUL byte, which ends a NUL-terminated ${method} payload early (use terminator 'none' or eoi)`);
      }
      return concatBytes(marker ? AI42 : new Uint8Array(0), payload, terminatorBytes(term));
    }
    case 'exif': {
      const header = o.exifHeader ?? 'ascii';
      const body = header === 'unicode' ? (o.text ?? new TextDecoder().decode(payload)) : payload;
      return concatBytes(userCommentValue(body, header, o.exifByteOrder ?? 'II'), terminatorBytes(o.terminator ?? 'none'));
    }
    case 'eoi': {
      const marker = o.marker ?? false;
      const term = o.terminator ?? (marker ? 'nul' : 'none');
      return concatBytes(marker ? AI42 : new Uint8Array(0), payload, terminatorBytes(term));
    }
  }
}

/** Bits an LSB method can hold in a cover of this size. */
export function capacityBits(method: 'alpha' | 'palette' | 'lsb.rgb', width: number, height: number): number {
  return method === 'lsb.rgb' ? width * height * 3 : width * height;
}

function fitBits(framed: Uint8Array, order: BitOrder, cap: number, truncate: boolean, what: string, w: number, h: number): { bits: Uint8Array; framed: Uint8Array; truncated: boolean } {
  const need = framed.length * 8;
  if (need <= cap) return { bits: toBits(framed, order), framed, truncated: false };
  if (!truncate) {
    throw new StarlightError(
      'E_TOO_LARGE',
      `payload too large: ${what} needs ${need} bits (${framed.length} bytes with framing) but a ${w}x${h} image holds ${cap} bits (${Math.floor(cap / 8)} bytes)`,
    );
  }
  const cut = framed.subarray(0, Math.floor(cap / 8));
  return { bits: toBits(cut, order), framed: cut, truncated: true };
}

export interface LsbEmbedOptions extends FramingOptions {
  bitOrder?: BitOrder;
  truncate?: boolean;
}

export interface LsbEmbedResult<T extends Cover> {
  stego: T;
  framed: Uint8Array;
  bitOrder: BitOrder;
  bitsUsed: number;
  capacityBits: number;
  truncated: boolean;
}

/** alpha: the framed bits into the alpha LSBs of pixels 0.. in raster order. Returns an RGBA copy. */
export function embedAlpha(cover: Cover, payload: Uint8Array | string, o: LsbEmbedOptions = {}): LsbEmbedResult<RasterImage> {
  checkCover(cover);
  const img = cloneCover(toRgba(cover));
  const order = o.bitOrder ?? DEFAULT_BIT_ORDER.alpha;
  const cap = capacityBits('alpha', img.width, img.height);
  const fit = fitBits(frame('alpha', payloadBytes(payload), o), order, cap, o.truncate ?? false, 'alpha', img.width, img.height);
  writeLsbs(img.data, 3, 4, fit.bits);
  return { stego: img, framed: fit.framed, bitOrder: order, bitsUsed: fit.bits.length, capacityBits: cap, truncated: fit.truncated };
}

/** palette: the framed bits into the LSBs of the palette indices, raster order. Returns an indexed copy (palette padded to an even size). */
export function embedPalette(cover: Cover, payload: Uint8Array | string, o: LsbEmbedOptions = {}): LsbEmbedResult<IndexedImage> {
  checkCover(cover);
  const base = toIndexed(cover);
  const img: IndexedImage = { width: base.width, height: base.height, indices: base.indices.slice(), palette: evenPalette(base.palette).slice() };
  const order = o.bitOrder ?? DEFAULT_BIT_ORDER.palette;
  const cap = capacityBits('palette', img.width, img.height);
  const fit = fitBits(frame('palette', payloadBytes(payload), o), order, cap, o.truncate ?? false, 'palette', img.width, img.height);
  writeLsbs(img.indices, 0, 1, fit.bits);
  return { stego: img, framed: fit.framed, bitOrder: order, bitsUsed: fit.bits.length, capacityBits: cap, truncated: fit.truncated };
}

/** lsb.rgb: the framed bits into the LSBs of R, G, B of pixels 0.. in raster order; alpha untouched. */
export function embedLsbRgb(cover: Cover, payload: Uint8Array | string, o: LsbEmbedOptions & { channels?: 3 | 4 } = {}): LsbEmbedResult<RasterImage> {
  checkCover(cover);
  const ch = o.channels ?? (!isIndexed(cover) && cover.channels === 4 ? 4 : 3);
  const img = !isIndexed(cover) && cover.channels === ch ? cloneCover(cover) : toRaster(cover, ch);
  const order = o.bitOrder ?? DEFAULT_BIT_ORDER['lsb.rgb'];
  const n = img.width * img.height;
  const cap = capacityBits('lsb.rgb', img.width, img.height);
  const fit = fitBits(frame('lsb.rgb', payloadBytes(payload), o), order, cap, o.truncate ?? false, 'lsb.rgb', img.width, img.height);
  if (ch === 3) writeLsbs(img.data, 0, 1, fit.bits);
  else {
    // Skip alpha: bit k goes to pixel floor(k/3), channel k%3.
    for (let k = 0; k < fit.bits.length && k < n * 3; k++) {
      const s = ((k / 3) | 0) * 4 + (k % 3);
      img.data[s] = (img.data[s]! & 0xfe) | fit.bits[k]!;
    }
  }
  return { stego: img, framed: fit.framed, bitOrder: order, bitsUsed: fit.bits.length, capacityBits: cap, truncated: fit.truncated };
}

function checkFormat(method: EmbedMethod, format: ImageFormatName): void {
  if (!EMBED_METHODS.includes(method)) throw invalid(`method: ${JSON.stringify(method)} is not one of ${EMBED_METHODS.join(', ')}`);
  if (!METHOD_FORMATS[method].includes(format)) {
    throw invalid(`format: ${method} fits ${METHOD_FORMATS[method].join(', ')}, not ${JSON.stringify(format)}`);
  }
}

/**
 * Embed a message with one of Starlight's five methods and write the image file.
 * Errors: E_INVALID_ARGUMENT (bad method/format/cover/payload), E_TOO_LARGE (payload over capacity).
 */
export async function embedPayload(cover: Cover, o: EmbedOptions): Promise<EmbedResult> {
  if (!o || typeof o !== 'object') throw invalid('options: expected { method, format, payload }');
  checkFormat(o.method, o.format);
  checkCover(cover);
  const payload = payloadBytes(o.payload);
  if (payload.length === 0) throw invalid('payload: must hold at least one byte');
  const enc: EncodeOptions = { ...o.encode };
  const base = { method: o.method, format: o.format, payload };
  switch (o.method) {
    case 'alpha': {
      const r = embedAlpha(cover, payload, o);
      if (o.format === 'png') enc.png = { ...enc.png, colorType: 6 };
      return { ...base, file: await encodeImage(r.stego, o.format, enc), bitOrder: r.bitOrder, framed: r.framed, bitsUsed: r.bitsUsed, capacityBits: r.capacityBits, truncated: r.truncated, stego: r.stego };
    }
    case 'palette': {
      const r = embedPalette(cover, payload, o);
      if (o.format === 'png') enc.png = { ...enc.png, colorType: 3 };
      if (o.format === 'bmp') enc.bmpBits = 8;
      return { ...base, file: await encodeImage(r.stego, o.format, enc), bitOrder: r.bitOrder, framed: r.framed, bitsUsed: r.bitsUsed, capacityBits: r.capacityBits, truncated: r.truncated, stego: r.stego };
    }
    case 'lsb.rgb': {
      const lo: LsbEmbedOptions & { channels?: 3 | 4 } = { ...o };
      const r = embedLsbRgb(cover, payload, lo);
      if (o.format === 'png') enc.png = { ...enc.png, colorType: r.stego.channels === 4 ? 6 : 2 };
      if (o.format === 'bmp') enc.bmpBits = r.stego.channels === 4 ? 32 : 24;
      if (o.format === 'webp' && enc.webpLossy !== undefined) throw invalid('lsb.rgb needs lossless WebP');
      return { ...base, file: await encodeImage(r.stego, o.format, enc), bitOrder: r.bitOrder, framed: r.framed, bitsUsed: r.bitsUsed, capacityBits: r.capacityBits, truncated: r.truncated, stego: r.stego };
    }
    case 'exif': {
      const byteOrder = o.exifByteOrder ?? 'II';
      const fo: Parameters<typeof frame>[2] = { exifHeader: o.exifHeader ?? 'ascii', exifByteOrder: byteOrder };
      if (o.terminator) fo.terminator = o.terminator;
      if (typeof o.payload === 'string') fo.text = o.payload;
      const value = frame('exif', payload, fo);
      const exifOptions: Parameters<typeof buildExif>[0] = { byteOrder, userComment: value };
      if (o.exifIfd0) exifOptions.ifd0 = o.exifIfd0;
      if (o.exifFields) exifOptions.exif = o.exifFields;
      if (o.exifGps) exifOptions.gps = o.exifGps;
      if (o.exifThumbnail) exifOptions.thumbnail = o.exifThumbnail;
      enc.exif = buildExif(exifOptions);
      return { ...base, file: await encodeImage(cover, o.format, enc), bitOrder: null, framed: value, bitsUsed: 0, capacityBits: 0, truncated: false };
    }
    case 'eoi': {
      const fo: FramingOptions = {};
      if (o.marker !== undefined) fo.marker = o.marker;
      if (o.terminator !== undefined) fo.terminator = o.terminator;
      const framed = frame('eoi', payload, fo);
      const file = await encodeImage(cover, o.format, enc);
      return { ...base, file: concatBytes(file, framed), bitOrder: null, framed, bitsUsed: 0, capacityBits: 0, truncated: false };
    }
  }
}
