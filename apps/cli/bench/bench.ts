/**
 * `npx nx run cli:bench`: images per second of the built `starlight scan` over a folder of 1,000
 * mixed images (PNG, JPEG, GIF, WebP; 64-1024 px a side; about one in five stego, all five methods),
 * at --concurrency 1 and 2: the median of 3 runs each (runs alternate), and the ratio.
 * The folder is generated once into <repo>/.cache/cli-bench/images/ (gitignored) from the sample covers
 * (../shared/data/starlight-sample-clean), tiled to size; stego files come from @starlight/embed.
 * Wall-clock per run, process start to exit, model loading and worker start-up included.
 */
import { decodeImage } from '@starlight/core';
import { embedPayload, encodeImage, Rng, type EmbedMethod, type ImageFormatName, type RasterImage } from '@starlight/embed';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'apps/cli/dist/bin.js');
const SHARED = process.env.STARLIGHT_SHARED ?? join(ROOT, '../shared');
const COVERS = join(SHARED, 'data/starlight-sample-clean');
const CACHE = join(ROOT, '.cache/cli-bench');
const DIR = join(CACHE, 'images');
const COUNT = 1000;
const RUNS = 3;
const VERSION = 'cli-bench/1';

const FORMATS: readonly ImageFormatName[] = ['png', 'jpeg', 'gif', 'webp'];
const METHODS: Record<string, readonly EmbedMethod[]> = { png: ['lsb.rgb', 'alpha', 'exif', 'eoi'], jpeg: ['exif', 'eoi'], gif: ['palette', 'eoi'], webp: ['lsb.rgb', 'alpha', 'exif', 'eoi'] };
const WORDS = 'the quiet river carries old light across stone and field while a patient wind keeps time over hills of'.split(' ');

/** A cover of the requested size: the source repeated (tiled) across it. */
function tile(src: RasterImage, width: number, height: number): RasterImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = y % src.height;
    for (let x = 0; x < width; x++) {
      const s = (sy * src.width + (x % src.width)) * 3;
      data.set(src.data.subarray(s, s + 3), (y * width + x) * 3);
    }
  }
  return { width, height, channels: 3, data };
}

function message(rng: Rng): string {
  const n = rng.int(8, 300);
  return Array.from({ length: n }, () => WORDS[rng.int(0, WORDS.length - 1)]).join(' ');
}

async function generate(): Promise<void> {
  const marker = join(CACHE, 'corpus.json');
  if (existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).version === VERSION) return;
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  process.stderr.write(`generating ${COUNT} images into ${DIR} …\n`);
  const covers: RasterImage[] = [];
  for (const f of readdirSync(COVERS).sort()) {
    try {
      const img = await decodeImage(new Uint8Array(readFileSync(join(COVERS, f))));
      covers.push({ width: img.width, height: img.height, channels: 3, data: img.rgb });
    } catch {
      // not a cover we can decode: skip it
    }
  }
  const rng = new Rng('starlight cli bench');
  const counts: Record<string, number> = {};
  for (let i = 0; i < COUNT; i++) {
    const format = FORMATS[i % FORMATS.length]!;
    const cover = tile(covers[rng.int(0, covers.length - 1)]!, rng.int(64, 1024), rng.int(64, 1024));
    let file: Uint8Array;
    let label: string;
    if (rng.bool(0.2)) {
      const methods = METHODS[format]!;
      const method = methods[rng.int(0, methods.length - 1)]!;
      file = (await embedPayload(cover, { method, format, payload: message(rng), truncate: true })).file;
      label = method;
    } else {
      file = await encodeImage(cover, format, format === 'jpeg' ? { jpegQuality: rng.int(60, 95) } : format === 'webp' && rng.bool() ? { webpLossy: rng.int(60, 95) } : {});
      label = 'clean';
    }
    counts[`${format} ${label}`] = (counts[`${format} ${label}`] ?? 0) + 1;
    writeFileSync(join(DIR, `${String(i).padStart(4, '0')}-${label}.${format === 'jpeg' ? 'jpg' : format}`), file);
  }
  writeFileSync(marker, JSON.stringify({ version: VERSION, count: COUNT, counts }, null, 1));
}

/** One scan of the folder: seconds, and the number of result lines seen. */
function scanOnce(concurrency: number): Promise<{ seconds: number; lines: number; code: number | null }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, 'scan', DIR, '--json', '--concurrency', String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let lines = 0;
    child.stdout.on('data', (b: Buffer) => {
      for (const c of b) if (c === 10) lines++;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ seconds: (performance.now() - t0) / 1000, lines, code }));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await generate();
const files = readdirSync(DIR).length;
const rates: Record<number, number[]> = { 1: [], 2: [] };
for (let run = 0; run < RUNS; run++) {
  for (const c of [1, 2]) {
    const r = await scanOnce(c);
    if (r.lines !== files || (r.code !== 0 && r.code !== 1)) throw new Error(`scan at concurrency ${c}: ${r.lines} results of ${files}, exit ${r.code}`);
    rates[c]!.push(files / r.seconds);
    process.stdout.write(`run ${run + 1} concurrency ${c}: ${r.seconds.toFixed(1)} s, ${(files / r.seconds).toFixed(1)} images/s\n`);
  }
}
const m1 = median(rates[1]!);
const m2 = median(rates[2]!);
process.stdout.write(`\nstarlight scan, ${files} mixed images (${DIR}):\n`);
process.stdout.write(`  concurrency 1: ${m1.toFixed(1)} images/s (median of ${RUNS})\n`);
process.stdout.write(`  concurrency 2: ${m2.toFixed(1)} images/s (median of ${RUNS})\n`);
process.stdout.write(`  ratio: ${(m2 / m1).toFixed(2)}x\n`);
