/**
 * ONNX export parity: run the exported model with onnxruntime-node on every test-split image, with
 * inputs computed by @starlight/core from the image files (the path users take), and compare with
 * the PyTorch outputs the trainer saved for the same rows (computed from the shards).
 *
 * Usage: tsx tools/data/src/parity.ts <dataset-dir> <model-dir> [--tolerance 1e-4]
 */
import { buildFeeds, extractModelInputs } from '@starlight/core';
import * as ort from 'onnxruntime-node';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestRow } from './rows.js';

export function readNpyF32(path: string): { shape: number[]; data: Float32Array } {
  const b = readFileSync(path);
  const hlen = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + hlen).toString('latin1');
  if (!header.includes("'<f4'")) throw new Error(`${path}: expected float32`);
  const shape = (/\(([^)]*)\)/.exec(header)![1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const off = 10 + hlen;
  const data = new Float32Array(b.buffer.slice(b.byteOffset + off, b.byteOffset + b.length));
  return { shape, data };
}

const OUTPUTS = ['stego_logit', 'method_logits', 'bit_order_logits', 'embedding'] as const;

async function main(): Promise<void> {
  const [dataset, modelDir] = process.argv.slice(2);
  if (!dataset || !modelDir) throw new Error('usage: parity.ts <dataset-dir> <model-dir>');
  const ti = process.argv.indexOf('--tolerance');
  const tol = ti > 0 ? Number(process.argv[ti + 1]) : 1e-4;
  const rows = readFileSync(join(dataset, 'shards/test/rows.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ManifestRow);
  const torchOut = Object.fromEntries(OUTPUTS.map((o) => [o, readNpyF32(join(modelDir, `torch_${o}.npy`))]));
  const session = await ort.InferenceSession.create(join(modelDir, 'starlight.onnx'), { executionProviders: ['cpu'] });
  const maxDiff: Record<string, number> = Object.fromEntries(OUTPUTS.map((o) => [o, 0]));
  let worst = { row: -1, output: '', diff: 0 };
  const BATCH = 32;
  const t0 = Date.now();
  for (let s = 0; s < rows.length; s += BATCH) {
    const batch = rows.slice(s, s + BATCH);
    const inputs = await Promise.all(batch.map((r) => extractModelInputs(new Uint8Array(readFileSync(join(dataset, r.file))))));
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(buildFeeds(inputs, session.inputNames))) feeds[name] = new ort.Tensor('float32', t.data, t.dims as number[]);
    const out = await session.run(feeds);
    for (const o of OUTPUTS) {
      const got = out[o]!.data as Float32Array;
      const ref = torchOut[o]!;
      const per = got.length / batch.length;
      for (let i = 0; i < got.length; i++) {
        const d = Math.abs(got[i]! - ref.data[s * per + i]!);
        if (d > maxDiff[o]!) maxDiff[o] = d;
        if (d > worst.diff) worst = { row: s + Math.floor(i / per), output: o, diff: d };
      }
    }
  }
  const ok = Object.values(maxDiff).every((d) => d <= tol);
  const report = { rows: rows.length, tolerance: tol, maxAbsDiff: maxDiff, worst, ok, seconds: (Date.now() - t0) / 1000 };
  writeFileSync(join(modelDir, 'parity.json'), JSON.stringify(report, null, 1));
  console.log(JSON.stringify(report));
  if (!ok) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
