import { errorResult, StarlightError, type DecodeOptions, type ModelSpecJson, type ScanResult } from '@starlight/core';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Stack of each scan worker thread (Node's default is 4 MB). */
const WORKER_STACK_MB = 32;

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

type WireError = { code: string; message: string };
type Reply = { id: number; results?: ScanResult[]; error?: WireError };
interface Job {
  items: PoolInput[];
  resolve: (r: ScanResult[]) => void;
  reject: (e: Error) => void;
}
interface Slot {
  worker: Worker;
  ready: Promise<void>;
  jobs: Map<number, Job>;
  exited: boolean;
}

/**
 * Worker threads that each run a core scanner (one onnxruntime thread each). Jobs are chunks of
 * `chunk` inputs; at most `window` chunks are in flight per worker, so memory stays flat however
 * many inputs stream through; results come back in input order. A worker that dies (out of memory,
 * a native crash) is replaced: its chunks are retried one input at a time, and an input that kills
 * a worker on its own gets an error result instead of taking the scan down.
 */
export class WorkerPool {
  private slots: Slot[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly config: WorkerConfig,
    readonly size = availableParallelism(),
    private readonly chunk = config.batchSize ?? 8,
    private readonly window = 2,
    private readonly model: ScanResult['model'] = { name: 'unknown', version: '0.0.0', precision: 'fp32' },
  ) {
    if (!Number.isInteger(size) || size < 1) throw new StarlightError('E_INVALID_ARGUMENT', `workers must be a positive integer, got ${String(size)}`);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    // A worker thread's stack is 4 MB by default; onnxruntime-node recursed past it (SIGSEGV, the whole
    // process gone) once the parent's command line was long, e.g. `starlight scan` given 430 paths by a shell glob.
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: this.config, resourceLimits: { stackSizeMb: WORKER_STACK_MB } });
    const slot: Slot = { worker, jobs: new Map(), ready: Promise.resolve(), exited: false };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { ready?: boolean; error?: WireError }) => {
        if (!m.ready) return reject(new StarlightError((m.error?.code ?? 'E_MODEL') as 'E_MODEL', m.error?.message ?? 'worker failed to start'));
        worker.on('message', (r: Reply) => this.settle(slot, r));
        // Referenced only while busy: an idle pool does not keep the process alive.
        if (slot.jobs.size === 0) worker.unref();
        resolve();
      });
      worker.once('error', (e) => reject(new StarlightError('E_INFERENCE', `scan worker failed to start: ${e.message}`, { cause: e })));
    });
    slot.ready.catch(() => undefined);
    worker.on('exit', (code) => {
      slot.exited = true;
      this.died(slot, `exit code ${code}`);
    });
    worker.on('error', (e) => this.died(slot, e.message));
    return slot;
  }

  private settle(slot: Slot, m: Reply): void {
    const job = slot.jobs.get(m.id);
    if (!job) return;
    slot.jobs.delete(m.id);
    if (slot.jobs.size === 0) slot.worker.unref();
    if (m.results) job.resolve(m.results);
    else job.reject(new StarlightError((m.error?.code ?? 'E_INFERENCE') as 'E_INFERENCE', m.error?.message ?? 'scan worker failed'));
  }

  private died(slot: Slot, reason: string): void {
    const i = this.slots.indexOf(slot);
    if (this.closed || i < 0) return;
    this.slots[i] = this.spawn();
    for (const job of slot.jobs.values()) {
      if (job.items.length > 1) Promise.all(job.items.map((x) => this.run([x]))).then((rs) => job.resolve(rs.flat()), job.reject);
      else job.resolve([this.crashed(reason)]);
    }
    slot.jobs.clear();
  }

  private crashed(reason: string): ScanResult {
    return errorResult({ code: 'E_DECODER', message: `the scan worker stopped while scanning this input (${reason})` }, this.model);
  }

  /** Resolves when every worker has loaded the model (rejects with the first load error). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  private run(items: PoolInput[]): Promise<ScanResult[]> {
    if (this.closed) return Promise.reject(new StarlightError('E_INVALID_ARGUMENT', 'the scan pool was disposed'));
    const slot = this.slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    const id = this.nextId++;
    return new Promise<ScanResult[]>((resolve, reject) => {
      slot.jobs.set(id, { items, resolve, reject });
      slot.worker.ref();
      slot.ready.then(() => slot.worker.postMessage({ id, items }), reject);
    });
  }

  scan(input: PoolInput): Promise<ScanResult> {
    return this.run([input]).then((r) => r[0]!);
  }

  /** Results in input order; inputs are pulled only as capacity frees up. */
  async *scanMany(inputs: Iterable<PoolInput> | AsyncIterable<PoolInput>): AsyncGenerator<ScanResult> {
    const inflight: Promise<ScanResult[]>[] = [];
    const limit = this.size * this.window;
    const submit = (chunk: PoolInput[]) => {
      const p = this.run(chunk);
      p.catch(() => undefined); // awaited in order below; this keeps an early failure from counting as unhandled
      inflight.push(p);
    };
    let chunk: PoolInput[] = [];
    for await (const x of inputs as AsyncIterable<PoolInput>) {
      chunk.push(x);
      if (chunk.length < this.chunk) continue;
      submit(chunk);
      chunk = [];
      if (inflight.length >= limit) yield* await inflight.shift()!;
    }
    if (chunk.length) submit(chunk);
    while (inflight.length) yield* await inflight.shift()!;
  }

  /** Test hook: one worker ends after its current job, as a crash would; the jobs queued behind it are retried elsewhere. */
  crash(index: number): void {
    this.slots[index]!.worker.postMessage({ crash: true });
  }

  /**
   * Asks every worker to finish its current job, release its session and exit (terminating a thread
   * while onnxruntime-node runs in it can abort the whole process); terminates it after `graceMs`.
   */
  async dispose(graceMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.exited) return resolve();
            const timer = setTimeout(() => void s.worker.terminate().then(() => resolve()), graceMs);
            s.worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            s.worker.ref();
            s.worker.postMessage({ close: true });
          }),
      ),
    );
  }
}
