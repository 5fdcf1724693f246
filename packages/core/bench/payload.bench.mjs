/* global process, console, performance */
// Payload extraction speed: all five methods (both bit orders) on 512x512 images, decoding excluded.
// Usage: node bench/payload.bench.mjs [path to core's built entry, default ../dist/index.js]
// Prints p50/p95 per image kind and overall, in milliseconds. Not a test: nothing is asserted.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const entry = resolve(process.argv[2] ?? join(here, '../dist/index.js'));
const core = await import(pathToFileURL(entry).href);
const { decodeImage, extractPayloadFromImage } = core;
if (typeof extractPayloadFromImage !== 'function') {
  console.error(`${entry} does not export extractPayloadFromImage: add "export * from './payload/index.js'" to src/index.ts and build`);
  process.exit(1);
}

const SIDE = 512;
const shared = resolve(process.env.STARLIGHT_SHARED ?? join(here, '../../../../shared'));
const sampleDir = join(shared, 'data/starlight-sample-clean');

/** Nearest-neighbour resize of a decoded image's planes to SIDE x SIDE (keeps container fields). */
function resize(img) {
  const { width: w, height: h } = img;
  const n = SIDE * SIDE;
  const rgb = new Uint8Array(n * 3);
  const alpha = img.alpha ? new Uint8Array(n) : null;
  const indices = img.indices ? new Uint8Array(n) : null;
  for (let y = 0; y < SIDE; y++) {
    const sy = Math.floor((y * h) / SIDE);
    for (let x = 0; x < SIDE; x++) {
      const s = sy * w + Math.floor((x * w) / SIDE);
      const d = y * SIDE + x;
      rgb[3 * d] = img.rgb[3 * s];
      rgb[3 * d + 1] = img.rgb[3 * s + 1];
      rgb[3 * d + 2] = img.rgb[3 * s + 2];
      if (alpha) alpha[d] = img.alpha[s];
      if (indices) indices[d] = img.indices[s];
    }
  }
  return { ...img, width: SIDE, height: SIDE, rgb, alpha, indices };
}

function synthetic(kind, bytes) {
  const n = SIDE * SIDE;
  let s = 0x2545f491;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24);
  const base = { format: 'png', pillowFormat: 'PNG', width: SIDE, height: SIDE, exif: new Uint8Array(0), end: bytes.length, frames: 1, lossy: false, indices: null, palette: null };
  const rgb = new Uint8Array(n * 3);
  const alpha = new Uint8Array(n);
  if (kind === 'noise-rgba') for (let i = 0; i < rgb.length; i++) rgb[i] = rnd();
  if (kind === 'noise-rgba') for (let i = 0; i < n; i++) alpha[i] = rnd();
  if (kind === 'white-rgba') {
    rgb.fill(255);
    alpha.fill(255);
  }
  if (kind === 'gradient-rgba') {
    for (let i = 0; i < n; i++) {
      const x = i % SIDE;
      const y = (i / SIDE) | 0;
      rgb[3 * i] = x >> 1;
      rgb[3 * i + 1] = y >> 1;
      rgb[3 * i + 2] = (x + y) >> 2;
      alpha[i] = 255;
    }
  }
  return { ...base, mode: 'RGBA', rgb, alpha };
}

const images = [];
const files = existsSync(sampleDir) ? readdirSync(sampleDir).sort() : [];
for (const f of files.filter((_, i) => i % 3 === 0)) {
  const bytes = new Uint8Array(readFileSync(join(sampleDir, f)));
  const img = await decodeImage(bytes);
  images.push({ kind: `natural-${img.mode}-${img.format}`, img: img.width === SIDE && img.height === SIDE ? img : resize(img), bytes });
}
const stub = new Uint8Array(1024);
for (const k of ['noise-rgba', 'white-rgba', 'gradient-rgba']) for (let r = 0; r < 10; r++) images.push({ kind: k, img: synthetic(k, stub), bytes: stub });

// Warm up the JIT.
for (let r = 0; r < 5; r++) for (const { img, bytes } of images) extractPayloadFromImage(img, bytes);

const REPS = 20;
const all = [];
const byKind = new Map();
for (let r = 0; r < REPS; r++) {
  for (const { kind, img, bytes } of images) {
    const t = performance.now();
    extractPayloadFromImage(img, bytes);
    const ms = performance.now() - t;
    all.push(ms);
    if (!byKind.has(kind)) byKind.set(kind, []);
    byKind.get(kind).push(ms);
  }
}
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const fmt = (x) => x.toFixed(3).padStart(7);
console.log(`extractPayloadFromImage, all methods, ${SIDE}x${SIDE}, ${images.length} images x ${REPS} runs (Node ${process.version})`);
console.log(`${'kind'.padEnd(28)} ${'n'.padStart(5)}   p50 ms   p95 ms`);
for (const [k, xs] of [...byKind.entries()].sort()) console.log(`${k.padEnd(28)} ${String(xs.length).padStart(5)}  ${fmt(pct(xs, 0.5))}  ${fmt(pct(xs, 0.95))}`);
console.log(`${'ALL'.padEnd(28)} ${String(all.length).padStart(5)}  ${fmt(pct(all, 0.5))}  ${fmt(pct(all, 0.95))}`);
