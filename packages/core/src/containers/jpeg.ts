import { ExtendedXmp, jpegTextField, pushField, type MetadataText } from '../metadata.js';
import { ascii, u16be, u16le, u32be, u32le } from '../bytes.js';
import { corrupt, truncated } from '../errors.js';
import type { ContainerInfo, ImageMode, Limits } from '../image.js';
import { checkDimensions } from '../limits.js';
import { declaredTrailerEnd } from './jpeg-trailer.js';

export interface JpegParse {
  info: ContainerInfo;
  components: number;
  progressive: boolean;
  /** Adobe APP14 transform flag, or -1 without an Adobe segment. */
  adobeTransform: number;
}

const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Number of images an MPF (APP2 "MPF\0") segment declares (tag 0xB001), or 0 when unreadable. */
function mpfImageCount(seg: Uint8Array): number {
  const t = seg.subarray(4);
  if (t.length < 8) return 0;
  const le = t[0] === 0x49 && t[1] === 0x49;
  if (!le && !(t[0] === 0x4d && t[1] === 0x4d)) return 0;
  const r16 = (o: number): number => (le ? u16le(t, o) : u16be(t, o));
  const r32 = (o: number): number => (le ? u32le(t, o) : u32be(t, o));
  const ifd = r32(4);
  if (ifd + 2 > t.length) return 0;
  const n = r16(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + 12 * i;
    if (e + 12 > t.length) return 0;
    if (r16(e) === 0xb001) return r32(e + 8);
  }
  return 0;
}

/**
 * Walk the JPEG markers: frame header, EXIF (Pillow: the first APP1 that starts with Exif\0\0),
 * Adobe and MPF segments, and the end of the container (just past EOI, or past the data after it that
 * the file's metadata declares: jpeg-trailer.ts).
 */
export function parseJpegContainer(b: Uint8Array, limits: Required<Limits>): JpegParse {
  let o = 2;
  let exif: Uint8Array | null = null;
  const text: MetadataText[] = [];
  const extendedXmp = new ExtendedXmp();
  let sof: { w: number; h: number; nc: number; progressive: boolean } | null = null;
  let adobeTransform = -1;
  let mpfCount = 0;
  let end = -1;
  let sawScan = false;
  let scanBytes = 0;
  while (o < b.length) {
    if (b[o] !== 0xff) {
      if (!sawScan) throw corrupt(`JPEG has no marker at offset ${o}`);
      o++;
      continue;
    }
    const m = b[o + 1];
    if (m === undefined) break;
    if (m === 0xff) {
      o++; // fill byte
      continue;
    }
    if (m === 0xd9) {
      end = o + 2;
      break;
    }
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      o += 2;
      continue;
    }
    if (o + 4 > b.length) break;
    const len = u16be(b, o + 2);
    if (len < 2) throw corrupt(`JPEG segment ${m.toString(16)} has an invalid length`);
    const segEnd = o + 2 + len;
    if (segEnd > b.length) {
      if (sawScan) break;
      throw truncated(`JPEG segment 0x${m.toString(16)} is cut short`);
    }
    const seg = b.subarray(o + 4, segEnd);
    if (m === 0xfe || (m === 0xe1 && !extendedXmp.add(seg, text))) pushField(text, jpegTextField(m, seg));
    if (m === 0xe1 && !exif && ascii(seg, 0, 6) === 'Exif\0\0') exif = seg;
    else if (m === 0xe2 && ascii(seg, 0, 4) === 'MPF\0') mpfCount = mpfImageCount(seg);
    else if (m === 0xee && ascii(seg, 0, 5) === 'Adobe' && seg.length >= 12) adobeTransform = seg[11]!;
    else if (SOF.has(m) && !sof) {
      if (seg.length < 6) throw corrupt('JPEG frame header is too short');
      sof = { h: u16be(seg, 1), w: u16be(seg, 3), nc: seg[5]!, progressive: m === 0xc2 || m === 0xc6 || m === 0xca || m === 0xce };
    }
    o = segEnd;
    if (m === 0xda) {
      sawScan = true;
      const scanStart = o;
      // Skip entropy-coded data: up to the next marker that is not a stuffed byte or a restart marker.
      while (o + 1 < b.length && !(b[o] === 0xff && b[o + 1] !== 0 && !(b[o + 1]! >= 0xd0 && b[o + 1]! <= 0xd7))) o++;
      if (o + 1 >= b.length) o = b.length;
      scanBytes += o - scanStart;
    }
  }
  if (!sof) throw sawScan || o >= b.length ? truncated('JPEG ends before its frame header') : corrupt('JPEG has no frame header');
  if (sof.nc !== 1 && sof.nc !== 3 && sof.nc !== 4) throw corrupt(`JPEG with ${sof.nc} components is not supported`);
  if (sof.w === 0 || sof.h === 0) throw corrupt(`JPEG declares a ${sof.w}x${sof.h} image`);
  checkDimensions(sof.w, sof.h, limits);
  if (!sawScan) throw truncated('JPEG ends before its image data');
  if (end < 0) throw truncated('JPEG image data is truncated (no end-of-image marker)');
  // Every 8x8 block costs at least one bit of entropy-coded data (its DC code). A file declaring
  // far more blocks than its data can hold would make the decoder invent a huge grey image.
  const blocks = Math.ceil(sof.w / 8) * Math.ceil(sof.h / 8);
  if (scanBytes * 8 < blocks) {
    throw truncated(`JPEG declares ${sof.w}x${sof.h} but carries only ${scanBytes} bytes of image data`);
  }
  // A camera's preview or a motion photo's video that the metadata declares after EOI is part of the file.
  if (mpfCount <= 1 && end < b.length) end = declaredTrailerEnd(b, end, exif, text);
  const mode: ImageMode = sof.nc === 1 ? 'L' : sof.nc === 3 ? 'RGB' : 'CMYK';
  return {
    info: {
      format: 'jpeg',
      pillowFormat: mpfCount > 1 ? 'MPO' : 'JPEG',
      width: sof.w,
      height: sof.h,
      mode,
      exif: exif ?? new Uint8Array(0),
      text,
      end,
      frames: Math.max(1, mpfCount),
      lossy: true,
    },
    components: sof.nc,
    progressive: sof.progressive,
    adobeTransform,
  };
}
