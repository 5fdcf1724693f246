import { describe, expect, it } from '@jest/globals';
import { computeExtraInputs, RESIDUAL_LEN, type DecodedImage } from '../src/index.js';

const w = 128;
const h = 128;
const random = (seed: number) => () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
/** LSB replacement with random bits of every sample of `v` for which pick(i) holds. */
const replace = (v: Uint8Array, pick: (i: number) => boolean, seed = 7) => {
  const rand = random(seed);
  return v.map((x, i) => (pick(i) ? (x & 0xfe) | (rand() < 0.5 ? 1 : 0) : x));
};
const extras = (rgb: Uint8Array, opts: { residual?: boolean } = {}) => {
  const img = { format: 'png', pillowFormat: 'PNG', mode: 'RGB', width: w, height: h, rgb, exif: new Uint8Array(0), text: [], end: 0, lossy: false, frames: 1, alpha: null, indices: null, palette: null };
  return computeExtraInputs(img as DecodedImage, new Uint8Array(0), { found: null, candidates: [], skipped: [] }, opts);
};
const WS_ALL = [0, 1, 2];
const WS_TEXTURED = [6, 7, 8];
const COUPLING = 9;
const GREY = 11;

describe('residual input', () => {
  // A smooth noisy gradient with saturated specks (stars, highlights, dead pixels): 2 % at 255, 2 % at 0.
  const rand = random(3);
  const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => {
    const p = (i / 3) | 0;
    const x = p % w;
    const y = (p / w) | 0;
    const u = rand();
    if (u < 0.02) return 255;
    if (u < 0.04) return 0;
    return Math.round(60 + x / 2 + y / 4 + (rand() - 0.5) * 6);
  });

  it('the WS estimate is near 0 on a clipped cover where the plain one is not, and near 1 after full LSB replacement', () => {
    const c = extras(rgb);
    expect(c.residual.length).toBe(RESIDUAL_LEN);
    for (const k of WS_ALL) {
      expect(c.stats[76 + k]!).toBeGreaterThan(0.2); // the plain estimate (stats 76..78) is fooled by the specks
      expect(Math.abs(c.residual[k]!)).toBeLessThan(0.1);
    }
    const s = extras(replace(rgb, () => true)).residual;
    for (const k of [...WS_ALL, ...WS_TEXTURED]) expect(s[k]!).toBeGreaterThan(0.7);
    // a model without the residual input (the scanner asks for it only when the model reads it): zeros, no pass
    expect(Array.from(extras(rgb, { residual: false }).residual)).toEqual(new Array(RESIDUAL_LEN).fill(0));
  });

  it('channel coupling tells dithered grey from LSB embedding on it', () => {
    // dithered near-black grey, as under a spinner frame's transparent pixels: R = G = B in 0 or 1
    const r = random(5);
    const dither = new Uint8Array(w * h * 3);
    for (let p = 0; p < w * h; p++) dither.fill(r() < 0.5 ? 1 : 0, 3 * p, 3 * p + 3);
    const clean = extras(dither).residual;
    expect(clean[COUPLING]).toBe(1);
    expect(clean[GREY]).toBe(1);
    const stego = extras(replace(dither, () => true)).residual;
    expect(stego[COUPLING]!).toBeLessThan(0.25); // 1/7 of the changes when each channel flips on its own
    expect(stego[GREY]!).toBeLessThan(0.5);
  });
});
