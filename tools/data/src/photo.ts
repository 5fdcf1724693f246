/** Image helpers the data tools share. */
import type { RasterImage } from '@starlight/embed';

/**
 * A cover that looks like a photograph or a photographic texture rather than drawn art: few pixels
 * equal to their right neighbour (flat fills, pixel art and its nearest-neighbour upscales have many)
 * and a luma that changes from pixel to pixel as natural texture does (mean |difference| 2-40 levels;
 * smooth gradients are below, noise above). The candidates of data 30709ce, whose DCT covers were any art of
 * 96 px and more, were surest of clean JPEGs of upscaled icons.
 */
export function photographLike(r: RasterImage): boolean {
  const ch = r.channels;
  let equal = 0;
  let diff = 0;
  let n = 0;
  for (let y = 0; y < r.height; y++) {
    for (let x = 1; x < r.width; x++) {
      const a = (y * r.width + x - 1) * ch;
      const b = a + ch;
      let same = true;
      for (let c = 0; c < Math.min(ch, 3); c++) if (r.data[a + c] !== r.data[b + c]) same = false;
      if (same) equal++;
      diff += Math.abs(luma(r, a) - luma(r, b));
      n++;
    }
  }
  return n > 0 && equal / n < 0.25 && diff / n >= 2 && diff / n <= 40;
}

function luma(r: RasterImage, k: number): number {
  return r.channels < 3 ? r.data[k]! : 0.299 * r.data[k]! + 0.587 * r.data[k + 1]! + 0.114 * r.data[k + 2]!;
}

/** Box-downscaled so that its longer side is at most `side` px (the image itself when it already is). */
export function boxDownscale(r: RasterImage, side: number): RasterImage {
  const { width: w, height: h, channels: ch } = r;
  const k = Math.min(1, side / Math.max(w, h));
  if (k === 1) return r;
  const W = Math.max(8, Math.round(w * k));
  const H = Math.max(8, Math.round(h * k));
  const out = new Uint8Array(W * H * ch);
  for (let y = 0; y < H; y++) {
    const y0 = Math.floor((y * h) / H);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * h) / H));
    for (let x = 0; x < W; x++) {
      const x0 = Math.floor((x * w) / W);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * w) / W));
      for (let c = 0; c < ch; c++) {
        let s = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += r.data[(yy * w + xx) * ch + c]!;
        out[(y * W + x) * ch + c] = Math.round(s / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  return { width: W, height: H, channels: ch, data: out };
}
