import type { Rng } from './prng.js';
import type { Cover, RasterImage } from './image.js';

/**
 * Synthetic clean covers for data generation and false-positive studies: the image statistics
 * that stress a keyless LSB extractor (pure noise, smooth gradients whose LSBs are periodic, flat
 * areas, ordered dithering, anti-aliased shapes with soft alpha, plasma, one-pixel line art, dithered
 * grey under transparent pixels) rather than pretty pictures.
 */
export const SYNTHETIC_KINDS = ['noise', 'gaussian', 'gradient', 'radial', 'flat', 'checker', 'stripes', 'plasma', 'shapes', 'blocks', 'lineart', 'veiled'] as const;
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** A synthetic cover of a kind, `channels` 1, 3 or 4 (4: with a meaningful alpha plane). */
export function syntheticCover(rng: Rng, kind: SyntheticKind, width: number, height: number, channels: 1 | 3 | 4 = 3): RasterImage {
  const w = width;
  const h = height;
  const ch = channels;
  const data = new Uint8Array(w * h * ch);
  const set = (x: number, y: number, c: number, v: number): void => {
    data[(y * w + x) * ch + c] = clamp(v);
  };
  const colour = Array.from({ length: 4 }, () => [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)] as const);
  switch (kind) {
    case 'noise':
      for (let i = 0; i < data.length; i++) data[i] = rng.u32() & 255;
      break;
    case 'gaussian': {
      const sd = rng.int(1, 40);
      const mean = colour[0]!;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < ch; c++) set(x, y, c, (c < 3 ? mean[c]! : 200) + sd * rng.normal());
      break;
    }
    case 'gradient': {
      // Slopes from 1/16 to 4 levels per pixel: LSB planes of such gradients are periodic.
      const sx = rng.pick([0, 1 / 16, 1 / 8, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4]);
      const sy = rng.pick([0, 1 / 16, 1 / 4, 1 / 2, 1, 2]);
      const off = colour[0]!;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < ch; c++) set(x, y, c, c === 3 ? 255 - ((x * sx) % 256) : (off[c]! + (c + 1) * (x * sx + y * sy)) % 256);
      break;
    }
    case 'radial': {
      const cx = rng.float() * w;
      const cy = rng.float() * h;
      const k = rng.float() * 3 + 0.2;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const d = Math.hypot(x - cx, y - cy) * k;
          for (let c = 0; c < ch; c++) set(x, y, c, c === 3 ? 255 - Math.min(255, d) : (colour[0]![c]! + d * (c + 1) * 0.5) % 256);
        }
      break;
    }
    case 'flat': {
      const v = colour[0]!;
      const a = rng.pick([255, 255, 0, 128, rng.int(0, 255)]);
      for (let i = 0; i < w * h; i++) for (let c = 0; c < ch; c++) data[i * ch + c] = c === 3 ? a : v[c]!;
      break;
    }
    case 'checker':
    case 'stripes': {
      // Two colours; with alpha, the 'off' cells are opaque, transparent or translucent (one value per image).
      const size = rng.int(1, 16);
      const offAlpha = rng.pick([255, 0, rng.int(1, 254)]);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const on = kind === 'checker' ? (Math.floor(x / size) + Math.floor(y / size)) & 1 : Math.floor(x / size) & 1;
          const col = colour[on]!;
          for (let c = 0; c < ch; c++) set(x, y, c, c === 3 ? (on ? 255 : offAlpha) : col[c]!);
        }
      break;
    }
    case 'plasma': {
      // Sum of random sinusoids plus mild noise: smooth, photo-like LSBs.
      const waves = Array.from({ length: 4 }, () => ({ fx: rng.float() * 0.2, fy: rng.float() * 0.2, p: rng.float() * 6.28, a: 20 + rng.float() * 40 }));
      const noise = rng.float() * 3;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          let v = 128;
          for (const wv of waves) v += wv.a * Math.sin(wv.fx * x + wv.fy * y + wv.p);
          for (let c = 0; c < ch; c++) set(x, y, c, c === 3 ? 255 : v + c * 17 + noise * rng.normal());
        }
      break;
    }
    case 'shapes': {
      const bg = colour[0]!;
      for (let i = 0; i < w * h; i++) for (let c = 0; c < ch; c++) data[i * ch + c] = c === 3 ? 0 : bg[c]!;
      const n = rng.int(1, 8);
      for (let s = 0; s < n; s++) {
        const cx = rng.float() * w;
        const cy = rng.float() * h;
        const r = 2 + rng.float() * Math.max(w, h) * 0.4;
        const col = colour[1 + (s % 3)]!;
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            // Anti-aliased edge: coverage in [0, 1] over one pixel.
            const cov = Math.max(0, Math.min(1, r - Math.hypot(x + 0.5 - cx, y + 0.5 - cy) + 0.5));
            if (cov <= 0) continue;
            const o = (y * w + x) * ch;
            for (let c = 0; c < Math.min(3, ch); c++) data[o + c] = clamp(data[o + c]! * (1 - cov) + col[c]! * cov);
            if (ch === 4) data[o + 3] = clamp(Math.max(data[o + 3]!, cov * 255));
          }
      }
      break;
    }
    case 'blocks': {
      // Flat rectangles (UI screenshots, pixel art, inscription-style graphics).
      const bs = rng.int(2, 32);
      for (let by = 0; by < h; by += bs)
        for (let bx = 0; bx < w; bx += bs) {
          const col = rng.bool(0.5) ? colour[rng.int(0, 3)]! : ([rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)] as const);
          const a = rng.pick([255, 255, 255, 0, rng.int(0, 255)]);
          for (let y = by; y < Math.min(h, by + bs); y++) for (let x = bx; x < Math.min(w, bx + bs); x++) for (let c = 0; c < ch; c++) set(x, y, c, c === 3 ? a : col[c]!);
        }
      break;
    }
    case 'lineart': {
      // Charts, grids, layout and CAD previews: a flat background and one-pixel lines in one to three inks
      // whose values have whatever parity they have (a residual-based LSB estimate reads lines of one
      // parity as embedding).
      const bg = rng.bool(0.6) ? ([255, 255, 255] as const) : colour[0]!;
      const ink = Array.from({ length: rng.int(1, 3) }, () => {
        const g = rng.int(0, 254);
        return rng.bool(0.6) ? ([g, g, g] as const) : colour[1 + rng.int(0, 2)]!;
      });
      for (let i = 0; i < w * h; i++) for (let c = 0; c < ch; c++) data[i * ch + c] = c === 3 ? 255 : bg[c]!;
      const line = (x0: number, y0: number, x1: number, y1: number, col: readonly number[]): void => {
        for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) for (let c = 0; c < Math.min(3, ch); c++) set(x, y, c, col[c]!);
      };
      const step = rng.int(4, 32);
      if (rng.bool(0.8)) {
        for (let x = rng.int(0, step - 1), k = 0; x < w; x += step, k++) line(x, 0, x, h - 1, ink[k % ink.length]!);
        for (let y = rng.int(0, step - 1), k = 0; y < h; y += step, k++) line(0, y, w - 1, y, ink[k % ink.length]!);
      }
      for (let r = rng.int(1, 6); r > 0; r--) {
        // rectangle outlines (frames, boxes of a layout)
        const x0 = rng.int(0, w - 1);
        const y0 = rng.int(0, h - 1);
        const x1 = rng.int(x0, w - 1);
        const y1 = rng.int(y0, h - 1);
        const col = ink[rng.int(0, ink.length - 1)]!;
        line(x0, y0, x1, y0, col);
        line(x0, y1, x1, y1, col);
        line(x0, y0, x0, y1, col);
        line(x1, y0, x1, y1, col);
      }
      break;
    }
    case 'veiled': {
      // What transparent pixels hide: the RGB an exporter left there, here a dithered grey (R = G = B, two
      // neighbouring levels at random; found under the transparent pixels of plymouth's spinner frames),
      // under an opaque anti-aliased disc. Without alpha the veil is what one sees: dithered grey.
      const v = rng.int(0, 254);
      for (let i = 0; i < w * h; i++) {
        const g = v + (rng.bool(0.5) ? 1 : 0);
        for (let c = 0; c < ch; c++) data[i * ch + c] = c === 3 ? 0 : g;
      }
      const cx = rng.float() * w;
      const cy = rng.float() * h;
      const r = 2 + rng.float() * Math.max(w, h) * 0.3;
      const col = colour[1]!;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const cov = Math.max(0, Math.min(1, r - Math.hypot(x + 0.5 - cx, y + 0.5 - cy) + 0.5));
          if (cov <= 0) continue;
          const o = (y * w + x) * ch;
          if (ch === 4) {
            // straight alpha: the colour is the disc's, its coverage goes to alpha
            for (let c = 0; c < 3; c++) data[o + c] = col[c]!;
            data[o + 3] = clamp(cov * 255);
          } else for (let c = 0; c < Math.min(3, ch); c++) data[o + c] = clamp(data[o + c]! * (1 - cov) + col[c]! * cov);
        }
      break;
    }
  }
  return { width: w, height: h, channels: ch, data };
}

