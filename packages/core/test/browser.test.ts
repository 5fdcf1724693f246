/**
 * The Starlight V4 parity suite (parity-suite.ts, the same checks parity.test.ts runs in Node)
 * in real headless Chromium, against the BUILT package (dist/index.js bundled for the browser).
 * Fails, never skips, when Chromium or the build is missing.
 *
 * Prerequisites: `apt-get install -y --no-install-recommends chromium` (or CHROMIUM_PATH=...),
 * and a build: `cd /work/main && npx nx run core:build` (core:test depends on it).
 * Run alone: cd packages/core && node --experimental-vm-modules --no-warnings \
 *   ../../node_modules/jest/bin/jest.js --ci test/browser.test.ts
 *
 * Using the harness standalone (e.g. from bench/run.mjs), with cwd = packages/core:
 *
 *   // harness.ts is TypeScript and Node 20 cannot import it directly: bundle it for Node first.
 *   import { build } from 'esbuild';
 *   await build({ entryPoints: ['test/browser/harness.ts'], bundle: true, platform: 'node', format: 'esm',
 *                 packages: 'external', outfile: 'test-output/harness-node/harness.mjs', logLevel: 'warning' });
 *   const { startBrowserHarness } = await import(new URL('../test-output/harness-node/harness.mjs', import.meta.url).href);
 *   const h = await startBrowserHarness();                 // { page, url, fixturesUrl, bench, close, ... }
 *   try {
 *     const bytes = new Uint8Array(readFileSync(file));
 *     const ms = await h.bench(bytes, 30, 2);              // per-iteration ms of extractStreams in Chromium
 *     // or in the page: await h.page.evaluate(() => globalThis.starlight.bench('/fixtures/images/clean-0003.jpg', 30))
 *   } finally {
 *     await h.close();                                     // browser and server
 *   }
 *
 * The page API (globalThis.starlight: parity, bench, benchBase64) is documented in browser/entry.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
// Node runs the same artifact as the page, so a browser/Node difference can only be the runtime's.
import * as nodeCore from '../dist/index.js';
import { entries, readImage, sha256 } from './helpers/fixtures.js';
import { startBrowserHarness, type BrowserHarness } from './browser/harness.js';
import type { StarlightPageApi } from './browser/entry.js';
import { runParity, summarizeFailure, type ParityEntry, type ParityResult } from './parity-suite.js';

const all = entries();
const ok = all.filter((e) => !e.error);
const bad = all.filter((e) => e.error);

let harness: BrowserHarness | null = null;
const browser = new Map<string, ParityResult>();
const node = new Map<string, ParityResult>();
let browserMs = 0;

beforeAll(async () => {
  harness = await startBrowserHarness();
  const h = harness;
  const t0 = Date.now();
  // The page and Node work at the same time (Chromium runs in its own processes).
  const inBrowser = h.page
    .evaluate(
      ([fixturesUrl, list]) => (globalThis.starlight as StarlightPageApi).parity({ fixturesUrl, entries: list }),
      [h.fixturesUrl, all as ParityEntry[]] as const,
    )
    .then((results) => {
      browserMs = Date.now() - t0;
      return results;
    });
  const inNode = async (): Promise<ParityResult[]> => {
    // Yield first so the evaluate call reaches the page before Node's own CPU-bound run.
    await new Promise((ok) => setTimeout(ok, 50));
    return runParity(
      nodeCore,
      all.map((e) => ({ file: e.file, bytes: readImage(e.file), entry: e })),
      sha256,
    );
  };
  const [browserResults, nodeResults] = await Promise.all([inBrowser, inNode()]);
  for (const r of browserResults) browser.set(r.file, r);
  for (const r of nodeResults) node.set(r.file, r);
}, 150_000); // ~20-35 s on a quiet 2-core box; generous for a loaded one

afterAll(async () => {
  await harness?.close();
});

function resultFor(file: string): ParityResult {
  const r = browser.get(file);
  if (!r) throw new Error(`no browser result for ${file}`);
  return r;
}

describe('Starlight V4 stream parity in headless Chromium', () => {
  it('runs in Chromium, with no page errors and no non-loopback requests', async () => {
    const ua = await harness!.page.evaluate(() => (globalThis.starlight as StarlightPageApi).userAgent);
    expect(ua).toMatch(/HeadlessChrome\//);
    expect(harness!.errors).toEqual([]);
    expect(harness!.buildWarnings).toEqual([]);
  });

  it('covers the whole fixture set', () => {
    expect(ok.length).toBe(146);
    expect(bad.length).toBe(7);
    expect([...browser.keys()].sort()).toEqual(all.map((e) => e.file).sort());
    // One line for the log: how long the whole set took in the page.
    const passed = [...browser.values()].filter((r) => r.pass).length;
    console.log(`Chromium: ${passed}/${browser.size} fixtures pass (${ok.filter((e) => resultFor(e.file).pass).length}/${ok.length} bit-exact) in ${browserMs} ms`);
  });

  it.each(ok.map((e) => [e.file, e] as const))('%s: all eight streams are bit-exact', (_f, e) => {
    const r = resultFor(e.file);
    expect(r.error).toBeUndefined();
    expect(r.checks.filter((c) => !c.pass)).toEqual([]);
    expect(r.streams.map((s) => s.name)).toEqual([...nodeCore.STREAM_NAMES]);
    expect(r.streams.filter((s) => !s.equal).map((s) => `${s.name}${s.equalShare !== undefined ? ` (${(100 * s.equalShare).toFixed(3)}% of values equal)` : ''}`)).toEqual([]);
    expect([r.pass, summarizeFailure(r)]).toEqual([true, `${e.file}: ok`]);
    // And the browser computed exactly what Node computes.
    expect(r.streams.map((s) => [s.name, s.sha256])).toEqual(node.get(e.file)!.streams.map((s) => [s.name, s.sha256]));
  });

  it.each(bad.map((e) => [e.file, e] as const))('%s: rejected with a typed error like the reference', (_f, e) => {
    const r = resultFor(e.file);
    expect(r.error).toBeDefined();
    expect(r.error!.typed).toBe(true);
    if (/truncated|could not create decoder/.test(e.error!.message)) expect(r.error!.code).toBe('E_TRUNCATED');
    else expect(['E_UNSUPPORTED_FORMAT', 'E_CORRUPT_IMAGE']).toContain(r.error!.code);
    expect([r.pass, summarizeFailure(r)]).toEqual([true, `${e.file}: ok`]);
    expect(r.error!.code).toBe(node.get(e.file)!.error?.code);
  });

  it('bench() times extractStreams in the page', async () => {
    const file = ok.find((e) => /\.jpe?g$/.test(e.file))!.file;
    const ms = await harness!.bench(readImage(file), 3);
    expect(ms).toHaveLength(3);
    for (const t of ms) expect(t).toBeGreaterThanOrEqual(0);
  });
});
