/**
 * End-to-end check of "what does it say": scan every test-split stego file with the real scanner
 * (@starlight/runtime-node, the model under test, its frozen threshold) and compare the payload the
 * scan reports with the one the generator embedded (manifest: payload_sha256, payload_b64).
 *
 * A payload counts as recovered when its bytes, or its text as UTF-8, hash to the embedded payload;
 * when the embedder cut the payload to the cover's capacity, when the reported bytes are a prefix of
 * it; for a UNICODE UserComment, when they are the UTF-16 of the payload as the embedder decoded it.
 * Counted for the Starlight framings (the five methods) and for files appended after the image (eoi). Metadata-text and headerless LSB attacks have no single right answer (a field may hold the
 * payload encoded; a keyed payload has no framing) and are left out.
 *
 * Usage: tsx tools/data/src/recovery.ts <dataset-dir> <model.onnx> [--out recovery.json]
 */
import { userCommentValue } from '@starlight/embed';
import { createScanner } from '@starlight/runtime-node';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestRow } from './rows.js';

interface Tally {
  n: number;
  detected: number;
  methodRight: number;
  reported: number;
  recovered: number;
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
/** A UNICODE UserComment's message bytes, as @starlight/embed writes them (its 8-byte character code dropped). */
const utf16 = (s: string, order: 'II' | 'MM'): Uint8Array => userCommentValue(s, 'unicode', order).subarray(8);
const hexBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));

async function main(): Promise<void> {
  const [dataset, model] = process.argv.slice(2);
  if (!dataset || !model) throw new Error('usage: recovery.ts <dataset-dir> <model.onnx> [--out file]');
  const oi = process.argv.indexOf('--out');
  const out = oi > 0 ? process.argv[oi + 1]! : null;
  const rows = readFileSync(join(dataset, 'manifest.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ManifestRow)
    .filter((r) => r.split === 'test' && r.stego === 1 && (r.variant === 'starlight' || r.variant.startsWith('append-')));
  if (rows.some((r) => !r.payload_sha256)) throw new Error('the manifest records no payload_sha256: rebuild the dataset (tools/data/src/build.ts)');
  const scanner = await createScanner({ model, threads: 1 });
  const by: Record<string, Tally> = {};
  const misses: string[] = [];
  const t0 = Date.now();
  for (const r of rows) {
    const res = await scanner.scan(new Uint8Array(readFileSync(join(dataset, r.file))));
    const key = r.variant === 'starlight' ? r.method! : 'eoi (appended file)';
    const t = (by[key] ??= { n: 0, detected: 0, methodRight: 0, reported: 0, recovered: 0 });
    t.n++;
    if (!res.stego) continue;
    t.detected++;
    if (res.method === r.method) t.methodRight++;
    const p = res.payload;
    if (!p) continue;
    t.reported++;
    const bytes = hexBytes(p.hex);
    const embedded = r.payload_b64 ? Uint8Array.from(Buffer.from(r.payload_b64, 'base64')) : null;
    const asText = p.text !== null ? new TextEncoder().encode(p.text) : null;
    let exact = sha(bytes) === r.payload_sha256 || (asText !== null && sha(asText) === r.payload_sha256);
    if (!exact && r.method === 'exif' && embedded) {
      // A UNICODE UserComment holds text: the embedder wrote bytes that are not UTF-8 as their lossy
      // UTF-8 decoding (U+FFFD), in UTF-16 of either byte order. That is the message it holds.
      const lossy = new TextDecoder().decode(embedded);
      exact = p.text === lossy || [utf16(lossy, 'II'), utf16(lossy, 'MM')].some((u) => u.length === bytes.length && u.every((b, i) => b === bytes[i]));
    }
    const prefix = r.payload_truncated === true && embedded !== null && bytes.length > 0 && bytes.length <= embedded.length && bytes.every((b, i) => b === embedded[i]);
    if (exact || prefix) t.recovered++;
    else if (misses.length < 20) misses.push(`${r.file} ${key}: reported ${p.method}/${p.bitOrder ?? '-'} ${p.length} B, embedded ${r.payload_len} B`);
  }
  await scanner.dispose();
  const total = Object.values(by).reduce((a, t) => ({ n: a.n + t.n, detected: a.detected + t.detected, methodRight: a.methodRight + t.methodRight, reported: a.reported + t.reported, recovered: a.recovered + t.recovered }));
  const report = { rows: rows.length, seconds: (Date.now() - t0) / 1000, total, by, misses };
  if (out) writeFileSync(out, JSON.stringify(report, null, 1) + '\n');
  console.log(JSON.stringify(report, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