/** Random crop, flip and nearest/bilinear resize of a raster (for variants of real images). */
export function transformRaster(rng: Rng, src: RasterImage, maxSide = 384): RasterImage {
  const ch = src.channels;
  const cw = rng.int(Math.max(1, Math.floor(src.width / 4)), src.width);
  const chh = rng.int(Math.max(1, Math.floor(src.height / 4)), src.height);
  const x0 = rng.int(0, src.width - cw);
  const y0 = rng.int(0, src.height - chh);
  const scale = rng.pick([0.5, 0.75, 1, 1, 1, 1.5, 2]);
  const w = Math.max(1, Math.min(maxSide, Math.round(cw * scale)));
  const h = Math.max(1, Math.min(maxSide, Math.round(chh * scale)));
  const flipX = rng.bool(0.3);
  const flipY = rng.bool(0.1);
  const bilinear = rng.bool(0.5);
  const out = new Uint8Array(w * h * ch);
  // Separable sampling: per destination column / row, the two source positions and the weight.
  const axis = (n: number, srcN: number, flip: boolean, origin: number, stride: number): { a: Int32Array; b: Int32Array; t: Float64Array } => {
    const a = new Int32Array(n);
    const b = new Int32Array(n);
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const f = ((flip ? n - 1 - i : i) + 0.5) * (srcN / n) - 0.5;
      if (!bilinear) {
        a[i] = b[i] = (origin + Math.min(srcN - 1, Math.max(0, Math.round(f)))) * stride;
        continue;
      }
      const lo = Math.max(0, Math.min(srcN - 1, Math.floor(f)));
      a[i] = (origin + lo) * stride;
      b[i] = (origin + Math.min(srcN - 1, lo + 1)) * stride;
      t[i] = Math.max(0, Math.min(1, f - lo));
    }
    return { a, b, t };
  };
  const X = axis(w, cw, flipX, x0, ch);
  const Y = axis(h, chh, flipY, y0, src.width * ch);
  const d = src.data;
  let o = 0;
  for (let y = 0; y < h; y++) {
    const ra = Y.a[y]!;
    const rb = Y.b[y]!;
    const ty = Y.t[y]!;
    for (let x = 0; x < w; x++) {
      const ca = X.a[x]!;
      const cb = X.b[x]!;
      const tx = X.t[x]!;
      for (let c = 0; c < ch; c++) {
        const top = d[ra + ca + c]! * (1 - tx) + d[ra + cb + c]! * tx;
        const bot = d[rb + ca + c]! * (1 - tx) + d[rb + cb + c]! * tx;
        out[o++] = clamp(top * (1 - ty) + bot * ty);
      }
    }
  }
  return { width: w, height: h, channels: ch, data: out };
}

