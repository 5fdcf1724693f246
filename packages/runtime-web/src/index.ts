import {
  createScanner as createCoreScanner,
  loadModel,
  ortSession,
  StarlightError,
  type InferenceBackend,
  type InferenceSession,
  type LoadedModel,
  type ModelSource,
  type Scanner,
  type ScannerOptions,
} from '@starlight/core';
import { MODEL_SPEC, MODEL_URL } from '@starlight/model';
import * as ort from 'onnxruntime-web/wasm';
import { webDecoder } from './decoder.js';

export { webDecoder } from './decoder.js';

export interface WebBackendOptions {
  /**
   * Where onnxruntime-web's .wasm/.mjs files are served from (a URL prefix ending in "/", or a map).
   * Default: next to onnxruntime-web's own module, which bundlers and Node resolve.
   */
  wasmPaths?: string | Record<string, string>;
  /** wasm threads. Default: every core when the page is cross-origin isolated (SharedArrayBuffer), else 1. */
  threads?: number;
}

const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };

/** The onnxruntime-web (wasm) implementation of core's InferenceBackend. */
export function webBackend(options: WebBackendOptions = {}): InferenceBackend {
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  const isolated = g.crossOriginIsolated === true;
  ort.env.wasm.numThreads = options.threads ?? (isolated ? Math.max(1, g.navigator?.hardwareConcurrency ?? 1) : 1);
  return {
    name: 'onnxruntime-web/wasm',
    async createSession(model): Promise<InferenceSession> {
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      } catch (e) {
        throw new StarlightError('E_MODEL', `onnxruntime-web could not load the model: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      }
      return ortSession(session, (data, dims) => new ort.Tensor('float32', data, dims));
    },
    async readModel(location) {
      let res: Response;
      try {
        res = await fetch(location);
      } catch (e) {
        throw new StarlightError('E_IO', `cannot fetch the model ${String(location)}: ${(e as Error).message}`, { cause: e });
      }
      if (!res.ok) throw new StarlightError('E_IO', `cannot fetch the model ${String(location)}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

export interface WebScannerOptions extends Partial<ScannerOptions>, WebBackendOptions {
  /** Model bytes, a URL, or a loaded model (default: @starlight/model's file next to its module). */
  model?: ModelSource;
}

/** A scanner on onnxruntime-web, with @starlight/model unless told otherwise. */
export async function createScanner(options: WebScannerOptions = {}): Promise<Scanner> {
  const { wasmPaths, threads, ...rest } = options;
  const backend = rest.backend ?? webBackend({ wasmPaths, threads });
  let model: ModelSource | LoadedModel = rest.model ?? MODEL_URL;
  if (rest.model === undefined) model = loadModel(await backend.readModel!(MODEL_URL), { version: MODEL_SPEC.version });
  return createCoreScanner({ ...rest, backend, model, decode: { decoder: webDecoder, ...rest.decode } });
}
