/**
 * The one seam between the isomorphic core and an inference runtime (onnxruntime-node,
 * onnxruntime-web, anything else that runs ONNX). Core builds float32 feeds by name and reads
 * float32 outputs by name; a backend only has to create a session and run it.
 */
export interface Tensor {
  data: Float32Array;
  dims: readonly number[];
}

export interface InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model on named float32 feeds; resolves to the requested float32 outputs by name. */
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  dispose(): Promise<void>;
}

export interface SessionOptions {
  /** Threads for one inference (intra-op); backends pick their own default when absent. */
  threads?: number;
}

export interface InferenceBackend {
  /** e.g. "onnxruntime-node", "onnxruntime-web/wasm". */
  readonly name: string;
  /** A session over ONNX model bytes. A model the runtime rejects must end in StarlightError E_MODEL. */
  createSession(model: Uint8Array, options?: SessionOptions): Promise<InferenceSession>;
  /** Reads model bytes from a location this runtime understands (a path or file: URL in Node, a URL in a browser). */
  readModel?(location: string | URL): Promise<Uint8Array>;
}

/** The part of an onnxruntime (node, web, react-native) InferenceSession that a backend wraps; core imports no runtime. */
export interface OrtSessionLike<T> {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, T>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
  release(): Promise<void>;
}

/** An InferenceSession over an onnxruntime session; `tensor` builds that runtime's float32 tensor. */
export function ortSession<T>(session: OrtSessionLike<T>, tensor: (data: Float32Array, dims: number[]) => T): InferenceSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds) {
      const f: Record<string, T> = {};
      for (const [k, t] of Object.entries(feeds)) f[k] = tensor(t.data, [...t.dims]);
      const out = await session.run(f);
      const r: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(out)) r[k] = { data: t.data as Float32Array, dims: t.dims };
      return r;
    },
    dispose: () => session.release(),
  };
}
