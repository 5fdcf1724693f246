import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Rng } from '../src/prng.js';
import type { Cover, IndexedImage, RasterImage } from '../src/image.js';

/** ../shared beside the repository (CI lays it there); override with STARLIGHT_SHARED. */
export const SHARED = resolve(process.env.STARLIGHT_SHARED ?? join(process.cwd(), '../../../shared'));
export const SAMPLE_CLEAN = join(SHARED, 'data/starlight-sample-clean');
export const FIXTURES = join(SHARED, 'fixtures/starlight-v4');
export const haveShared = (): boolean => existsSync(join(FIXTURES, 'manifest.json'));

export type CoverKind = 'rgb' | 'rgba' | 'grey' | 'indexed';

/** A random cover: a smooth field plus noise (so LSBs are neither constant nor pure noise). */
export function randomCover(rng: Rng, kind: CoverKind, w: number, h: number): Cover {
  const n = w * h;
  const fx = rng.float() * 0.3;
  const fy = rng.float() * 0.3;
  const amp = rng.int(0, 40);
  const base = rng.int(20, 200);
  if (kind === 'indexed') {
    const colors = rng.int(2, 256);
    const palette = rng.bytes(colors * 3);
    const indices = new Uint8Array(n);
    for (let i = 0; i < n; i++) indices[i] = rng.int(0, colors - 1);
    return { width: w, height: h, indices, palette } satisfies IndexedImage;
  }
  const ch = kind === 'grey' ? 1 : kind === 'rgb' ? 3 : 4;
  const data = new Uint8Array(n * ch);
  // Separable smooth field (tables per row and column) plus cheap uniform noise.
  const colT = Float64Array.from({ length: w * 3 }, (_, k) => 50 * Math.sin(fx * Math.floor(k / 3) + (k % 3)));
  const rowT = Float64Array.from({ length: h * 3 }, (_, k) => 50 * Math.cos(fy * Math.floor(k / 3) - (k % 3)));
  const span = 2 * amp + 1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < ch; c++) {
        const v = c === 3 ? (rng.bool(0.3) ? 255 : rng.u32() & 255) : base + colT[x * 3 + c]! + rowT[y * 3 + c]! + (rng.u32() % span) - amp;
        data[(y * w + x) * ch + c] = v < 0 ? 0 : v > 255 ? 255 : v | 0;
      }
  return { width: w, height: h, channels: ch as 1 | 3 | 4, data } satisfies RasterImage;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const PUNCT = ' .,;:!?-()\'"\n';
const UNICODE = ['é', 'ß', 'ñ', 'ü', '€', '日本', 'данные', 'λ', '🙂'];

const UNICODE_LEN = UNICODE.map((u) => new TextEncoder().encode(u).length);

/** Random text that looks like text (words, punctuation, some non-ASCII), exactly `bytes` UTF-8 bytes long. */
export function randomText(rng: Rng, bytes: number): string {
  const parts: string[] = [];
  let len = 0;
  while (len < bytes) {
    const r = rng.float();
    const k = r >= 0.97 ? rng.int(0, UNICODE.length - 1) : -1;
    if (k >= 0 && len + UNICODE_LEN[k]! <= bytes) {
      parts.push(UNICODE[k]!);
      len += UNICODE_LEN[k]!;
    } else {
      parts.push(r < 0.8 || k >= 0 ? LETTERS[rng.int(0, LETTERS.length - 1)]! : PUNCT[rng.int(0, PUNCT.length - 1)]!);
      len += 1;
    }
  }
  return parts.join('');
}

/** Random binary payload; `noNul` excludes 0x00 (NUL-terminated framings cannot carry it). */
export function randomBinary(rng: Rng, n: number, noNul: boolean): Uint8Array {
  return rng.bytes(n, noNul ? 1 : 0, 255);
}
