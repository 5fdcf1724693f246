/**
 * Held-out evaluation: the shipped scanner on images from Debian packages that NO split of the
 * training data draws from (tools/data/fetch-covers.sh keeps the training sources to a fixed list).
 *
 *   --native DIR   every image file under DIR/<package>/ as the package ships it (real files, native
 *                  formats): the clean false-positive rate on images the model has never seen the like of.
 *   --not-in DIRS  comma-separated folders of training covers: native files byte-identical to one of
 *                  them (icons copied from package to package) are left out and counted.
 *   --dataset DIR  a dataset that tools/data/src/build.ts made from those packages' images
 *                  (`--covers <heldout> --no-sample --synthetic 0`): clean FPR in the inscription format
 *                  mix and detection per method and variant on covers from unseen sources (all splits).
 *   --split NAME   only that split of the dataset (e.g. val: a shipped model on a candidate's validation split)
 *   --scores FILE  every file's probability as JSON lines, kind native, generated (clean) or stego (threshold choice on
 *                  real files: train.py --calibration reads the native ones)
 * Usage: tsx tools/data/src/heldout.ts [--native DIR [--not-in DIRS]] [--dataset DIR [--split NAME]] [--model file.onnx] [--out report.json] [--scores FILE]
 */
import { createScanPool, type ScanPool } from '@starlight/runtime-node';
import type { ScanResult } from '@starlight/core';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ManifestRow } from './rows.js';

const IMAGE = /\.(png|jpe?g|gif|webp|bmp)$/i;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile() && IMAGE.test(e.name)) yield p;
  }
}

/** Wilson 95 % interval, in percent. */
function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 100];
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [100 * Math.max(0, c - h), 100 * Math.min(1, c + h)];
}

const rate = (k: number, n: number): string => {
  const [lo, hi] = wilson(k, n);
  return `${((100 * k) / Math.max(1, n)).toFixed(2)} % (${k}/${n}; 95 % CI ${lo.toFixed(2)}–${hi.toFixed(2)})`;
};

interface Count {
  n: number;
  hit: number;
}
const bump = (m: Record<string, Count>, key: string, hit: boolean): void => {
  const c = (m[key] ??= { n: 0, hit: 0 });
  c.n++;
  if (hit) c.hit++;
};
const total = (m: Record<string, Count>): Count => Object.values(m).reduce((a, c) => ({ n: a.n + c.n, hit: a.hit + c.hit }), { n: 0, hit: 0 });
const table = (m: Record<string, Count>): Record<string, string> => Object.fromEntries(Object.entries(m).sort().map(([k, c]) => [k, rate(c.hit, c.n)]));

/** Every file's probability, for --scores (choosing a threshold on real files; how far below it stego lies). */
const scores: { file: string; kind: 'native' | 'generated' | 'stego'; variant?: string; probability: number }[] = [];

const flaggedLine = (file: string, r: ScanResult): string =>
  `${file} p=${r.probability?.toFixed(6)} ${r.method}/${r.bitOrder ?? '-'} ${r.format} ${r.width}x${r.height} ${r.mode}` +
  (r.payload ? ` payload ${r.payload.length} B${r.payload.field ? ` in ${r.payload.field}` : ''}: ${JSON.stringify((r.payload.text ?? r.payload.hex).slice(0, 60))}` : '');

/** The files that are byte-identical to a file under one of `dirs` (sizes compared first, then SHA-256). */
function copiesOf(files: string[], dirs: string[]): Set<string> {
  const sizes = new Set(files.map((f) => statSync(f).size));
  const digest = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');
  const known = new Set<string>();
  const knownSizes = new Set<number>();
  for (const d of dirs)
    for (const f of walk(d)) {
      const n = statSync(f).size;
      if (!sizes.has(n)) continue;
      known.add(digest(f));
      knownSizes.add(n);
    }
  return new Set(files.filter((f) => knownSizes.has(statSync(f).size) && known.has(digest(f))));
}

