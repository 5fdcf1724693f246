// One scan worker: its own core scanner over onnxruntime-node with one intra-op thread.
import { createScanner, isStarlightError, type ScanInput, type ScanResult } from '@starlight/core';
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { nodeBackend } from './backend.js';
import { nodeDecoder } from './decoder.js';
import type { PoolInput, WorkerConfig } from './pool.js';

const config = workerData as WorkerConfig;
const port = parentPort!;

const read = (x: PoolInput): ScanInput => (typeof x === 'string' ? () => readFile(x).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)) : x);
const errorOf = (e: unknown) => ({ code: isStarlightError(e) ? e.code : 'E_INFERENCE', message: e instanceof Error ? e.message : String(e) });

createScanner({ ...config, backend: nodeBackend(), threads: 1, decode: { decoder: nodeDecoder, ...config.decode } }).then(
  (scanner) => {
    port.postMessage({ ready: true });
    port.on('message', async ({ id, items }: { id: number; items: PoolInput[] }) => {
      try {
        const results: ScanResult[] = [];
        for await (const r of scanner.scanMany(items.map(read))) results.push(r);
        port.postMessage({ id, results });
      } catch (e) {
        port.postMessage({ id, error: errorOf(e) });
      }
    });
  },
  (e: unknown) => port.postMessage({ ready: false, error: errorOf(e) }),
);
