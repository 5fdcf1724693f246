/**
 * The `residual` model input: LSB-replacement statistics that stay calmer than the plain WS
 * estimate of `stats` (76..81) on icons and game art, and a test of how the three colour channels'
 * LSBs change together. Still fooled: synthetic graphics whose thin lines or edges have values of
 * one parity (scribus's grid-template previews: lines of 250 on white read as full embedding).
 *
 * 0..2  WS estimate (R, G, B) without saturated samples (0 and 255: their residual against the
 *       neighbours' mean has one sign whatever the LSB, and icons and game art are full of them),
 *       each residual clipped to +-4 (a flipped LSB moves it by 1; one speck outweighs thousands)
 * 3..5  the same sums as a self-normalised z-score, sign(z) log1p(|z|) / 4, so that a small but
 *       consistent rate over many samples is told from one large estimate from a few
 * 6..8  the WS estimate over textured samples only (the four neighbours span >= 2 levels): where
 *       content-adaptive embedders write, and where the flat areas that dominate the whole-image
 *       estimate carry no weight
 * 9     channel coupling: among horizontal neighbours whose RGB LSBs differ at all, the share where
 *       R, G and B all differ. Dithered greys and other rendering flip the three together; an
 *       embedder sets each channel's LSB independently (0.14 expected at full rate)
 * 10    how many such neighbour pairs there are, log2(1 + n) / 32 (how much 9 can be trusted)
 * 11    share of pixels with R = G = B (grey content)
 */
export const RESIDUAL_LEN = 12;

/** Residuals are clipped to +-this (0..8). */
const RESIDUAL_CLIP = 4;
/** The four neighbours' spread at or above which a sample counts as textured (6..8). */
const TEXTURE_RANGE = 2;

const clipWs = (num: number, den: number): number => (den ? Math.max(-1, Math.min(2, (2 * num) / den)) : 0);
const squash = (z: number): number => (Math.sign(z) * Math.log1p(Math.abs(z))) / 4;

export function residualStats(rgb: Uint8Array, w: number, h: number): Float32Array {
  const out = new Float32Array(RESIDUAL_LEN);
  const row = 3 * w;
  for (let c = 0; c < 3; c++) {
    let num = 0;
    let den = 0;
    let sq = 0;
    let numTex = 0;
    let denTex = 0;
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1, j = y * row + 3 + c; x < w - 1; x++, j += 3) {
        const s = rgb[j]!;
        if (s === 0 || s === 255) continue;
        const a = rgb[j - 3]!;
        const b = rgb[j + 3]!;
        const u = rgb[j - row]!;
        const d = rgb[j + row]!;
        const pred = (a + b + u + d) / 4;
        const wt = 1 / (5 + (a * a + b * b + u * u + d * d) / 4 - pred * pred);
        const e = Math.max(-RESIDUAL_CLIP, Math.min(RESIDUAL_CLIP, s & 1 ? s - pred : pred - s));
        num += wt * e;
        den += wt;
        sq += wt * wt * e * e;
        if (Math.max(a, b, u, d) - Math.min(a, b, u, d) >= TEXTURE_RANGE) {
          numTex += wt * e;
          denTex += wt;
        }
      }
    }
    out[c] = clipWs(num, den);
    out[3 + c] = squash(num / Math.sqrt(sq + 0.04));
    out[6 + c] = clipWs(numTex, denTex);
  }
  let changed = 0;
  let together = 0;
  let grey = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0, j = y * row; x < w; x++, j += 3) {
      if (rgb[j] === rgb[j + 1] && rgb[j] === rgb[j + 2]) grey++;
      if (x === 0) continue;
      const v = ((rgb[j]! ^ rgb[j - 3]!) & 1) | (((rgb[j + 1]! ^ rgb[j - 2]!) & 1) << 1) | (((rgb[j + 2]! ^ rgb[j - 1]!) & 1) << 2);
      if (v) {
        changed++;
        if (v === 7) together++;
      }
    }
  }
  out[9] = changed ? together / changed : 0;
  out[10] = Math.log2(1 + changed) / 32;
  out[11] = w * h ? grey / (w * h) : 0;
  return out;
}