async function native(pool: ScanPool, dir: string, notIn: string[]): Promise<object> {
  const listed = [...walk(dir)].filter((f) => !relative(dir, f).startsWith('debs/'));
  const copies = copiesOf(listed, notIn);
  const files = listed.filter((f) => !copies.has(f));
  const byPackage: Record<string, Count> = {};
  const byFormat: Record<string, Count> = {};
  const errors: Record<string, number> = {};
  const flagged: string[] = [];
  let i = 0;
  for await (const r of pool.scanMany(files)) {
    const file = relative(dir, files[i++]!);
    if (r.error) {
      errors[r.error.code] = (errors[r.error.code] ?? 0) + 1;
      continue;
    }
    const hit = r.stego === true;
    bump(byPackage, file.split('/')[0]!, hit);
    bump(byFormat, `${r.format}-${r.mode}`, hit);
    if (hit) flagged.push(flaggedLine(file, r));
    scores.push({ file, kind: 'native', probability: r.probability! });
  }
  const all = total(byPackage);
  return { files: files.length, copiesOfTrainingCovers: copies.size, errors, fpr: rate(all.hit, all.n), byPackage: table(byPackage), byFormat: table(byFormat), flagged };
}

async function dataset(pool: ScanPool, dir: string, split: string | undefined): Promise<object> {
  const rows = readFileSync(join(dir, 'manifest.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ManifestRow)
    .filter((row) => !split || row.split === split);
  const clean: Record<string, Count> = {};
  const method: Record<string, Count> = {};
  const variant: Record<string, Count> = {};
  const starlight: Record<string, Count> = {};
  const flagged: string[] = [];
  let methodRight = 0;
  let detected = 0;
  let i = 0;
  for await (const r of pool.scanMany(rows.map((row) => join(dir, row.file)))) {
    const row = rows[i++]!;
    const hit = r.stego === true;
    if (!row.stego) {
      bump(clean, row.format, hit);
      if (hit) flagged.push(flaggedLine(row.file, r));
      scores.push({ file: row.file, kind: 'generated', probability: r.probability! });
      continue;
    }
    scores.push({ file: row.file, kind: 'stego', variant: row.variant, probability: r.probability! });
    bump(method, row.method!, hit);
    bump(variant, row.variant, hit);
    if (row.variant === 'starlight') bump(starlight, row.method!, hit);
    if (hit) {
      detected++;
      if (r.method === row.method) methodRight++;
    }
  }
  const c = total(clean);
  const s = total(method);
  return {
    files: rows.length,
    fpr: rate(c.hit, c.n),
    cleanByFormat: table(clean),
    detection: rate(s.hit, s.n),
    byMethod: table(method),
    starlightByMethod: table(starlight),
    byVariant: table(variant),
    methodAccuracy: rate(methodRight, detected),
    flagged,
  };
}

async function main(): Promise<void> {
  const nativeDir = arg('native');
  const datasetDir = arg('dataset');
  if (!nativeDir && !datasetDir) throw new Error('usage: heldout.ts [--native DIR [--not-in DIRS]] [--dataset DIR] [--model file.onnx] [--out report.json]');
  const model = arg('model');
  const pool = await createScanPool(model ? { model } : {});
  const t0 = Date.now();
  const report: Record<string, unknown> = { model: `${pool.spec.name} ${pool.spec.version}`, threshold: pool.spec.threshold };
  try {
    if (nativeDir) report.native = await native(pool, nativeDir, (arg('not-in') ?? '').split(',').filter(Boolean));
    if (datasetDir) report.dataset = await dataset(pool, datasetDir, arg('split'));
  } finally {
    await pool.dispose();
  }
  report.seconds = Math.round((Date.now() - t0) / 1000);
  const out = arg('out');
  if (out) writeFileSync(out, JSON.stringify(report, null, 1) + '\n');
  const scoresOut = arg('scores');
  if (scoresOut) writeFileSync(scoresOut, scores.map((x) => JSON.stringify(x)).join('\n') + '\n');
  console.log(JSON.stringify(report, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
