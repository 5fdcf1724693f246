import { decodeImage, type DecodeOptions } from '../decode.js';
import { isStarlightError, StarlightError, type StarlightErrorCode } from '../errors.js';
import { computeExtraInputs } from '../features/index.js';
import type { DecodedImage } from '../image.js';
import type { InferenceBackend, InferenceSession, Tensor } from '../inference/backend.js';
import { buildFeeds, loadModel, type LoadedModel, type ModelSpec, type ModelSpecJson } from '../inference/model.js';
import { extractPayloadFromImage } from '../payload/extract.js';
import { PAYLOAD_FOUND_CONFIDENCE, type BitOrder, type DetectorMethod, type PayloadCandidate, type PayloadMethod, type PayloadReport } from '../payload/types.js';
import { sha256Hex } from '../sha256.js';
import { computeStreams } from '../streams.js';
import { errorResult, type ScanPayload, type ScanResult } from './result.js';

/** Model bytes, a location the backend can read (path, URL), or an already loaded model. */
export type ModelSource = Uint8Array | ArrayBuffer | string | URL | LoadedModel;

/** One input to scanMany: bytes, a promise of bytes, or a function that reads them (lazily, so memory stays flat). */
export type ScanInput = Uint8Array | Promise<Uint8Array> | (() => Uint8Array | Promise<Uint8Array>);

export interface ScannerOptions {
  backend: InferenceBackend;
  /** The ONNX model. The runtime packages default it to @starlight/model. */
  model: ModelSource;
  /** Overrides for the spec the model carries in its metadata (threshold, name, version, …). */
  spec?: ModelSpecJson;
  /** Stego decision threshold on the probability (default: the model's frozen threshold). */
  threshold?: number;
  /** Images per model run in scanMany (default 8). */
  batchSize?: number;
  /** Report payloads (default true). Extraction evidence always feeds the model either way. */
  extract?: boolean;
  /** Threads per inference (backend default when absent). */
  threads?: number;
  /** Decoder limits (maxPixels, maxBytes). */
  decode?: DecodeOptions;
}

export interface Scanner {
  readonly spec: ModelSpec;
  readonly backend: string;
  /** Scans one image. Never rejects for a bad image: its result carries `error`. */
  scan(bytes: Uint8Array): Promise<ScanResult>;
  /** Scans many images in input order, several per model run; pulls inputs lazily. */
  scanMany(inputs: Iterable<ScanInput> | AsyncIterable<ScanInput>): AsyncGenerator<ScanResult>;
  dispose(): Promise<void>;
}

interface Prepared {
  sha256: string | null;
  image: DecodedImage | null;
  feeds: Parameters<typeof buildFeeds>[0][number] | null;
  report: PayloadReport | null;
  timings: ScanResult['timings'];
  error: ScanResult['error'];
  /** Time this image's own preparation took (reading, hashing, decoding, extraction, streams). */
  prepMs: number;
}

const LSB_METHODS: readonly PayloadMethod[] = ['alpha', 'palette', 'lsb.rgb'];
const now = (): number => performance.now();
const round = (ms: number): number => Math.round(ms * 1000) / 1000;

async function resolveModel(source: ModelSource, backend: InferenceBackend, spec: ModelSpecJson | undefined): Promise<LoadedModel> {
  if (source && typeof source === 'object' && 'bytes' in source && 'spec' in source) return spec ? loadModel(source.bytes, { ...specToJson(source.spec), ...spec }) : source;
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (typeof source === 'string' || source instanceof URL) {
    if (!backend.readModel) throw new StarlightError('E_INVALID_ARGUMENT', `backend ${backend.name} cannot read a model from a location; pass the model bytes`);
    bytes = await backend.readModel(source);
  } else throw new StarlightError('E_INVALID_ARGUMENT', 'model: expected bytes, a path/URL or a loaded model');
  return loadModel(bytes, spec);
}

function specToJson(s: ModelSpec): ModelSpecJson {
  return { name: s.name, version: s.version, precision: s.precision, threshold: s.threshold, methods: [...s.methods], bit_orders: [...s.bitOrders], bit_order_margin: s.bitOrderMargin };
}

function errorOf(e: unknown, fallback: StarlightErrorCode): { code: StarlightErrorCode; message: string } {
  if (isStarlightError(e)) return { code: e.code, message: e.message };
  return { code: fallback, message: e instanceof Error ? e.message : String(e) };
}

