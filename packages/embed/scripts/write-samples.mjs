/* global process, console, TextEncoder */
// Write a sample of embedder outputs (every method x format x bit order, attacker variants, and
// the plain encoders in all their modes) plus manifest.json, for checking with other software:
//   node scripts/write-samples.mjs /tmp/embed-samples
//   /usr/bin/python3 scripts/check-pillow.py /tmp/embed-samples        (Debian: apt-get install python3-pil)
//   node scripts/check-sharp.mjs /tmp/embed-samples                   (needs `sharp` installed somewhere on NODE_PATH)
// Uses the built packages (npx nx run embed:build first).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as E from '../dist/index.js';

const out = process.argv[2] ?? '/tmp/embed-samples';
mkdirSync(out, { recursive: true });
const rng = new E.Rng(42);
const manifest = [];
const sha = (b) => createHash('sha256').update(b).digest('hex');

function cover(kind, w, h) {
  const ch = kind === 'rgba' ? 4 : kind === 'grey' ? 1 : 3;
  const c = E.syntheticCover(rng, rng.pick(['plasma', 'gaussian', 'shapes', 'noise']), w, h, ch);
  if (ch === 4) for (let i = 0; i < w * h; i++) if (c.data[i * 4 + 3] === 0) c.data[i * 4 + 3] = 1 + (i % 254);
  return c;
}
/** RGB(A) samples as a lossless reader must see them (for hashing). */
function expectedPixels(stego, channels) {
  const r = E.isIndexed(stego) ? E.toRaster(stego, 3) : stego.channels === channels ? stego : E.toRaster(stego, channels);
  return r.data;
}

let k = 0;
for (const method of E.EMBED_METHODS) {
  for (const format of E.METHOD_FORMATS[method]) {
    for (const bitOrder of ['msb-first', 'lsb-first']) {
      if ((method === 'exif' || method === 'eoi') && bitOrder === 'lsb-first') continue;
      for (const kind of method === 'alpha' ? ['rgba'] : method === 'palette' ? ['indexed', 'grey'] : ['rgb', 'rgba']) {
        const w = rng.int(33, 90);
        const h = rng.int(33, 90);
        const base = kind === 'indexed' ? E.toIndexed(cover('rgb', w, h)) : cover(kind, w, h);
        const text = `sample ${k}: ${method} in ${format}, ${bitOrder}; ünïcödé ✓`;
        const o = { method, format, payload: text };
        if (method === 'alpha' || method === 'palette' || method === 'lsb.rgb') o.bitOrder = bitOrder;
        if (method === 'exif') o.exifByteOrder = k % 2 ? 'MM' : 'II';
        if (method === 'eoi') o.marker = k % 2 === 0;
        const r = await E.embedPayload(base, o);
        const name = `${String(k++).padStart(3, '0')}-${method}-${format}-${kind}-${bitOrder}.${format}`;
        writeFileSync(join(out, name), r.file);
        const entry = { file: name, method, format, bitOrder: r.bitOrder, payload: text, width: base.width, height: base.height, lossless: format !== 'jpeg' };
        if (r.stego && format !== 'jpeg') {
          const channels = method === 'alpha' || (!E.isIndexed(r.stego) && r.stego.channels === 4) ? 4 : 3;
          entry.channels = channels;
          entry.pixelsSha256 = sha(expectedPixels(r.stego, channels));
        }
        manifest.push(entry);
      }
    }
  }
}
// Attacker variants and plain encoder modes.
const extras = [];
{
  const c = cover('rgb', 64, 48);
  const seq = E.embedLsbVariant(c, 'sequential LSB without a terminator, stepic style', {});
  extras.push(['variant-seq.png', E.encodePng(seq.stego)]);
  const keyed = E.embedLsbVariant(c, 'keyed scattered', { key: 'k', matching: true, lengthPrefix: true });
  extras.push(['variant-keyed.bmp', E.encodeBmp(keyed.stego)]);
  const rate = E.embedAtRate(cover('rgba', 64, 64), 0.25, { key: 7 });
  extras.push(['variant-rate.webp', await E.encodeImage(rate.stego, 'webp')]);
  extras.push(['variant-zip.jpg', E.appendData(await E.encodeImage(c, 'jpeg'), E.makeZip([{ name: 'a.txt', data: new TextEncoder().encode('zip!') }]))]);
  extras.push(['variant-text.png', E.encodePng(c, { text: [{ keyword: 'Comment', text: 'tEXt payload' }, { keyword: 'Z', text: 'zTXt payload', kind: 'zTXt' }, { keyword: 'I', text: 'iTXt ✓', kind: 'iTXt', compressed: true }] })]);
  extras.push(['variant-com-xmp.jpg', E.insertJpegSegments(await E.encodeImage(c, 'jpeg'), { comments: ['COM payload'], xmp: E.xmpPacket('XMP payload') })]);
  extras.push(['plain-grey.png', E.encodePng(cover('grey', 31, 17))]);
  const la = cover('rgba', 12, 9);
  for (let i = 0; i < 108; i++) la.data[i * 4 + 1] = la.data[i * 4 + 2] = la.data[i * 4];
  extras.push(['plain-la.png', E.encodePng(la, { colorType: 4 })]);
  extras.push(['plain-trns.png', E.encodePng(E.toIndexed(c), { transparency: [0, 100] })]);
  extras.push(['plain-interlaced.gif', E.encodeGif(E.toIndexed(c), { interlace: true, comment: 'hi', transparentIndex: 3 })]);
  extras.push(['plain-32.bmp', E.encodeBmp(c, { bits: 32, topDown: true })]);
  extras.push(['plain-lossy.webp', await E.encodeImage(cover('rgba', 40, 30), 'webp', { webpLossy: 70, exif: E.buildExif({}) })]);
  extras.push(['plain-1x1.gif', E.encodeGif({ width: 1, height: 1, indices: Uint8Array.of(0), palette: Uint8Array.of(1, 2, 3) })]);
  extras.push(['plain-1x1.png', E.encodePng({ width: 1, height: 1, channels: 4, data: Uint8Array.of(1, 2, 3, 4) })]);
}
for (const [name, bytes] of extras) {
  writeFileSync(join(out, name), bytes);
  manifest.push({ file: name, method: null });
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 1));
console.log(`wrote ${manifest.length} files to ${out}`);
