/**
 * How much the JPEG DCT input (@starlight/core features/dct.ts) can see on its own, on natural
 * photographs rather than the dataset's icons and game art: every JPEG of at least 100 KB under the
 * given folders (wallpapers and photographs of the held-out packages), box-downscaled to at most
 * 512 px, written as a JPEG (q75-90, Annex K tables), then re-packed (clean) and embedded by each
 * DCT tool at 0.05, 0.2 and 0.5 bits per non-zero AC coefficient. Writes one JSON line per file
 * (cover index, tool, rate, the 121 features); tools/train/dct_probe.py fits a linear classifier
 * on half the covers and reports the other half.
 *
 * Usage: tsx tools/data/src/dct-probe.ts <out.jsonl> <folder>...
 */
import { decodeImage, decodeJpegCoefficients, dctFeatures } from '@starlight/core';
import { DCT_TOOLS, Rng, dctCapacity, embedDct, encodeImage, repackJpeg } from '@starlight/embed';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boxDownscale } from './photo.js';

const RATES = [0.05, 0.2, 0.5];
const SIDE = 512;

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (/\.jpe?g$/i.test(e.name) && statSync(p).size >= 100_000) yield p;
  }
}

async function main(): Promise<void> {
  const [outFile, ...dirs] = process.argv.slice(2);
  if (!outFile || !dirs.length) throw new Error('usage: dct-probe.ts <out.jsonl> <folder>...');
  const rng = new Rng(2026);
  const lines: string[] = [];
  const feats = (f: Uint8Array): number[] => Array.from(dctFeatures(decodeJpegCoefficients(f)), (v) => Math.round(v * 1e6) / 1e6);
  let cover = 0;
  for (const dir of dirs) {
    for (const path of walk(dir)) {
      let img;
      try {
        img = await decodeImage(new Uint8Array(readFileSync(path)));
      } catch {
        continue;
      }
      const jpeg = await encodeImage(boxDownscale({ width: img.width, height: img.height, channels: 3, data: img.rgb }, SIDE), 'jpeg', { jpegQuality: rng.int(75, 90), jpegTables: 'annex-k' });
      lines.push(JSON.stringify({ cover, tool: 'clean', rate: 0, f: feats(repackJpeg(jpeg)) }));
      const key = rng.int(1, 1e9);
      const cap = dctCapacity(jpeg, key);
      for (const tool of DCT_TOOLS) {
        for (const rate of RATES) {
          const n = Math.min(cap.bytes[tool], Math.round((rate * cap.nonZeroAc) / 8));
          if (n < 1) continue;
          const r = embedDct(jpeg, rng.bytes(n), { tool, key });
          lines.push(JSON.stringify({ cover, tool, rate, f: feats(r.file) }));
        }
      }
      cover++;
    }
  }
  writeFileSync(outFile, lines.join('\n') + '\n');
  console.log(`${cover} covers, ${lines.length} files -> ${outFile}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
