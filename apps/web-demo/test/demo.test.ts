/**
 * The demo page in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
 * every reference fixture and every example image goes into the page (the examples by a synthetic
 * drop on the drop zone, the fixtures through the file input), and each result must match what
 * @starlight/runtime-node says about the same bytes: same sha256, same error code, or same verdict,
 * method, bit order and payload, with the probability within 1e-4.
 *
 * Needs the built demo (the nx target builds it: `npx nx run web-demo:test`) and Chromium
 * (`apt-get install -y --no-install-recommends chromium`, or set CHROMIUM_PATH).
 * Writes test-output/demo.png.
 */
import type { ScanResult, Scanner } from '@starlight/core';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { startServer } from '../serve.mjs';
import type { DemoEntry, DemoInfo } from '../src/main.js';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(APP, '../..');
const DIST = join(APP, 'dist');
const OUT = join(APP, 'test-output');
const SHARED = resolve(process.env.STARLIGHT_SHARED ?? join(ROOT, '../shared'));
const FIXTURES = join(SHARED, 'fixtures/starlight-v4/images');
const EXAMPLES = join(ROOT, 'examples');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOLERANCE = 1e-4;
const IMAGE_EXT = new Set(['.png', '.gif', '.jpg', '.jpeg', '.webp', '.bmp']);

/** Fails (never skips) with what to install or build when something the test needs is missing. */
function preflight(): void {
  const problems: string[] = [];
  if (!existsSync(CHROMIUM)) problems.push(`Chromium not found at ${CHROMIUM}: apt-get update && apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH).`);
  if (!existsSync(join(FIXTURES, '../manifest.json'))) problems.push(`reference fixtures not found at ${FIXTURES}: set STARLIGHT_SHARED to the shared/ folder.`);
  const built = join(DIST, 'main.js');
  if (!existsSync(join(DIST, 'index.html')) || !existsSync(built)) {
    problems.push(`the demo is not built (${DIST}): npx nx run web-demo:build`);
  } else {
    const newer = [...readdirSync(join(APP, 'src')).map((f) => join(APP, 'src', f)), join(ROOT, 'packages/runtime-web/dist/index.js'), join(ROOT, 'packages/core/dist/index.js')].filter(
      (f) => existsSync(f) && statSync(f).mtimeMs > statSync(built).mtimeMs,
    );
    if (newer.length) problems.push(`dist/main.js is older than ${newer.join(', ')}: rebuild with npx nx run web-demo:build`);
  }
  if (problems.length) assert.fail(`the web demo test cannot run:\n  - ${problems.join('\n  - ')}`);
}

