/** Benchmark images: the same synthetic picture at each size, encoded as PNG, JPEG, GIF and WebP. */
import { encodeImage, Rng, syntheticCover, embedPayload } from '@starlight/embed';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FORMATS = ['png', 'jpeg', 'gif', 'webp'] as const;
export type BenchFormat = (typeof FORMATS)[number];

export async function sizedImages(sizes: number[]): Promise<{ name: string; format: BenchFormat; size: number; bytes: Uint8Array }[]> {
  const out = [];
  for (const size of sizes) {
    const cover = syntheticCover(new Rng(size), 'plasma', size, size, 3);
    for (const format of FORMATS) out.push({ name: `${size}.${format}`, format, size, bytes: await encodeImage(cover, format) });
  }
  return out;
}

/**
 * A folder of `n` mixed images (made once, then reused): the shared clean inscription sample in its
 * own formats and sizes, and synthetic covers at 64–1024 px in four formats, a fifth of them stego.
 */
export async function mixedFolder(dir: string, n: number, shared: string): Promise<string[]> {
  const done = join(dir, `.complete-${n}`);
  if (existsSync(done)) return readdirSync(dir).filter((f) => !f.startsWith('.')).sort().map((f) => join(dir, f));
  mkdirSync(dir, { recursive: true });
  const clean = readdirSync(shared).sort().map((f) => join(shared, f));
  const rng = new Rng(2026);
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    let bytes: Uint8Array;
    let ext: string;
    if (i % 2 === 0 && clean.length) {
      const src = clean[(i / 2) % clean.length]!;
      bytes = new Uint8Array(readFileSync(src));
      ext = src.slice(src.lastIndexOf('.') + 1);
    } else {
      const size = [64, 128, 256, 512, 1024][rng.int(0, 4)]!;
      const format = FORMATS[rng.int(0, 3)]!;
      const cover = syntheticCover(rng, 'plasma', size, size, 3);
      if (i % 5 === 1) {
        const method = format === 'png' ? 'lsb.rgb' : format === 'gif' ? 'palette' : 'eoi';
        bytes = (await embedPayload(cover, { method, payload: new TextEncoder().encode(`bench payload ${i}`), format })).file;
      } else bytes = await encodeImage(cover, format);
      ext = format === 'jpeg' ? 'jpg' : format;
    }
    const file = join(dir, `${String(i).padStart(5, '0')}.${ext}`);
    writeFileSync(file, bytes);
    files.push(file);
  }
  writeFileSync(done, '');
  return files;
}
