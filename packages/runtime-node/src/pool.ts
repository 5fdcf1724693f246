import { StarlightError, type ModelSpecJson, type ScanResult, type DecodeOptions } from '@starlight/core';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** What a worker needs to build its own scanner (everything must survive structured cloning). */
export interface WorkerConfig {
  model: Uint8Array;
  spec?: ModelSpecJson;
  threshold?: number;
  batchSize?: number;
  extract?: boolean;
  decode?: DecodeOptions;
}

/** A pool input: image bytes, or a file path the worker reads itself (so reading runs in parallel too). */
export type PoolInput = Uint8Array | string;

type Job = { id: number; items: PoolInput[] };
type Reply = { id: number; results?: ScanResult[]; error?: { code: string; message: string } };

interface Slot {
  worker: Worker;
  busy: number;
  ready: Promise<void>;
}

/**
 * Worker threads that each run a core scanner (one onnxruntime thread each). Jobs are chunks of
 * `chunk` inputs; at most `window` chunks are in flight per worker, so memory stays flat however
 * many inputs stream through; results come back in input order.
 */
export class WorkerPool {
  private slots: Slot[] = [];
  private pending = new Map<number, { resolve: (r: ScanResult[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly config: WorkerConfig,
    readonly size = availableParallelism(),
    private readonly chunk = config.batchSize ?? 8,
    private readonly window = 2,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new StarlightError('E_INVALID_ARGUMENT', `workers must be a positive integer, got ${String(size)}`);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: this.config });
    const slot: Slot = { worker, busy: 0, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { ready?: boolean; error?: { code: string; message: string } }) => {
        if (m.ready) resolve();
        else reject(new StarlightError((m.error?.code ?? 'E_MODEL') as 'E_MODEL', m.error?.message ?? 'worker failed to start'));
      });
    });
    // Referenced while starting or busy, so that Node waits for results; idle workers do not keep a process alive.
    slot.ready.then(
      () => {
        worker.on('message', (m: Reply) => this.settle(slot, m));
        if (slot.busy === 0) worker.unref();
      },
      () => undefined,
    );
    worker.on('error', (e) => this.failAll(e));
    return slot;
  }

  private settle(slot: Slot, m: Reply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (--slot.busy === 0) slot.worker.unref();
    if (m.results) p.resolve(m.results);
    else p.reject(new StarlightError((m.error?.code ?? 'E_INFERENCE') as 'E_INFERENCE', m.error?.message ?? 'worker failed'));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e instanceof StarlightError ? e : new StarlightError('E_INFERENCE', `scan worker crashed: ${e.message}`, { cause: e }));
    this.pending.clear();
  }

  /** Resolves when every worker has loaded the model (rejects with the first load error). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  private run(items: PoolInput[]): Promise<ScanResult[]> {
    if (this.closed) return Promise.reject(new StarlightError('E_INVALID_ARGUMENT', 'the scan pool was disposed'));
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    if (slot.busy++ === 0) slot.worker.ref();
    const id = this.nextId++;
    return slot.ready.then(
      () =>
        new Promise<ScanResult[]>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          const job: Job = { id, items };
          slot.worker.postMessage(job);
        }),
    );
  }

  scan(input: PoolInput): Promise<ScanResult> {
    return this.run([input]).then((r) => r[0]!);
  }

  /** Results in input order; inputs are pulled only as capacity frees up. */
  async *scanMany(inputs: Iterable<PoolInput> | AsyncIterable<PoolInput>): AsyncGenerator<ScanResult> {
    const inflight: Promise<ScanResult[]>[] = [];
    const limit = this.size * this.window;
    let chunk: PoolInput[] = [];
    for await (const x of inputs as AsyncIterable<PoolInput>) {
      chunk.push(x);
      if (chunk.length < this.chunk) continue;
      inflight.push(this.run(chunk));
      chunk = [];
      if (inflight.length >= limit) yield* await inflight.shift()!;
    }
    if (chunk.length) inflight.push(this.run(chunk));
    while (inflight.length) yield* await inflight.shift()!;
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
