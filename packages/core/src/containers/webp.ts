import { pushField, type MetadataText } from '../metadata.js';
import { ascii, u24le, u32le } from '../bytes.js';
import { corrupt, truncated } from '../errors.js';
import type { ContainerInfo, Limits } from '../image.js';
import { checkDimensions } from '../limits.js';

export interface WebpParse {
  info: ContainerInfo;
  animated: boolean;
  /** For animated files: the first frame's offset, size and its chunks (ALPH/VP8/VP8L), to decode on its own. */
  firstFrame: { x: number; y: number; w: number; h: number; chunks: Uint8Array } | null;
}

interface Chunk {
  id: string;
  start: number; // offset of the data
  size: number;
}

export function chunks(b: Uint8Array, from: number, to: number): Chunk[] {
  const out: Chunk[] = [];
  let o = from;
  while (o + 8 <= to) {
    const id = ascii(b, o, 4);
    const size = u32le(b, o + 4);
    if (o + 8 + size > to) {
      throw truncated(`WebP chunk ${JSON.stringify(id)} is cut short`);
    }
    out.push({ id, start: o + 8, size });
    o += 8 + size + (size & 1);
  }
  return out;
}

/** Dimensions and alpha bit of a VP8 / VP8L bitstream chunk. */
function bitstreamInfo(b: Uint8Array, c: Chunk): { w: number; h: number; alpha: boolean } {
  const d = c.start;
  if (c.id === 'VP8 ') {
    if (c.size < 10) throw corrupt('WebP VP8 chunk is too short');
    if (b[d + 3] !== 0x9d || b[d + 4] !== 0x01 || b[d + 5] !== 0x2a) throw corrupt('WebP VP8 start code is missing');
    return { w: (b[d + 6]! | (b[d + 7]! << 8)) & 0x3fff, h: (b[d + 8]! | (b[d + 9]! << 8)) & 0x3fff, alpha: false };
  }
  if (c.size < 5) throw corrupt('WebP VP8L chunk is too short');
  if (b[d] !== 0x2f) throw corrupt('WebP VP8L signature is missing');
  const bits = u32le(b, d + 1);
  return { w: (bits & 0x3fff) + 1, h: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1 };
}

export function parseWebpContainer(b: Uint8Array, limits: Required<Limits>): WebpParse {
  if (b.length < 20) throw truncated('WebP ends inside its header');
  const riffEnd = 8 + u32le(b, 4);
  const to = Math.min(riffEnd, b.length);
  const list = chunks(b, 12, to);
  if (list.length === 0) throw truncated('WebP has no chunks');
  const first = list[0]!;
  let w: number;
  let h: number;
  let hasAlpha: boolean;
  let animated = false;
  let frames = 1;
  let firstFrame: WebpParse['firstFrame'] = null;
  let lossy = false;
  const exifChunk = list.find((c) => c.id === 'EXIF');
  const text: MetadataText[] = [];
  for (const c of list) if (c.id === 'XMP ') pushField(text, { kind: 'xmp', key: '', value: b.subarray(c.start, c.start + c.size) });
  if (first.id === 'VP8X') {
    if (first.size < 10) throw corrupt('WebP VP8X chunk is too short');
    const flags = b[first.start]!;
    w = u24le(b, first.start + 4) + 1;
    h = u24le(b, first.start + 7) + 1;
    animated = (flags & 0x02) !== 0;
    hasAlpha = (flags & 0x10) !== 0;
    if (animated) {
      const anmf = list.filter((c) => c.id === 'ANMF');
      frames = anmf.length;
      const f = anmf[0];
      if (!f) throw corrupt('animated WebP has no frames');
      if (f.size < 16) throw corrupt('WebP ANMF chunk is too short');
      const fx = u24le(b, f.start) * 2;
      const fy = u24le(b, f.start + 3) * 2;
      const sub = chunks(b, f.start + 16, f.start + f.size);
      const bs = sub.find((c) => c.id === 'VP8 ' || c.id === 'VP8L');
      if (!bs) throw corrupt('WebP animation frame has no image data');
      lossy = bs.id === 'VP8 ';
      const info = bitstreamInfo(b, bs);
      checkDimensions(info.w, info.h, limits);
      if (fx + info.w > w || fy + info.h > h) throw corrupt('WebP animation frame lies outside the canvas');
      firstFrame = { x: fx, y: fy, w: info.w, h: info.h, chunks: b.subarray(f.start + 16, f.start + f.size) };
    } else {
      const bs = list.find((c) => c.id === 'VP8 ' || c.id === 'VP8L');
      if (!bs) throw corrupt('WebP has no image data');
      lossy = bs.id === 'VP8 ';
      const info = bitstreamInfo(b, bs);
      hasAlpha = hasAlpha || info.alpha || list.some((c) => c.id === 'ALPH');
    }
  } else if (first.id === 'VP8 ' || first.id === 'VP8L') {
    lossy = first.id === 'VP8 ';
    const info = bitstreamInfo(b, first);
    w = info.w;
    h = info.h;
    hasAlpha = info.alpha;
  } else {
    throw corrupt(`WebP starts with an unknown chunk ${JSON.stringify(first.id)}`);
  }
  checkDimensions(w, h, limits);
  return {
    info: {
      format: 'webp',
      pillowFormat: 'WEBP',
      width: w,
      height: h,
      mode: hasAlpha ? 'RGBA' : 'RGB',
      exif: exifChunk ? b.subarray(exifChunk.start, exifChunk.start + exifChunk.size) : new Uint8Array(0),
      text,
      end: to,
      frames,
      lossy,
    },
    animated,
    firstFrame,
  };
}