export async function createScanner(options: ScannerOptions): Promise<Scanner> {
  if (!options || typeof options !== 'object') throw new StarlightError('E_INVALID_ARGUMENT', 'createScanner: options are required');
  const { backend } = options;
  if (!backend || typeof backend.createSession !== 'function') throw new StarlightError('E_INVALID_ARGUMENT', 'createScanner: a backend with createSession() is required');
  const batchSize = options.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1024) throw new StarlightError('E_INVALID_ARGUMENT', `batchSize must be an integer in 1..1024, got ${String(batchSize)}`);
  const threshold = options.threshold;
  if (threshold !== undefined && !(typeof threshold === 'number' && threshold > 0 && threshold < 1)) {
    throw new StarlightError('E_INVALID_ARGUMENT', `threshold must be a number in (0, 1), got ${String(threshold)}`);
  }
  const loaded = await resolveModel(options.model, backend, options.spec);
  const spec: ModelSpec = Object.freeze({ ...loaded.spec, threshold: threshold ?? loaded.spec.threshold });
  /** The JPEG DCT input costs a second pass over the coefficients, the residual input one over the pixels: only for models that read them. */
  const wants = { dct: spec.inputs.includes('dct'), residual: spec.inputs.includes('residual') };
  let session: InferenceSession;
  try {
    session = await backend.createSession(loaded.bytes, options.threads ? { threads: options.threads } : {});
  } catch (e) {
    if (isStarlightError(e)) throw e;
    throw new StarlightError('E_MODEL', `${backend.name} could not load the model: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
  const extract = options.extract ?? true;
  const decodeOptions = options.decode ?? {};
  const modelInfo = Object.freeze({ name: spec.name, version: spec.version, precision: spec.precision });
  let disposed = false;

  async function prepare(input: ScanInput): Promise<Prepared> {
    const t0 = now();
    const timings = { decodeMs: 0, streamsMs: 0, inferMs: 0, extractMs: 0, totalMs: 0 };
    const p: Prepared = { sha256: null, image: null, feeds: null, report: null, timings, error: null, prepMs: 0 };
    let bytes: Uint8Array;
    try {
      const got = typeof input === 'function' ? await input() : await input;
      if (!(got instanceof Uint8Array)) throw new StarlightError('E_INVALID_ARGUMENT', 'expected image bytes (Uint8Array)');
      bytes = got;
    } catch (e) {
      p.error = errorOf(e, 'E_IO');
      p.prepMs = now() - t0;
      return p;
    }
    try {
      p.sha256 = await sha256Hex(bytes);
      let t = now();
      const image = await decodeImage(bytes, decodeOptions);
      p.image = image;
      timings.decodeMs = now() - t;
      t = now();
      const report = extractPayloadFromImage(image, bytes);
      p.report = report;
      timings.extractMs = now() - t;
      t = now();
      p.feeds = { streams: computeStreams(image, bytes), extras: computeExtraInputs(image, bytes, report, wants) };
      timings.streamsMs = now() - t;
    } catch (e) {
      p.error = errorOf(e, 'E_DECODER');
    }
    p.prepMs = now() - t0;
    return p;
  }

  async function infer(batch: Prepared[]): Promise<ScanResult[]> {
    const ok = batch.filter((p) => p.feeds);
    let out: Record<string, Tensor> | null = null;
    if (ok.length) {
      const t = now();
      try {
        out = await session.run(buildFeeds(ok.map((p) => p.feeds!), spec.inputs));
      } catch (e) {
        if (isStarlightError(e)) throw e;
        throw new StarlightError('E_INFERENCE', `${backend.name} failed to run the model: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      }
      const each = (now() - t) / ok.length;
      for (const p of ok) p.timings.inferMs = each;
    }
    let k = 0;
    return batch.map((p) => (p.feeds ? assemble(p, out!, k++) : failed(p)));
  }

  function failed(p: Prepared): ScanResult {
    p.timings.totalMs = p.prepMs + p.timings.inferMs;
    const img = p.image;
    return errorResult(p.error!, modelInfo, { sha256: p.sha256, format: img?.format, width: img?.width, height: img?.height, mode: img?.mode, timings: roundTimings(p.timings) });
  }

  function assemble(p: Prepared, out: Record<string, Tensor>, k: number): ScanResult {
    const logit = out.stego_logit!.data[k]!;
    const probability = 1 / (1 + Math.exp(-logit));
    const stego = probability >= spec.threshold;
    const nm = spec.methods.length;
    const ml = Array.from(out.method_logits!.data.subarray(k * nm, k * nm + nm));
    const mp = softmax(ml);
    const methodProbabilities = Object.fromEntries(spec.methods.map((m, i) => [m, mp[i]!])) as ScanResult['methodProbabilities'];
    const method = stego ? spec.methods[argmax(ml)]! : null;
    const bl = Array.from(out.bit_order_logits!.data.subarray(k * 3, k * 3 + 3));
    const bp = softmax(bl);
    const bitOrderProbabilities = Object.fromEntries(spec.bitOrders.map((b, i) => [b, bp[i]!])) as Record<BitOrder | 'none', number>;
    // An order only when the model tells the two apart (spec.bitOrderMargin): a coin flip on random bytes is no answer.
    const d = bl[0]! - bl[1]!;
    const bitOrder = method && LSB_METHODS.includes(method as PayloadMethod) && Math.abs(d) >= spec.bitOrderMargin ? (d >= 0 ? 'lsb-first' : 'msb-first') : null;
    const img = p.image!;
    p.timings.totalMs = p.prepMs + p.timings.inferMs;
    return {
      sha256: p.sha256,
      format: img.format,
      width: img.width,
      height: img.height,
      mode: img.mode,
      stego,
      probability,
      method,
      methodProbabilities,
      bitOrder,
      bitOrderProbabilities,
      payload: stego && extract ? choosePayload(p.report!, method, bitOrder) : null,
      model: modelInfo,
      timings: roundTimings(p.timings),
      error: null,
    };
  }

  function check(): void {
    if (disposed) throw new StarlightError('E_INVALID_ARGUMENT', 'the scanner was disposed');
  }

  return {
    spec,
    backend: backend.name,
    async scan(bytes: Uint8Array): Promise<ScanResult> {
      check();
      return (await infer([await prepare(bytes)]))[0]!;
    },
    async *scanMany(inputs: Iterable<ScanInput> | AsyncIterable<ScanInput>): AsyncGenerator<ScanResult> {
      check();
      if (!inputs || (typeof (inputs as Iterable<ScanInput>)[Symbol.iterator] !== 'function' && typeof (inputs as AsyncIterable<ScanInput>)[Symbol.asyncIterator] !== 'function')) {
        throw new StarlightError('E_INVALID_ARGUMENT', 'scanMany: expected an iterable of inputs');
      }
      // While the backend runs batch k (on its own threads in Node), batch k+1 is decoded.
      let running: Promise<ScanResult[]> | null = null;
      let batch: Prepared[] = [];
      for await (const { input } of each(inputs)) {
        batch.push(await prepare(input));
        if (batch.length < batchSize) continue;
        const next = infer(batch);
        next.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
        batch = [];
        if (running) yield* await running;
        running = next;
      }
      if (running) yield* await running;
      if (batch.length) yield* await infer(batch);
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      await session.dispose();
    },
  };
}

