#!/usr/bin/env node
/* global console, performance, process -- Node globals (the root eslint config declares none for plain JS) */
/**
 * Builds the static demo into dist/:
 *   index.html, style.css            from src/
 *   main.js (+ chunks/)              src/main.ts bundled by esbuild (browser, esm, code splitting)
 *   ort/ort-wasm-simd-threaded.{mjs,wasm}
 *                                    onnxruntime-web's wasm runtime (the only files its wasm EP loads)
 *   starlight.onnx                   @starlight/model's detector
 * Nothing is fetched from anywhere else at run time.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
const require = createRequire(import.meta.url);

/** Copied as is: [source, destination inside dist/]. @type {[string, string][]} */
const assets = [
  [join(here, 'src/index.html'), 'index.html'],
  [join(here, 'src/style.css'), 'style.css'],
  // With env.wasm.wasmPaths set (main.ts does), onnxruntime-web imports this .mjs (the Emscripten
  // glue, which also starts the pthread workers) and fetches the .wasm next to it.
  [require.resolve('onnxruntime-web/ort-wasm-simd-threaded.mjs'), 'ort/ort-wasm-simd-threaded.mjs'],
  [require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'), 'ort/ort-wasm-simd-threaded.wasm'],
  [require.resolve('@starlight/model/starlight.onnx'), 'starlight.onnx'],
];

const t0 = performance.now();
rmSync(out, { recursive: true, force: true });
const result = await build({
  entryPoints: [join(here, 'src/main.ts')],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  // onnxruntime-web's "extern wasm" build: without the Emscripten glue inlined, since we serve it
  // from ort/ ourselves (the default "bundle" build would carry a second, unused copy).
  conditions: ['onnxruntime-web-use-extern-wasm'],
  outdir: out,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  absWorkingDir: here,
});
for (const [from, to] of assets) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(from, join(out, to));
}
const size = (/** @type {string} */ f) => `${(statSync(join(out, f)).size / 1024).toFixed(0)} KiB`;
console.log(
  `web-demo: built ${relative(process.cwd(), out) || '.'}/ in ${Math.round(performance.now() - t0)} ms ` +
    `(main.js ${size('main.js')}, ort wasm ${size('ort/ort-wasm-simd-threaded.wasm')}, model ${size('starlight.onnx')})` +
    (result.warnings.length ? `, ${result.warnings.length} warning(s)` : ''),
);
