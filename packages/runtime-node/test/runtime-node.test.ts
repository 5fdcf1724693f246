import { type ScanResult } from '@starlight/core';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { conformanceCases } from '../../../tools/conformance/suite.js';
import { IMAGE_FILES, nodeContextFiles } from '../../../tools/conformance/node-context.js';
import { createScanner, createScanPool, loadDefaultModel, nodeBackend, WorkerPool } from '../dist/index.js';

const files = nodeContextFiles();

describe('conformance: onnxruntime-node', () => {
  const ctx = { backend: nodeBackend(), ...files };
  for (const c of conformanceCases) test(c.name, async () => void (await c.run(ctx)));
});

describe('createScanner (Node)', () => {
  test('defaults to @starlight/model and reads a model from a path or an http URL', async () => {
    const a = await createScanner();
    assert.equal(a.spec.name, 'starlight-detector');
    assert.match(a.spec.version, /^\d+\.\d+\.\d+/);
    const dir = mkdtempSync(join(tmpdir(), 'sl-model-'));
    writeFileSync(join(dir, 'm.onnx'), files.models.tiny);
    const b = await createScanner({ model: join(dir, 'm.onnx') });
    assert.equal(b.spec.name, 'evidence-only-test');
    await assert.rejects(createScanner({ model: join(dir, 'missing.onnx') }), { code: 'E_IO' });
    await assert.rejects(createScanner({ model: new URL('ftp://example.invalid/m.onnx') }), { code: 'E_IO' });
    // A model served over HTTP.
    const server = createServer((_, res) => res.end(files.models.tiny));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const c = await createScanner({ model: `http://127.0.0.1:${(server.address() as AddressInfo).port}/m.onnx` });
      assert.equal(c.spec.name, 'evidence-only-test');
      await c.dispose();
    } finally {
      server.close();
    }
    writeFileSync(join(dir, 'bad.onnx'), 'not a model');
    await assert.rejects(createScanner({ model: join(dir, 'bad.onnx') }), { code: 'E_MODEL' });
    await a.dispose();
    await b.dispose();
  });
});

describe('createScanPool', () => {
  let single: Map<string, ScanResult>;
  before(async () => {
    const s = await createScanner();
    single = new Map();
    for (const f of IMAGE_FILES) single.set(f, await s.scan(files.images[IMAGE_FILES.indexOf(f)]!.bytes));
    await s.dispose();
  });

  test('two workers return in input order what one in-process scanner returns, paths and bytes alike', async () => {
    const pool = await createScanPool({ workers: 2, batchSize: 2 });
    try {
      assert.equal(pool.workers, 2);
      const inputs = [...IMAGE_FILES, ...IMAGE_FILES.map((f) => files.images[IMAGE_FILES.indexOf(f)]!.bytes), '/nonexistent/file.png'];
      const got: ScanResult[] = [];
      for await (const r of pool.scanMany(inputs)) got.push(r);
      assert.equal(got.length, inputs.length);
      for (let i = 0; i < inputs.length - 1; i++) {
        const ref = single.get(IMAGE_FILES[i % IMAGE_FILES.length]!)!;
        assert.equal(got[i]!.sha256, ref.sha256, `row ${i}`);
        assert.equal(got[i]!.error?.code, ref.error?.code);
        assert.equal(got[i]!.probability, ref.probability);
        assert.deepEqual(got[i]!.payload, ref.payload);
      }
      assert.equal(got.at(-1)!.error?.code, 'E_IO');
    } finally {
      await pool.dispose();
    }
  });

  test('a bad model fails pool creation with a typed error; bad worker counts are refused', async () => {
    await assert.rejects(createScanPool({ workers: 1, model: new Uint8Array([1, 2, 3]) }), { code: 'E_MODEL' });
    await assert.rejects(createScanPool({ workers: 0 }), { code: 'E_INVALID_ARGUMENT' });
    await assert.rejects(createScanPool({ workers: 1, threshold: 2 }), { code: 'E_INVALID_ARGUMENT' });
  });

  test('refuses non-regular and oversized files before reading them', async () => {
    const pool = await createScanPool({ workers: 1, decode: { maxBytes: 1000 } });
    try {
      const got: ScanResult[] = [];
      for await (const r of pool.scanMany(['/dev/zero', tmpdir(), IMAGE_FILES[0]!])) got.push(r);
      assert.deepEqual(got.map((r) => r.error?.code), ['E_IO', 'E_IO', 'E_TOO_LARGE']);
    } finally {
      await pool.dispose();
    }
  });

  test('a worker that dies mid-scan is replaced and every input still gets its result', async () => {
    const model = await loadDefaultModel();
    const pool = new WorkerPool({ model: model.bytes, spec: { version: model.spec.version } }, 2, 4);
    try {
      await pool.ready();
      const threadOf0 = () => (pool as unknown as { slots: { worker: { threadId: number } }[] }).slots[0]!.worker.threadId;
      const first = threadOf0();
      const inputs = [...IMAGE_FILES, ...IMAGE_FILES];
      const got: ScanResult[] = [];
      let killed = false;
      for await (const r of pool.scanMany(inputs)) {
        got.push(r);
        if (!killed) {
          killed = true;
          pool.crash(0);
        }
      }
      assert.equal(got.length, inputs.length);
      assert.notEqual(threadOf0(), first, 'worker 0 should have been replaced');
      got.forEach((r, i) => assert.equal(r.sha256, single.get(inputs[i]!)!.sha256, `row ${i}`));
    } finally {
      await pool.dispose();
    }
  });
});
