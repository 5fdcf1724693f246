/* global process, console, performance */
// JPEG DCT-domain inputs: decodeJpegCoefficients (entropy decoding alone) and dctFeatures (calibration,
// histograms, Markov transitions) against decodeImage (pixels) of the same files: the shared sample
// JPEGs (256x256) and jpeg-js encodings of textured images at 512, 1024 and 2048 px (q85).
// Usage: node bench/dct.bench.mjs [path to core's built entry, default ../dist/index.js]
// Prints p50/p95 per group in milliseconds. Not a test: nothing is asserted.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const entry = resolve(process.argv[2] ?? join(here, '../dist/index.js'));
const { decodeImage, decodeJpegCoefficients, dctFeatures } = await import(pathToFileURL(entry).href);
const jpeg = createRequire(import.meta.url)('jpeg-js');
const shared = resolve(process.env.STARLIGHT_SHARED ?? join(here, '../../../../shared'));
const sampleDir = join(shared, 'data/starlight-sample-clean');

function textured(side) {
  const d = new Uint8Array(side * side * 4);
  let s = 7;
  for (let i = 0; i < side * side; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const x = i % side;
    const y = (i / side) | 0;
    const v = 128 + 60 * Math.sin(x / 23) * Math.cos(y / 31) + ((s >>> 24) % 21) - 10;
    d[4 * i] = v;
    d[4 * i + 1] = v * 0.8 + 20;
    d[4 * i + 2] = 255 - v;
    d[4 * i + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ data: d, width: side, height: side }, 85).data);
}

const groups = [
  ['sample 256x256', readdirSync(sampleDir).filter((f) => /\.jpe?g$/.test(f)).map((f) => new Uint8Array(readFileSync(join(sampleDir, f))))],
  ...[512, 1024, 2048].map((side) => [`jpeg-js ${side}x${side}`, Array.from({ length: 5 }, () => textured(side))]),
];

const q = (a, p) => a.slice().sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))];
console.log('group                  files  coefficients p50/p95   features p50/p95   pixels (decodeImage) p50/p95   ms');
for (const [name, files] of groups) {
  const t = { coef: [], feat: [], px: [] };
  for (let rep = 0; rep < 3; rep++) {
    for (const f of files) {
      const t0 = performance.now();
      const co = decodeJpegCoefficients(f);
      const t1 = performance.now();
      dctFeatures(co);
      const t2 = performance.now();
      await decodeImage(f);
      const t3 = performance.now();
      if (rep === 0) continue; // warm-up
      t.coef.push(t1 - t0);
      t.feat.push(t2 - t1);
      t.px.push(t3 - t2);
    }
  }
  const f2 = (a) => `${q(a, 0.5).toFixed(2)}/${q(a, 0.95).toFixed(2)}`;
  console.log(`${name.padEnd(22)} ${String(files.length).padStart(5)}  ${f2(t.coef).padStart(20)}  ${f2(t.feat).padStart(17)}  ${f2(t.px).padStart(29)}`);
}
