/**
 * Detection on the test split by method, variant and, for the Starlight LSB methods, payload kind:
 * text or binary, read back with the known method and bit order. (Random-byte payloads in LSB planes
 * carry no framing evidence beyond their terminator; this shows how much of the miss rate they are.)
 * The other lsb.rgb variants are split by embedding rate, in payload bits per colour value (bpc):
 * statistical detection at a low false-positive rate needs a rate well above 0.05.
 *
 * Usage: tsx tools/data/src/misses.ts <dataset-dir> <run-dir>   (run-dir: torch_stego_logit.npy + model.json)
 */
import { decodeImage, extractPayloadFromImage, type BitOrder, type PayloadMethod } from '@starlight/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [ds, run] = process.argv.slice(2);
if (!ds || !run) throw new Error('usage: misses.ts <dataset-dir> <run-dir>');
const rows = readFileSync(join(ds, 'shards/test/rows.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
interface Row {
  file: string;
  stego: number;
  method: PayloadMethod;
  bit_order: BitOrder | null;
  variant: string;
  width: number;
  height: number;
  payload_len: number | null;
}
const BPC = [0.05, 0.2, 0.5];
const npy = readFileSync(join(run, 'torch_stego_logit.npy'));
const logits = new Float32Array(npy.buffer.slice(npy.byteOffset + 10 + npy.readUInt16LE(8), npy.byteOffset + npy.length));
const { threshold } = JSON.parse(readFileSync(join(run, 'model.json'), 'utf8')) as { threshold: number };
const cut = Math.log(threshold / (1 - threshold));
const tally = new Map<string, [number, number]>();
for (let i = 0; i < rows.length; i++) {
  const r = rows[i]!;
  if (!r.stego) continue;
  const method = r.method;
  let kind = '';
  if (r.variant === 'starlight' && (method === 'alpha' || method === 'palette' || method === 'lsb.rgb')) {
    const bytes = new Uint8Array(readFileSync(join(ds, r.file)));
    const report = extractPayloadFromImage(await decodeImage(bytes), bytes, { method, ...(r.bit_order ? { bitOrder: r.bit_order } : {}) });
    const c = report.candidates.find((x) => x.channel === undefined);
    kind = c && c.length > 0 && c.text !== null ? ' text' : ' binary';
  } else if (method === 'lsb.rgb' && r.payload_len) {
    const bpc = (r.payload_len * 8) / (r.width * r.height * (r.variant === 'lsb-one-channel' ? 1 : 3));
    const k = BPC.findIndex((b) => bpc < b);
    kind = k < 0 ? ` bpc>=${BPC[BPC.length - 1]}` : k === 0 ? ` bpc<${BPC[0]}` : ` bpc ${BPC[k - 1]}-${BPC[k]}`;
  }
  const key = `${method} ${r.variant}${kind}`;
  const t = tally.get(key) ?? [0, 0];
  t[1]++;
  if (logits[i]! > cut) t[0]++;
  tally.set(key, t);
}
for (const [k, [d, n]] of [...tally].sort()) console.log(`${k.padEnd(32)} ${`${d}/${n}`.padStart(9)}  ${((100 * d) / n).toFixed(1)} %`);
