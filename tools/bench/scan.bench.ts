/**
 * End-to-end scan benchmark (bytes in, ScanResult out: decode, streams, extraction, inference):
 *  1. p50/p95 of `scanner.scan(bytes)` for 256², 512², 1024² PNG/JPEG/GIF/WebP, in Node
 *     (@starlight/runtime-node, in-process) and in headless Chromium (@starlight/runtime-web), same run;
 *  2. images per second for a folder of 1,000 mixed images with the worker pool, 1 and 2 workers.
 *
 *   npx nx run tools-bench:bench      (or: npx tsx tools/bench/scan.bench.ts [--quick] [--no-browser] [--no-folder] [--web-threads=N])
 */
import { MODEL_URL } from '@starlight/model';
import { createScanner, createScanPool } from '@starlight/runtime-node';
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openChromiumPage } from '../conformance/chromium.js';
import { mixedFolder, sizedImages } from './images.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** wasm threads in Chromium (default: runtime-web's choice, every core when cross-origin isolated). */
const webThreads = args.find((a) => a.startsWith('--web-threads='))?.split('=')[1];
const ITER = quick ? 8 : 30;
const WARMUP = 3;
const WARMUP_ROUNDS = 5;
const SIZES = [256, 512, 1024];
const OUT = join(ROOT, '.cache/bench');

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const median = (xs: number[]) => pct(xs, 50);
const f = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

async function main() {
  console.log(`Starlight end-to-end scan benchmark — node ${process.version}, ${cpus()[0]?.model ?? '?'} x${cpus().length}, load ${loadavg()[0]!.toFixed(2)}`);
  const images = await sizedImages(SIZES);
  mkdirSync(join(OUT, 'images'), { recursive: true });
  for (const im of images) writeFileSync(join(OUT, 'images', im.name), im.bytes);

  // 1a. Node, in-process (onnxruntime-node, its default threads).
  const scanner = await createScanner();
  // Steady state, as in a long-running scanner: V8 optimises the stream code only after some dozens
  // of calls, so every image is scanned WARMUP_ROUNDS times before anything is timed.
  for (let r = 0; r < WARMUP_ROUNDS; r++) for (const im of images) await scanner.scan(im.bytes);
  const node: Record<string, number[]> = {};
  for (const im of images) {
    const ms: number[] = [];
    for (let i = 0; i < WARMUP + ITER; i++) {
      const t = performance.now();
      const r = await scanner.scan(im.bytes);
      if (r.error) throw new Error(`${im.name}: ${r.error.code} ${r.error.message}`);
      if (i >= WARMUP) ms.push(performance.now() - t);
    }
    node[im.name] = ms;
  }
  // One breakdown, to say where the time goes.
  const r512 = await scanner.scan(images.find((i) => i.name === '512.png')!.bytes);
  await scanner.dispose();

  // 1b. Chromium (onnxruntime-web, wasm).
  let web: Record<string, number[]> | null = null;
  let webInfo = '';
  let webStages: Record<string, Record<string, number>> = {};
  if (!args.includes('--no-browser')) {
    await build({ entryPoints: [join(ROOT, 'tools/bench/browser-entry.ts')], bundle: true, format: 'esm', platform: 'browser', outfile: join(OUT, 'entry.js'), logLevel: 'error' });
    const routes: Record<string, string> = { '/entry.js': join(OUT, 'entry.js'), '/model.onnx': fileURLToPath(MODEL_URL) };
    for (const im of images) routes[`/images/${im.name}`] = join(OUT, 'images', im.name);
    const { page, errors, close } = await openChromiumPage(routes);
    try {
      await page.waitForFunction(() => typeof (globalThis as Record<string, unknown>).benchScan === 'function', null, { timeout: 60_000 });
      const res = (await page.evaluate(
        ([n, it, w, t, rounds]) => (globalThis as unknown as { benchScan: (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown) => Promise<unknown> }).benchScan(n, it, w, t === undefined ? undefined : Number(t), rounds),
        [images.map((i) => i.name), ITER, WARMUP, webThreads, WARMUP_ROUNDS] as const,
      )) as { isolated: boolean; threads: number; out: Record<string, number[]>; stages: Record<string, Record<string, number>> };
      if (errors.length) throw new Error(errors.join('\n'));
      web = res.out;
      webStages = res.stages;
      webInfo = ` (cross-origin isolated: ${res.isolated}, hardwareConcurrency ${res.threads})`;
    } finally {
      await close();
    }
  }

  console.log(`\nscan() end to end, steady state (${WARMUP_ROUNDS} warm-up rounds over all images), ${ITER} timed calls each; ms p50 / p95${webInfo}`);
  console.log('| image | bytes | Node p50 | Node p95 | Chromium p50 | Chromium p95 | Chromium/Node |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const im of images) {
    const n = node[im.name]!;
    const w = web?.[im.name];
    console.log(`| ${im.size}² ${im.format} | ${im.bytes.length} | ${f(median(n))} | ${f(pct(n, 95))} | ${w ? f(median(w)) : '-'} | ${w ? f(pct(w, 95)) : '-'} | ${w ? (median(w) / median(n)).toFixed(2) + 'x' : '-'} |`);
  }
  console.log(`512² PNG stages (ms, one call): Node ${JSON.stringify(r512.timings)}`);
  if (webStages['512.png']) console.log(`512² PNG stages (ms, one call): Chromium ${JSON.stringify(webStages['512.png'])}`);
  for (const name of ['256.png', '256.jpeg']) if (webStages[name]) console.log(`${name} stages (ms, one call): Chromium ${JSON.stringify(webStages[name])}`);

  // 2. Folder throughput with the worker pool.
  if (!args.includes('--no-folder')) {
    const n = quick ? 200 : 1000;
    const files = await mixedFolder(join(OUT, `folder-${n}`), n, join(ROOT, '../shared/data/starlight-sample-clean'));
    console.log(`\nfolder of ${files.length} mixed images (${join(OUT, `folder-${n}`)}), worker pool, median of 3 runs:`);
    const rates: Record<number, number> = {};
    for (const workers of [1, 2]) {
      const pool = await createScanPool({ workers });
      const runs: number[] = [];
      let stego = 0;
      let errors = 0;
      for (let k = 0; k < 3; k++) {
        const t = performance.now();
        stego = 0;
        errors = 0;
        for await (const r of pool.scanMany(files)) {
          if (r.stego) stego++;
          if (r.error) errors++;
        }
        runs.push(files.length / ((performance.now() - t) / 1000));
      }
      await pool.dispose();
      rates[workers] = median(runs);
      console.log(`  ${workers} worker(s): ${rates[workers]!.toFixed(1)} images/s (runs ${runs.map((x) => x.toFixed(1)).join(', ')}; ${stego} stego, ${errors} errors)`);
    }
    console.log(`  scaling 2 vs 1 worker: ${(rates[2]! / rates[1]!).toFixed(2)}x on ${cpus().length} cores`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
