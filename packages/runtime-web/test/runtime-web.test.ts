import type { ScanResult } from '@starlight/core';
import { MODEL_URL } from '@starlight/model';
import { nodeBackend } from '@starlight/runtime-node';
import { build } from 'esbuild';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { IMAGE_FILES, nodeContextFiles } from '../../../tools/conformance/node-context.js';
import { conformanceCases, TOLERANCE } from '../../../tools/conformance/suite.js';
import { webBackend } from '../dist/index.js';

const files = nodeContextFiles();
const ROOT = resolve(process.cwd(), '../..');
const OUT = join(process.cwd(), 'test-output/browser');

/** The reference: onnxruntime-node's results for the same images. */
async function nodeReference(): Promise<Record<string, ScanResult>> {
  const scan = conformanceCases.find((c) => c.name.startsWith('scan:'))!;
  const r = (await scan.run({ backend: nodeBackend(), ...files })) as { results: Record<string, ScanResult> };
  return r.results;
}

describe('conformance: onnxruntime-web (wasm) in Node', async () => {
  const ctx = { backend: webBackend(), ...files, reference: await nodeReference() };
  for (const c of conformanceCases) test(c.name, async () => void (await c.run(ctx)));
});

describe('conformance: onnxruntime-web in headless Chromium', () => {
  test('every case passes in the page, and scans match onnxruntime-node within 1e-4', async () => {
    const exe = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    assert.ok(existsSync(exe), `Chromium not found at ${exe}: apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH)`);
    mkdirSync(OUT, { recursive: true });
    await build({
      entryPoints: [join(process.cwd(), 'test/browser-entry.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(OUT, 'entry.js'),
      logLevel: 'error',
      // onnxruntime-web loads its wasm glue at run time from wasmPaths (/ort/), not from the bundle.
      external: ['*.wasm'],
    });
    const ortDist = join(ROOT, 'node_modules/onnxruntime-web/dist');
    const routes: Record<string, string> = {
      '/': '',
      '/entry.js': join(OUT, 'entry.js'),
      '/models/starlight.onnx': fileURLToPath(MODEL_URL),
      '/models/evidence-only.onnx': join(ROOT, 'packages/core/test-data/models/evidence-only.onnx'),
    };
    for (const f of IMAGE_FILES) routes[`/images/${encodeURIComponent(basename(f))}`] = f;
    const server = createServer((req, res) => {
      const url = (req.url ?? '/').split('?')[0]!;
      let path = routes[url];
      if (url.startsWith('/ort/') && /^[\w.-]+$/.test(url.slice(5))) path = join(ortDist, url.slice(5));
      // Cross-origin isolation, so that onnxruntime-web may use wasm threads.
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      if (path === '') {
        res.setHeader('Content-Type', 'text/html');
        return res.end('<!doctype html><meta charset="utf-8"><script type="module" src="/entry.js"></script>');
      }
      if (!path || !existsSync(path)) return res.writeHead(404).end();
      const type = path.endsWith('.js') || path.endsWith('.mjs') ? 'text/javascript' : path.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
      res.setHeader('Content-Type', type);
      res.end(readFileSync(path));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const browser = await chromium.launch({
      executablePath: exe,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => typeof (globalThis as Record<string, unknown>).conformance === 'function', null, { timeout: 60_000 });
      const reference = await nodeReference();
      const names = IMAGE_FILES.map((f) => basename(f));
      const out = (await page.evaluate(
        ([n, ref]) => (globalThis as unknown as { conformance: (a: unknown, b: unknown) => Promise<unknown> }).conformance(n, ref),
        [names, reference] as const,
      )) as { isolated: boolean; results: { name: string; ok: boolean; error?: string; value?: { worst?: number } }[] };
      assert.deepEqual(errors, []);
      assert.equal(out.isolated, true, 'the page should be cross-origin isolated (wasm threads available)');
      assert.equal(out.results.length, conformanceCases.length);
      for (const r of out.results) assert.ok(r.ok, `${r.name}: ${r.error}`);
      const worst = out.results.find((r) => r.name.startsWith('scan:'))!.value!.worst!;
      assert.ok(worst <= TOLERANCE);
      console.log(`Chromium: ${out.results.length}/${conformanceCases.length} conformance cases pass; max |Δp| vs onnxruntime-node ${worst.toExponential(2)} over ${names.length} images`);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
