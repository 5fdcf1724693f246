import { ortSession, StarlightError, type InferenceBackend, type InferenceSession } from '@starlight/core';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';

export interface NodeBackendOptions {
  /** Threads per inference (intra-op). Default 1 when the scan pool runs one worker per core, else onnxruntime's own default. */
  threads?: number;
}

/** The onnxruntime-node (CPU) implementation of core's InferenceBackend. */
export function nodeBackend(defaults: NodeBackendOptions = {}): InferenceBackend {
  return {
    name: 'onnxruntime-node',
    async createSession(model, options = {}): Promise<InferenceSession> {
      const threads = options.threads ?? defaults.threads;
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(model, {
          executionProviders: ['cpu'],
          graphOptimizationLevel: 'all',
          ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
        });
      } catch (e) {
        throw new StarlightError('E_MODEL', `onnxruntime-node could not load the model: ${(e as Error).message}`, { cause: e });
      }
      return ortSession(session, (data, dims) => new ort.Tensor('float32', data, dims));
    },
    async readModel(location) {
      const where = String(location);
      try {
        if (/^https?:/i.test(where)) {
          const res = await fetch(where);
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          return new Uint8Array(await res.arrayBuffer());
        }
        return new Uint8Array(await readFile(/^file:/i.test(where) ? fileURLToPath(where) : where));
      } catch (e) {
        throw new StarlightError('E_IO', `cannot read the model ${where}: ${(e as Error).message}`, { cause: e });
      }
    },

  };
}