/** A dependency, or a failure saying how to get it. */
async function need<T>(load: () => Promise<T>, how: string): Promise<T> {
  try {
    return await load();
  } catch (e) {
    return assert.fail(`${how}\n  (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}

/** Differences between Node's result and the page's for one file (empty when they agree). */
function compare(node: ScanResult, web: ScanResult): string[] {
  const diffs: string[] = [];
  const same = (field: string, a: unknown, b: unknown): void => {
    if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push(`${field}: node ${JSON.stringify(a)}, web ${JSON.stringify(b)}`);
  };
  same('sha256', node.sha256, web.sha256);
  same('error.code', node.error?.code ?? null, web.error?.code ?? null);
  if (node.error || web.error) return diffs;
  for (const k of ['format', 'width', 'height', 'mode', 'stego', 'method', 'bitOrder', 'payload', 'model'] as const) same(k, node[k], web[k]);
  const dp = Math.abs(node.probability! - web.probability!);
  if (!(dp <= TOLERANCE)) diffs.push(`probability: node ${node.probability}, web ${web.probability} (|Δ| ${dp.toExponential(2)})`);
  for (const key of ['methodProbabilities', 'bitOrderProbabilities'] as const) {
    const w = (web[key] ?? {}) as Record<string, number>;
    for (const [m, p] of Object.entries(node[key] ?? {})) {
      const q = w[m];
      if (!(q !== undefined && Math.abs(p - q) <= TOLERANCE)) diffs.push(`${key}.${m}: node ${p}, web ${q}`);
    }
  }
  return diffs;
}

test('the demo page scans every fixture and example exactly like @starlight/runtime-node', { timeout: 15 * 60_000 }, async (t) => {
  preflight();
  const { chromium } = await need(() => import('playwright-core'), 'playwright-core is missing: run `ONNXRUNTIME_NODE_INSTALL=skip npm install` at the repository root.');
  const runtimeNode = await need(
    () => import('@starlight/runtime-node'),
    '@starlight/runtime-node is not built or not installed: npx nx run runtime-node:build (the web-demo:test target does it).',
  );

  // Every fixture (the corrupt and truncated ones and the .bin too); the examples folder's images.
  const fixtures = readdirSync(FIXTURES).sort().map((name) => ({ name, path: join(FIXTURES, name) }));
  const examples = readdirSync(EXAMPLES)
    .filter((name) => IMAGE_EXT.has(extname(name).toLowerCase()))
    .sort()
    .map((name) => ({ name, path: join(EXAMPLES, name) }));
  assert.ok(fixtures.length > 100 && examples.length > 0, `expected the fixtures and examples (got ${fixtures.length} and ${examples.length})`);
  // Page order: the examples (dropped) first, then the fixtures (file input).
  const files = [...examples, ...fixtures];

  // The reference: Node, onnxruntime-node, the shipped model.
  let started = performance.now();
  const scanner: Scanner = await runtimeNode.createScanner();
  const reference: ScanResult[] = [];
  try {
    for (const f of files) reference.push(await scanner.scan(new Uint8Array(readFileSync(f.path))));
  } finally {
    await scanner.dispose();
  }
  const nodeMs = performance.now() - started;

  const server = await startServer({ dir: DIST, mounts: { '/test-files/examples/': EXAMPLES } });
  const origin = new URL(server.url).origin;
  let browser: Browser | undefined;
  try {
    browser = await chromium
      .launch({
        executablePath: CHROMIUM,
        // Loopback only: any other host resolves to nothing, so a stray CDN or font request fails loudly.
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
        timeout: 30_000,
      })
      .catch((e: unknown) => assert.fail(`Chromium at ${CHROMIUM} failed to start: ${e instanceof Error ? e.message : String(e)}`));
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    const fetched: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('request', (r) => {
      const url = r.url();
      if (url.startsWith(origin)) fetched.push(new URL(url).pathname);
      else if (!/^(blob|data):/.test(url)) problems.push(`request outside the page's origin: ${url}`);
    });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} for ${r.url()}`));

    started = performance.now();
    await page.goto(server.url, { waitUntil: 'load' });
    const info: DemoInfo = await page.evaluate(() => window.starlightDemo.ready);
    assert.equal(info.crossOriginIsolated, true, 'serve.mjs sends COOP/COEP, so the page must be cross-origin isolated');

    // 1. A synthetic drop on the drop zone: a DataTransfer made in the page from fetched bytes.
    await page.evaluate(async (names) => {
      const data = new DataTransfer();
      for (const name of names) {
        const res = await fetch(`/test-files/examples/${encodeURIComponent(name)}`);
        data.items.add(new File([await res.arrayBuffer()], name, { type: res.headers.get('content-type') ?? '' }));
      }
      const zone = document.querySelector('#drop')!;
      for (const type of ['dragenter', 'dragover', 'drop']) zone.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      await window.starlightDemo.idle();
    }, examples.map((f) => f.name));

    // 2. The file input, with every fixture (the corrupt and truncated ones too).
    await page.setInputFiles('#files', fixtures.map((f) => f.path));
    await page.evaluate(() => window.starlightDemo.idle());
    const pageMs = performance.now() - started;

    const entries: DemoEntry[] = await page.evaluate(() => window.starlightDemo.results);
    assert.equal(entries.length, files.length, 'one result per file');
    let maxDp = 0;
    const mismatches: string[] = [];
    for (const [i, f] of files.entries()) {
      const entry = entries[i]!;
      const node = reference[i]!;
      const diffs = entry.name === f.name ? compare(node, entry.result) : [`the page's entry ${i} is ${entry.name}`];
      if (diffs.length) mismatches.push(`${f.name}:\n      ${diffs.join('\n      ')}`);
      if (node.probability !== null && entry.result.probability !== null) maxDp = Math.max(maxDp, Math.abs(node.probability - entry.result.probability));
    }

    // The table shows the same: one row per file in order, its verdict, the payload text, the error code.
    const rows = await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => ({ file: tr.getAttribute('data-file'), state: tr.getAttribute('data-state'), text: tr.textContent ?? '' })));
    const shown: string[] = [];
    for (const [i, f] of files.entries()) {
      const row = rows[i];
      const r = reference[i]!;
      const state = r.error ? 'error' : r.stego ? 'stego' : 'clean';
      if (row?.file !== f.name || row.state !== state) shown.push(`row ${i}: ${row?.file} ${row?.state}, expected ${f.name} ${state}`);
      else if (r.error && !row.text.includes(r.error.code)) shown.push(`${f.name}: no ${r.error.code} in the row`);
      else if (r.payload?.text && !row.text.includes(r.payload.text.replace(/\r?\n/g, ' ↵ ').slice(0, 40))) shown.push(`${f.name}: the payload text is not in the row`);
    }
    if (rows.length !== files.length) shown.push(`${rows.length} rows for ${files.length} files`);

    mkdirSync(OUT, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(OUT, 'demo.png') });

    const ort = [...new Set(fetched.filter((p) => p.startsWith('/ort/') || p.endsWith('.onnx')))].sort();
    const count = (state: string) => rows.filter((r) => r.state === state).length;
    t.diagnostic(`${files.length} files compared (${examples.length} examples dropped, ${fixtures.length} fixtures via the file input): ${count('stego')} stego, ${count('clean')} clean, ${count('error')} errors`);
    t.diagnostic(`max |Δprobability| ${maxDp.toExponential(2)}; tolerance ${TOLERANCE}`);
    t.diagnostic(`page: ${info.backend}, ${info.threads} thread(s), cross-origin isolated ${info.crossOriginIsolated}, model loaded in ${info.loadMs} ms; fetched ${ort.join(', ')}`);
    t.diagnostic(`time: Node reference ${(nodeMs / 1000).toFixed(1)} s, page (load + all scans) ${(pageMs / 1000).toFixed(1)} s; screenshot ${join(OUT, 'demo.png')}`);

    assert.deepEqual(mismatches, [], `the page disagrees with Node on ${mismatches.length} file(s)`);
    assert.deepEqual(shown, [], 'the results table does not show what the scans found');
    assert.deepEqual(problems, [], 'the page logged errors or made failed or foreign requests');
    assert.ok(ort.includes('/ort/ort-wasm-simd-threaded.wasm') && ort.includes('/starlight.onnx'), `expected the wasm runtime and the model to be fetched, got ${ort.join(', ')}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await server.close();
  }
});
