import { describe, expect, it } from '@jest/globals';
import { syntheticCover } from '../src/covers.js';
import { Rng } from '../src/prng.js';

describe('synthetic hard negatives', () => {
  it("'veiled': fully transparent pixels hold dithered grey (R = G = B, two neighbouring levels, both LSBs)", () => {
    for (let seed = 0; seed < 10; seed++) {
      const r = syntheticCover(new Rng(seed), 'veiled', 48, 40, 4);
      const levels = new Set<number>();
      let hidden = 0;
      for (let i = 0; i < r.width * r.height; i++) {
        const [R, G, B, A] = r.data.subarray(4 * i, 4 * i + 4);
        if (A !== 0) continue;
        hidden++;
        expect(R).toBe(G);
        expect(G).toBe(B);
        levels.add(R!);
      }
      expect(hidden).toBeGreaterThan(0);
      const [lo, hi] = [Math.min(...levels), Math.max(...levels)];
      expect(hi - lo).toBe(1); // two levels of one grey: an even and an odd one
      // an opaque disc on top
      expect(Array.from({ length: r.width * r.height }, (_, i) => r.data[4 * i + 3]).some((a) => a === 255)).toBe(true);
    }
  });

  it("'lineart': a flat background and one-pixel lines in at most three inks", () => {
    for (let seed = 0; seed < 10; seed++) {
      const r = syntheticCover(new Rng(seed), 'lineart', 64, 64, 3);
      const colours = new Map<string, number>();
      for (let i = 0; i < r.width * r.height; i++) {
        const k = r.data.subarray(3 * i, 3 * i + 3).join(',');
        colours.set(k, (colours.get(k) ?? 0) + 1);
      }
      expect(colours.size).toBeGreaterThanOrEqual(2);
      expect(colours.size).toBeLessThanOrEqual(4);
      // the background is most of the picture
      expect(Math.max(...colours.values())).toBeGreaterThan((r.width * r.height) / 2);
    }
  });
});
