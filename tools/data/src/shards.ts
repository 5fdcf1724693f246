/**
 * Feature shards for the trainer, computed by @starlight/core itself (the streams are never
 * reimplemented in Python). Layout per split folder: one .npy per field + rows.jsonl.
 * Exact values are stored as uint8 (pixel, alpha, meta, palette, tail) or packed bits
 * (palette_lsb, bits); lsb is pixel & 1, alpha's second channel is alpha & 1.
 *
 * Usage: tsx tools/data/src/shards.ts <dataset-dir> [--workers 2] [--fields evidence,stats]
 * (--fields rewrites only those .npy files of existing shards, e.g. after a feature was added.)
 */
import { DCT_LEN, EVIDENCE_LEN, RESIDUAL_LEN, STATS_LEN, extractModelInputs } from '@starlight/core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { NpyWriter, type NpyDtype } from './npy.js';
import { BIT_ORDER_ID, METHOD_ID, type ManifestRow } from './rows.js';

export const FIELDS: [string, NpyDtype, number[]][] = [
  ['pixel', 'u1', [3, 256, 256]],
  ['alpha', 'u1', [256, 256]],
  ['meta', 'u1', [2048]],
  ['palette', 'u1', [768]],
  ['palette_lsb', 'u1', [8192]],
  ['format', 'f4', [6]],
  ['content', 'f4', [6]],
  ['bits', 'u1', [3, 512]],
  ['tail', 'u1', [1024]],
  ['stats', 'f4', [STATS_LEN]],
  ['evidence', 'f4', [EVIDENCE_LEN]],
  ['residual', 'f4', [RESIDUAL_LEN]],
  ['dct', 'f4', [DCT_LEN]],
  ['stego', 'i1', []],
  ['method', 'i1', []],
  ['bit_order', 'i1', []],
];

const u8of = (f: Float32Array, n = f.length, scale = 255): Uint8Array => {
  const o = new Uint8Array(n);
  for (let i = 0; i < n; i++) o[i] = Math.round(f[i]! * scale);
  return o;
};

function pack(f: Float32Array): Uint8Array {
  const o = new Uint8Array(f.length >> 3);
  for (let i = 0; i < f.length; i++) if (f[i]) o[i >> 3]! |= 0x80 >> (i & 7);
  return o;
}

/** The shard row of one file. */
export async function featureRow(bytes: Uint8Array, row: ManifestRow): Promise<Record<string, Uint8Array | Int8Array | Float32Array>> {
  const { streams: s, extras: x } = await extractModelInputs(bytes);
  return {
    pixel: u8of(s.pixel.data),
    alpha: u8of(s.alpha.data, 65536),
    meta: u8of(s.meta.data),
    palette: u8of(s.palette.data),
    palette_lsb: pack(s.palette_lsb.data),
    format: s.format.data,
    content: s.content.data,
    bits: pack(x.bits),
    tail: u8of(x.tail),
    stats: x.stats,
    evidence: x.evidence,
    residual: x.residual,
    dct: x.dct,
    stego: Int8Array.of(row.stego),
    method: Int8Array.of(row.method ? METHOD_ID[row.method]! : -1),
    bit_order: Int8Array.of(row.bit_order ? BIT_ORDER_ID[row.bit_order]! : 2),
  };
}

async function worker(): Promise<void> {
  const { dir, rows } = workerData as { dir: string; rows: [number, ManifestRow][] };
  for (const [i, row] of rows) {
    try {
      const r = await featureRow(new Uint8Array(readFileSync(join(dir, row.file))), row);
      parentPort!.postMessage({ i, r }, Object.values(r).map((a) => a.buffer as ArrayBuffer));
    } catch (e) {
      parentPort!.postMessage({ i, error: `${row.file}: ${(e as Error).message}` });
    }
  }
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: shards.ts <dataset-dir> [--workers N]');
  const wi = process.argv.indexOf('--workers');
  const nWorkers = wi > 0 ? Number(process.argv[wi + 1]) : 2;
  const fi = process.argv.indexOf('--fields');
  const only = fi > 0 ? new Set(process.argv[fi + 1]!.split(',')) : null;
  const fields = only ? FIELDS.filter(([name]) => only.has(name)) : FIELDS;
  if (only && fields.length !== only.size) throw new Error(`--fields: known fields are ${FIELDS.map(([n]) => n).join(', ')}`);
  const all = readFileSync(join(dir, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ManifestRow);
  const t0 = Date.now();
  for (const split of ['train', 'val', 'test'] as const) {
    const rows = all.filter((r) => r.split === split);
    const out = join(dir, 'shards', split);
    mkdirSync(out, { recursive: true });
    const writers = Object.fromEntries(fields.map(([name, dt, shape]) => [name, new NpyWriter(join(out, `${name}.npy`), dt, [rows.length, ...shape])]));
    const errors: string[] = [];
    await new Promise<void>((resolve, reject) => {
      let done = 0;
      let alive = nWorkers;
      for (let w = 0; w < nWorkers; w++) {
        const mine = rows.map((r, i) => [i, r] as [number, ManifestRow]).filter(([i]) => i % nWorkers === w);
        const wk = new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: { entry: import.meta.url, dir, rows: mine } });
        wk.on('message', (m: { i: number; r?: Record<string, Uint8Array>; error?: string }) => {
          if (m.error) errors.push(m.error);
          else for (const [k, v] of Object.entries(m.r!)) writers[k]?.write(m.i, v);
          if (++done % 2000 === 0) console.log(`${split}: ${done}/${rows.length} (${((Date.now() - t0) / 1000).toFixed(0)}s)`);
        });
        wk.on('error', reject);
        wk.on('exit', () => (--alive === 0 ? resolve() : undefined));
      }
    });
    if (errors.length) throw new Error(`${errors.length} files failed feature extraction, e.g. ${errors.slice(0, 3).join('; ')}`);
    for (const w of Object.values(writers)) w.close();
    writeFileSync(join(out, 'rows.jsonl'), rows.map((r) => JSON.stringify({ ...r, payload_b64: undefined })).join('\n') + '\n');
    console.log(`${split}: ${rows.length} rows -> ${out}`);
  }
  console.log(`shards done in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  worker().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
