/**
 * Bit order as the scanner reports it, on a split's detected sequential palette / lsb.rgb stego (the
 * real scanner, its model and frozen threshold): for each cut on the model's share of the two orders'
 * logit margin |logit(lsb-first) - logit(msb-first)|, how many verdicts name an order (decided) and how
 * many of those are right, by payload kind. Random bytes read in either order are random bytes, so only
 * payloads with structure (text) can be decided; the scanner's cut is the model's bit_order_margin
 * (frozen on validation by train.py; ln 9 for models without one).
 *
 * Usage: tsx tools/data/src/bitorder.ts <dataset-dir> [model.onnx] [split (val)]
 */
import { createScanPool } from '@starlight/runtime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestRow } from './rows.js';

const [ds, model, split = 'val'] = process.argv.slice(2);
if (!ds) throw new Error('usage: bitorder.ts <dataset-dir> [model.onnx] [split]');
const rows = readFileSync(join(ds, 'manifest.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as ManifestRow)
  .filter((r) => r.split === split && r.stego && r.bit_order && (r.method === 'palette' || r.method === 'lsb.rgb') && r.variant === 'starlight');
// key -> [detected, decided per cut, right per cut]
const tally = new Map<string, { detected: number; decided: number[]; right: number[] }>();
const pool = await createScanPool(model ? { model } : {});
const margin = pool.spec.bitOrderMargin;
const CUTS = [0, 1, 2, Math.log(9), 4, 6, 8, 11, 14, margin].filter((c, i, a) => a.indexOf(c) === i).sort((a, b) => a - b);
let i = 0;
try {
  for await (const r of pool.scanMany(rows.map((row) => join(ds, row.file)))) {
    const row = rows[i++]!;
    if (!r.stego || !r.bitOrderProbabilities) continue;
    const lsb = r.bitOrderProbabilities['lsb-first'];
    const msb = r.bitOrderProbabilities['msb-first'];
    const d = Math.abs(Math.log(lsb) - Math.log(msb));
    const said = lsb >= msb ? 'lsb-first' : 'msb-first';
    for (const key of [`${row.method} ${row.payload_kind}`, `${row.method} all`]) {
      const t = tally.get(key) ?? { detected: 0, decided: CUTS.map(() => 0), right: CUTS.map(() => 0) };
      t.detected++;
      CUTS.forEach((c, k) => {
        if (d < c) return;
        t.decided[k]!++;
        if (said === row.bit_order) t.right[k]!++;
      });
      tally.set(key, t);
    }
  }
} finally {
  await pool.dispose();
}
console.log(`${split}: detected sequential Starlight stego; per margin: decided/detected, right/decided (the model's margin ${margin.toFixed(3)})`);
for (const [key, t] of [...tally].sort())
  console.log(
    `${key.padEnd(16)} n=${String(t.detected).padStart(4)}  ` +
      CUTS.map((c, k) => `${c.toFixed(2)}: ${t.decided[k]}/${t.detected} ${t.right[k]}/${t.decided[k]}`).join('  '),
  );
