/**
 * Bit order as the scanner reports it, on a split's detected sequential palette / lsb.rgb stego (the
 * real scanner, its model and frozen threshold): for each cut on the model's share of the two orders'
 * probability, how many verdicts name an order (decided) and how many of those are right, by payload
 * kind. Random bytes read in either order are random bytes, so only payloads with structure (text)
 * can be decided; the scanner's cut is BIT_ORDER_DECIDED in @starlight/core.
 *
 * Usage: tsx tools/data/src/bitorder.ts <dataset-dir> [model.onnx] [split (val)]
 */
import { BIT_ORDER_DECIDED } from '@starlight/core';
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
const CUTS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, BIT_ORDER_DECIDED].filter((c, i, a) => a.indexOf(c) === i).sort();
// key -> [detected, decided per cut, right per cut]
const tally = new Map<string, { detected: number; decided: number[]; right: number[] }>();
const pool = await createScanPool(model ? { model } : {});
let i = 0;
try {
  for await (const r of pool.scanMany(rows.map((row) => join(ds, row.file)))) {
    const row = rows[i++]!;
    if (!r.stego || !r.bitOrderProbabilities) continue;
    const lsb = r.bitOrderProbabilities['lsb-first'];
    const msb = r.bitOrderProbabilities['msb-first'];
    const share = Math.max(lsb, msb) / (lsb + msb);
    const said = lsb >= msb ? 'lsb-first' : 'msb-first';
    for (const key of [`${row.method} ${row.payload_kind}`, `${row.method} all`]) {
      const t = tally.get(key) ?? { detected: 0, decided: CUTS.map(() => 0), right: CUTS.map(() => 0) };
      t.detected++;
      CUTS.forEach((c, k) => {
        if (share < c) return;
        t.decided[k]!++;
        if (said === row.bit_order) t.right[k]!++;
      });
      tally.set(key, t);
    }
  }
} finally {
  await pool.dispose();
}
console.log(`${split}: detected sequential Starlight stego; per cut: decided/detected, right/decided (scanner cut ${BIT_ORDER_DECIDED})`);
for (const [key, t] of [...tally].sort())
  console.log(
    `${key.padEnd(16)} n=${String(t.detected).padStart(4)}  ` +
      CUTS.map((c, k) => `${c}: ${t.decided[k]}/${t.detected} ${t.right[k]}/${t.decided[k]}`).join('  '),
  );