/** Floyd-Steinberg dithering of a raster to a palette (RGB triples): the "GIFs with dithering" case. */
export function ditherToPalette(src: Cover & { channels?: number; data?: Uint8Array }, palette: Uint8Array): { width: number; height: number; indices: Uint8Array; palette: Uint8Array } {
  const r = src as RasterImage;
  const { width: w, height: h } = r;
  const ch = r.channels;
  const err = new Float32Array(w * h * 3);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) err[i * 3 + c] = r.data[i * ch + (ch >= 3 ? c : 0)]!;
  const n = palette.length / 3;
  const indices = new Uint8Array(w * h);
  // Nearest palette entry per 5-bit-per-channel cell, computed on first use.
  const cache = new Int16Array(32768).fill(-1);
  const nearest = (r0: number, g0: number, b0: number): number => {
    const r = Math.max(0, Math.min(255, r0));
    const g = Math.max(0, Math.min(255, g0));
    const b = Math.max(0, Math.min(255, b0));
    const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
    const hit = cache[key]!;
    if (hit >= 0) return hit;
    let best = 0;
    let bd = Infinity;
    for (let k = 0; k < n; k++) {
      const dr = r - palette[3 * k]!;
      const dg = g - palette[3 * k + 1]!;
      const db = b - palette[3 * k + 2]!;
      const d = dr * dr + dg * dg + db * db;
      if (d < bd) {
        bd = d;
        best = k;
      }
    }
    cache[key] = best;
    return best;
  };
  const add = (k: number, v: number): void => {
    err[k] = err[k]! + v;
  };
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const best = nearest(err[i * 3]!, err[i * 3 + 1]!, err[i * 3 + 2]!);
      indices[i] = best;
      for (let c = 0; c < 3; c++) {
        const e = err[i * 3 + c]! - palette[3 * best + c]!;
        if (x + 1 < w) add((i + 1) * 3 + c, (e * 7) / 16);
        if (y + 1 < h) {
          if (x > 0) add((i + w - 1) * 3 + c, (e * 3) / 16);
          add((i + w) * 3 + c, (e * 5) / 16);
          if (x + 1 < w) add((i + w + 1) * 3 + c, e / 16);
        }
      }
    }
  return { width: w, height: h, indices, palette };
}
