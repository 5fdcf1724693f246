import {
  createScanner as createCoreScanner,
  loadModel,
  StarlightError,
  type LoadedModel,
  type ModelSource,
  type ModelSpec,
  type ScanResult,
  type Scanner,
  type ScannerOptions,
} from '@starlight/core';
import { MODEL_SPEC, MODEL_URL } from '@starlight/model';
import { availableParallelism } from 'node:os';
import { nodeBackend } from './backend.js';
import { nodeDecoder } from './decoder.js';
import { WorkerPool, type PoolInput } from './pool.js';

export { nodeBackend, type NodeBackendOptions } from './backend.js';
export { nodeDecoder } from './decoder.js';
export { WorkerPool, type PoolInput, type WorkerConfig } from './pool.js';

export interface NodeScannerOptions extends Partial<ScannerOptions> {
  /** An ONNX file path, file: URL, bytes, or loaded model (default: @starlight/model). */
  model?: ModelSource;
}

/** @starlight/model's shipped detector, with its spec. */
export async function loadDefaultModel(): Promise<LoadedModel> {
  const bytes = await nodeBackend().readModel!(MODEL_URL);
  return loadModel(bytes, { version: MODEL_SPEC.version });
}

async function resolve(model: ModelSource | undefined): Promise<LoadedModel> {
  if (model === undefined) return loadDefaultModel();
  if (typeof model === 'string' || model instanceof URL) return loadModel(await nodeBackend().readModel!(model));
  if (model instanceof Uint8Array) return loadModel(model);
  if (model instanceof ArrayBuffer) return loadModel(new Uint8Array(model));
  return model;
}

/** An in-process scanner on onnxruntime-node, with @starlight/model unless told otherwise. */
export async function createScanner(options: NodeScannerOptions = {}): Promise<Scanner> {
  return createCoreScanner({ ...options, backend: options.backend ?? nodeBackend(), model: await resolve(options.model), decode: { decoder: nodeDecoder, ...options.decode } });
}

export interface ScanPoolOptions extends Omit<NodeScannerOptions, 'backend' | 'threads'> {
  /** Worker threads (default: one per core). */
  workers?: number;
}

export interface ScanPool {
  readonly spec: ModelSpec;
  readonly workers: number;
  /** Scans image bytes, or a file the worker reads. Never rejects for a bad image or file: see `error`. */
  scan(input: PoolInput): Promise<ScanResult>;
  /** Streams results in input order, using every worker; memory stays flat for any number of inputs. A worker that crashes is replaced and its inputs retried. */
  scanMany(inputs: Iterable<PoolInput> | AsyncIterable<PoolInput>): AsyncGenerator<ScanResult>;
  dispose(): Promise<void>;
}

/** A worker-thread pool of scanners (one per core by default, one onnxruntime thread each). */
export async function createScanPool(options: ScanPoolOptions = {}): Promise<ScanPool> {
  const { workers = availableParallelism(), model, ...rest } = options;
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new StarlightError('E_INVALID_ARGUMENT', `workers must be an integer in 1..256, got ${String(workers)}`);
  const t = rest.threshold;
  if (t !== undefined && !(typeof t === 'number' && t > 0 && t < 1)) throw new StarlightError('E_INVALID_ARGUMENT', `threshold must be a number in (0, 1), got ${String(t)}`);
  const loaded = await resolve(model);
  const spec: ModelSpec = Object.freeze({ ...loaded.spec, threshold: t ?? loaded.spec.threshold });
  const specJson = { name: spec.name, version: spec.version, precision: spec.precision, threshold: spec.threshold };
  const config = { model: loaded.bytes, spec: specJson, batchSize: rest.batchSize, extract: rest.extract, decode: rest.decode };
  const pool = new WorkerPool(config, workers, rest.batchSize ?? 8, 2, { name: spec.name, version: spec.version, precision: spec.precision });
  try {
    await pool.ready();
  } catch (e) {
    await pool.dispose();
    throw e;
  }
  return {
    spec,
    workers,
    scan: (input) => pool.scan(input),
    scanMany: (inputs) => pool.scanMany(inputs),
    dispose: () => pool.dispose(),
  };
}
