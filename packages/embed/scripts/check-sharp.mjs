/* global process, console */
// Check embedder samples with sharp (libvips): every file it supports opens and decodes, at the
// right size, and lossless pixels hash as the embedder says. BMP is not a libvips format (skipped).
// Usage: NODE_PATH=/path/to/node_modules node scripts/check-sharp.mjs DIR
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const require = createRequire(join(process.cwd(), 'x.js'));
const sharp = require(require.resolve('sharp', { paths: (process.env.NODE_PATH ?? '').split(':').filter(Boolean) }));
const dir = process.argv[2];
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
let ok = 0, bad = 0, skipped = 0;
for (const e of manifest) {
  if (e.file.endsWith('.bmp')) { skipped++; continue; }
  try {
    const s = sharp(readFileSync(join(dir, e.file)));
    const meta = await s.metadata();
    const problems = [];
    if (e.width && (meta.width !== e.width || meta.height !== e.height)) problems.push(`size ${meta.width}x${meta.height}`);
    if (e.pixelsSha256) {
      let img = sharp(readFileSync(join(dir, e.file)));
      img = e.channels === 4 ? img.ensureAlpha() : img.removeAlpha();
      const { data } = await img.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      if (createHash('sha256').update(data).digest('hex') !== e.pixelsSha256) problems.push('pixels differ');
    }
    if (e.method === 'exif' && !meta.exif) problems.push('no exif');
    if (problems.length) { bad++; console.log('FAIL', e.file, problems.join('; ')); } else ok++;
  } catch (err) {
    bad++;
    console.log('FAIL', e.file, err.message);
  }
}
console.log(`sharp ${sharp.versions?.sharp ?? ''}: ${ok} passed, ${bad} failed, ${skipped} skipped (BMP)`);
process.exit(bad ? 1 : 0);
