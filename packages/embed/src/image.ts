import { StarlightError } from '@starlight/core';

/** Interleaved 8-bit samples: 1 = grey, 3 = RGB, 4 = RGBA. */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

/** One palette index per pixel; palette = RGB triples (at most 256 entries). */
export interface IndexedImage {
  width: number;
  height: number;
  indices: Uint8Array;
  palette: Uint8Array;
}

export type Cover = RasterImage | IndexedImage;

export const isIndexed = (c: Cover): c is IndexedImage => (c as IndexedImage).indices !== undefined;

const bad = (msg: string): StarlightError => new StarlightError('E_INVALID_ARGUMENT', msg);

export function checkCover(c: Cover): void {
  if (!c || typeof c !== 'object') throw bad('cover: expected a RasterImage or an IndexedImage');
  const { width: w, height: h } = c;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w > 16383 || h > 16383) {
    throw bad(`cover: invalid size ${String(w)}x${String(h)} (1..16383 per side)`);
  }
  if (isIndexed(c)) {
    if (!(c.indices instanceof Uint8Array) || c.indices.length !== w * h) throw bad('cover: indices must be a Uint8Array of width*height');
    if (!(c.palette instanceof Uint8Array) || c.palette.length % 3 !== 0 || c.palette.length < 3 || c.palette.length > 768) {
      throw bad('cover: palette must hold 1..256 RGB triples');
    }
    const n = c.palette.length / 3;
    for (let i = 0; i < c.indices.length; i++) if (c.indices[i]! >= n) throw bad(`cover: index ${c.indices[i]} at pixel ${i} is outside the ${n}-colour palette`);
  } else {
    if (c.channels !== 1 && c.channels !== 3 && c.channels !== 4) throw bad('cover: channels must be 1, 3 or 4');
    if (!(c.data instanceof Uint8Array) || c.data.length !== w * h * c.channels) throw bad('cover: data must be a Uint8Array of width*height*channels');
  }
}

export function cloneCover<T extends Cover>(c: T): T {
  if (isIndexed(c)) return { ...c, indices: c.indices.slice(), palette: c.palette.slice() } as T;
  return { ...c, data: (c as RasterImage).data.slice() } as T;
}

/** Expand to interleaved RGB or RGBA. */
export function toRaster(c: Cover, channels: 3 | 4): RasterImage {
  const n = c.width * c.height;
  const out = new Uint8Array(n * channels);
  if (isIndexed(c)) {
    for (let i = 0; i < n; i++) {
      const k = c.indices[i]! * 3;
      out[i * channels] = c.palette[k]!;
      out[i * channels + 1] = c.palette[k + 1]!;
      out[i * channels + 2] = c.palette[k + 2]!;
      if (channels === 4) out[i * 4 + 3] = 255;
    }
  } else {
    const s = c.channels;
    for (let i = 0; i < n; i++) {
      if (s === 1) out[i * channels] = out[i * channels + 1] = out[i * channels + 2] = c.data[i]!;
      else {
        out[i * channels] = c.data[i * s]!;
        out[i * channels + 1] = c.data[i * s + 1]!;
        out[i * channels + 2] = c.data[i * s + 2]!;
      }
      if (channels === 4) out[i * 4 + 3] = s === 4 ? c.data[i * 4 + 3]! : 255;
    }
  }
  return { width: c.width, height: c.height, channels, data: out };
}

export function toRgba(c: Cover): RasterImage {
  return !isIndexed(c) && c.channels === 4 ? c : toRaster(c, 4);
}

/** An identity grey-ramp palette (index i = grey level i), as Starlight's mode-L GIFs have. */
export function greyRampPalette(n = 256): Uint8Array {
  const p = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) p[3 * i] = p[3 * i + 1] = p[3 * i + 2] = i;
  return p;
}

/**
 * To an indexed image. Grey images map to a grey ramp (index = grey level, like Pillow's mode L
 * saved as GIF); colour images are quantised to a 6x7x6 colour cube with 4x4 ordered dithering
 * (fast and deterministic; the cover's look does not matter for data generation).
 */
export function toIndexed(c: Cover): IndexedImage {
  if (isIndexed(c)) return c;
  const n = c.width * c.height;
  const indices = new Uint8Array(n);
  if (c.channels === 1) {
    indices.set(c.data);
    return { width: c.width, height: c.height, indices, palette: greyRampPalette() };
  }
  const palette = new Uint8Array(256 * 3);
  for (let r = 0; r < 6; r++)
    for (let g = 0; g < 7; g++)
      for (let b = 0; b < 6; b++) {
        const k = (r * 42 + g * 6 + b) * 3;
        palette[k] = Math.round((r * 255) / 5);
        palette[k + 1] = Math.round((g * 255) / 6);
        palette[k + 2] = Math.round((b * 255) / 5);
      }
  const BAYER = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5];
  const s = c.channels;
  for (let y = 0; y < c.height; y++)
    for (let x = 0; x < c.width; x++) {
      const i = y * c.width + x;
      const t = (BAYER[(y & 3) * 4 + (x & 3)]! + 0.5) / 16;
      const q = (v: number, levels: number): number => Math.min(levels - 1, Math.floor((v / 255) * (levels - 1) + t));
      indices[i] = q(c.data[i * s]!, 6) * 42 + q(c.data[i * s + 1]!, 7) * 6 + q(c.data[i * s + 2]!, 6);
    }
  return { width: c.width, height: c.height, indices, palette: palette.subarray(0, 252 * 3).slice() };
}

/** A palette padded to an even number of entries, so that flipping an index LSB stays inside it. */
export function evenPalette(p: Uint8Array): Uint8Array {
  const n = p.length / 3;
  if (n % 2 === 0) return p;
  const out = new Uint8Array(p.length + 3);
  out.set(p);
  out.set(p.subarray(p.length - 3), p.length);
  return out;
}