/** Inputs one by one, wrapped so that promises among them reach prepare() (which turns a rejection into E_IO) instead of being awaited by the loop. */
async function* each(inputs: Iterable<ScanInput> | AsyncIterable<ScanInput>): AsyncGenerator<{ input: ScanInput }> {
  if (typeof (inputs as AsyncIterable<ScanInput>)[Symbol.asyncIterator] === 'function') {
    for await (const input of inputs as AsyncIterable<ScanInput>) yield { input };
  } else for (const input of inputs as Iterable<ScanInput>) yield { input };
}

function roundTimings(t: ScanResult['timings']): ScanResult['timings'] {
  return { decodeMs: round(t.decodeMs), streamsMs: round(t.streamsMs), inferMs: round(t.inferMs), extractMs: round(t.extractMs), totalMs: round(t.totalMs) };
}

function softmax(v: number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/**
 * The payload of a stego verdict: a found-level candidate of the detector's method (its bit order
 * first), else any found-level candidate (the detector may name a method the payload does not use),
 * else what the detector's method reads where extraction alone stayed below the found level:
 * - exif and eoi: the best candidate of that method (the UserComment, a metadata field, the bytes
 *   after the image's end). These places hold the payload whatever it looks like, and visible
 *   metadata text stays below the found level by design (see METADATA_MAX_EVIDENCE).
 * - alpha, palette, lsb.rgb: that method's candidate in the detector's bit order, only when it is
 *   NUL-terminated text (a short message). Random bytes read in the wrong bit order are other
 *   random bytes, and nothing tells the orders apart, so they are not reported.
 */
function choosePayload(report: PayloadReport, method: DetectorMethod | null, bitOrder: BitOrder | null): ScanPayload | null {
  const found = report.candidates.filter((c) => c.confidence >= PAYLOAD_FOUND_CONFIDENCE);
  const ofMethod = (cs: readonly PayloadCandidate[]) => cs.find((c) => c.method === method && (bitOrder === null || c.bitOrder === bitOrder)) ?? cs.find((c) => c.method === method);
  const shortText = (c: PayloadCandidate) => c.method === method && c.bitOrder === bitOrder && c.terminated && c.text !== null && c.length > 0;
  const pick =
    ofMethod(found) ??
    found[0] ??
    // A thumbnail or profile a writer encoded into a text field is not a message, whatever the detector says.
    (method === 'exif' || method === 'eoi' ? report.candidates.find((c) => c.method === method && c.length > 0 && c.structure === undefined) : report.candidates.find(shortText));
  if (!pick) return null;
  const p: ScanPayload = { method: pick.method, bitOrder: pick.bitOrder, length: pick.length, text: pick.text, hex: pick.hex, truncated: pick.truncated };
  if (pick.field !== undefined) p.field = pick.field;
  if (pick.channel !== undefined) p.channel = pick.channel;
  return p;
}
