import type { ScanResult } from '@starlight/core';
import { MODEL_URL } from '@starlight/model';
import { nodeBackend } from '@starlight/runtime-node';
import { build } from 'esbuild';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { openChromiumPage } from '../../../tools/conformance/chromium.js';
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
    mkdirSync(OUT, { recursive: true });
    await build({
      entryPoints: [join(process.cwd(), 'test/browser-entry.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(OUT, 'entry.js'),
      logLevel: 'error',
    });
    const routes: Record<string, string> = {
      '/entry.js': join(OUT, 'entry.js'),
      '/models/starlight.onnx': fileURLToPath(MODEL_URL),
      '/models/evidence-only.onnx': join(ROOT, 'packages/core/test-data/models/evidence-only.onnx'),
    };
    for (const f of IMAGE_FILES) routes[`/images/${basename(f)}`] = f;
    const { page, errors, close } = await openChromiumPage(routes);
    try {
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
      await close();
    }
  });
});
