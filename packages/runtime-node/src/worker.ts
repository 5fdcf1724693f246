// One scan worker: its own core scanner over onnxruntime-node with one intra-op thread.
import { createScanner, DEFAULT_LIMITS, isStarlightError, StarlightError, type ScanInput, type ScanResult } from '@starlight/core';
import { readFile, stat } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { nodeBackend } from './backend.js';
import { nodeDecoder } from './decoder.js';
import type { PoolInput, WorkerConfig } from './pool.js';

const config = workerData as WorkerConfig;
const port = parentPort!;

const maxBytes = config.decode?.maxBytes ?? DEFAULT_LIMITS.maxBytes;

/** Reads a file, refusing what is not a regular file (a FIFO, /dev/zero) or is over maxBytes before reading it. */
async function readPath(path: string): Promise<Uint8Array> {
  const st = await stat(path);
  if (!st.isFile()) throw new StarlightError('E_IO', `${path} is not a regular file`);
  if (st.size > maxBytes) throw new StarlightError('E_TOO_LARGE', `${path} is ${st.size} bytes, over the limit of ${maxBytes}`);
  const b = await readFile(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const read = (x: PoolInput): ScanInput => (typeof x === 'string' ? () => readPath(x) : x);
const errorOf = (e: unknown) => ({ code: isStarlightError(e) ? e.code : 'E_INFERENCE', message: e instanceof Error ? e.message : String(e) });

type Message = { id: number; items: PoolInput[] } | { close: true } | { crash: true };

createScanner({ ...config, backend: nodeBackend(), threads: 1, decode: { decoder: nodeDecoder, ...config.decode } }).then(
  (scanner) => {
    port.postMessage({ ready: true });
    // One job at a time: onnxruntime's native work must never be in flight when the thread ends.
    let queue = Promise.resolve();
    const handle = async (m: Message): Promise<void> => {
      if ('close' in m) {
        await scanner.dispose();
        port.close();
        return;
      }
      if ('crash' in m) {
        // Test hook: end this thread between jobs, as a crash would, with the jobs queued behind it lost.
        await scanner.dispose();
        process.exit(70);
      }
      try {
        const results: ScanResult[] = [];
        for await (const r of scanner.scanMany(m.items.map(read))) results.push(r);
        port.postMessage({ id: m.id, results });
      } catch (e) {
        port.postMessage({ id: m.id, error: errorOf(e) });
      }
    };
    port.on('message', (m: Message) => {
      queue = queue.then(() => handle(m));
    });
  },
  (e: unknown) => {
    port.postMessage({ ready: false, error: errorOf(e) });
    port.close();
  },
);
