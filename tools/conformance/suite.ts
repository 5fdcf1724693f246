/**
 * The backend conformance suite, written once and run against every InferenceBackend: in Node for
 * onnxruntime-node and onnxruntime-web, and in headless Chromium for onnxruntime-web. Framework-free
 * on purpose (each case throws on failure) so that node:test and a browser page can both run it.
 */
import {
  buildFeeds,
  createScanner,
  extractModelInputs,
  loadModel,
  readOnnxInfo,
  isStarlightError,
  type InferenceBackend,
  type ScanResult,
} from '@starlight/core';

export interface ConformanceContext {
  backend: InferenceBackend;
  /** The shipped model, and the tiny evidence-only test model (packages/core/test-data/models). */
  models: { shipped: Uint8Array; tiny: Uint8Array };
  /** Images to scan (clean, stego, corrupt), by name. */
  images: { name: string; bytes: Uint8Array }[];
  /** Another backend's results for the same images: probabilities must agree within 1e-4. */
  reference?: Record<string, ScanResult>;
}

export interface ConformanceCase {
  name: string;
  run(ctx: ConformanceContext): Promise<unknown>;
}

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

async function decodable(ctx: ConformanceContext, n: number) {
  const out = [];
  for (const im of ctx.images) {
    try {
      out.push(await extractModelInputs(im.bytes));
    } catch {
      // corrupt inputs are for the scan case
    }
    if (out.length === n) break;
  }
  assert(out.length === n, `need ${n} decodable images`);
  return out;
}

export const TOLERANCE = 1e-4;

export const conformanceCases: ConformanceCase[] = [
  {
    name: 'a session exposes the model graph\'s input and output names',
    async run({ backend, models }) {
      for (const bytes of [models.shipped, models.tiny]) {
        const info = readOnnxInfo(bytes);
        const s = await backend.createSession(bytes);
        try {
          assert(same(s.inputNames, info.inputs), `inputs ${s.inputNames} != ${info.inputs}`);
          assert(same(s.outputNames, info.outputs), `outputs ${s.outputNames} != ${info.outputs}`);
        } finally {
          await s.dispose();
        }
      }
    },
  },
  {
    name: 'a batch runs along the batch axis and equals the images run one by one',
    async run(ctx) {
      const s = await ctx.backend.createSession(ctx.models.shipped);
      try {
        const items = await decodable(ctx, 3);
        const batch = await s.run(buildFeeds(items, s.inputNames));
        assert(same(batch.stego_logit!.dims.map(String), ['3']), `stego_logit dims ${batch.stego_logit!.dims}`);
        const classes = loadModel(ctx.models.shipped).spec.methods.length; // the five methods, or those and dct
        assert(same(batch.method_logits!.dims.map(String), ['3', String(classes)]), `method_logits dims ${batch.method_logits!.dims}`);
        assert(same(batch.bit_order_logits!.dims.map(String), ['3', '3']), `bit_order_logits dims ${batch.bit_order_logits!.dims}`);
        for (const [k, t] of Object.entries(batch)) assert(t.data instanceof Float32Array && t.data.every(Number.isFinite), `${k}: not finite float32`);
        let worst = 0;
        for (let i = 0; i < items.length; i++) {
          const one = await s.run(buildFeeds([items[i]!], s.inputNames));
          for (const k of ['stego_logit', 'method_logits', 'bit_order_logits']) {
            const per = one[k]!.data.length;
            for (let j = 0; j < per; j++) worst = Math.max(worst, Math.abs(one[k]!.data[j]! - batch[k]!.data[i * per + j]!));
          }
        }
        assert(worst <= 1e-5, `batched vs single differ by ${worst}`);
        return { worst };
      } finally {
        await s.dispose();
      }
    },
  },
  {
    name: 'bytes that are not a model end in E_MODEL, from the backend and from createScanner',
    async run({ backend, models }) {
      const bad = [new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), models.shipped.subarray(0, 5000)];
      for (const b of bad) {
        let err: unknown = null;
        try {
          await (await backend.createSession(b)).dispose();
        } catch (e) {
          err = e;
        }
        assert(isStarlightError(err) && err.code === 'E_MODEL', `createSession: expected E_MODEL, got ${String(err)}`);
        err = null;
        try {
          await createScanner({ backend, model: b });
        } catch (e) {
          err = e;
        }
        assert(isStarlightError(err) && err.code === 'E_MODEL', `createScanner: expected E_MODEL, got ${String(err)}`);
      }
    },
  },
  {
    name: 'scan: every image gives a well-formed result, equal to the reference backend\'s',
    async run(ctx) {
      const scanner = await createScanner({ backend: ctx.backend, model: ctx.models.shipped, batchSize: 4 });
      const results: Record<string, ScanResult> = {};
      let i = 0;
      let worst = 0;
      for await (const r of scanner.scanMany(ctx.images.map((im) => im.bytes))) {
        const name = ctx.images[i++]!.name;
        results[name] = r;
        assert(r.error === null ? typeof r.probability === 'number' && r.probability >= 0 && r.probability <= 1 : r.probability === null, `${name}: malformed ${JSON.stringify(r)}`);
        const ref = ctx.reference?.[name];
        if (!ref) continue;
        assert(r.sha256 === ref.sha256, `${name}: sha256`);
        assert((r.error?.code ?? null) === (ref.error?.code ?? null), `${name}: error ${r.error?.code} vs ${ref.error?.code}`);
        if (r.error) continue;
        const d = Math.abs(r.probability! - ref.probability!);
        worst = Math.max(worst, d);
        assert(d <= TOLERANCE, `${name}: probability ${r.probability} vs ${ref.probability}`);
        assert(r.stego === ref.stego && r.method === ref.method && r.bitOrder === ref.bitOrder, `${name}: verdict differs`);
        assert(JSON.stringify(r.payload) === JSON.stringify(ref.payload), `${name}: payload differs`);
      }
      assert(i === ctx.images.length, 'scanMany lost results');
      await scanner.dispose();
      return { results, worst };
    },
  },
  {
    name: 'a disposed scanner refuses work with E_INVALID_ARGUMENT',
    async run(ctx) {
      const scanner = await createScanner({ backend: ctx.backend, model: ctx.models.tiny });
      await scanner.dispose();
      let err: unknown = null;
      try {
        await scanner.scan(ctx.images[0]!.bytes);
      } catch (e) {
        err = e;
      }
      assert(isStarlightError(err) && err.code === 'E_INVALID_ARGUMENT', `expected E_INVALID_ARGUMENT, got ${String(err)}`);
    },
  },
];

/** Runs every case; resolves to per-case outcomes (never rejects). */
export async function runConformance(ctx: ConformanceContext): Promise<{ name: string; ok: boolean; error?: string; value?: unknown; ms: number }[]> {
  const out = [];
  for (const c of conformanceCases) {
    const t = performance.now();
    try {
      const value = await c.run(ctx);
      out.push({ name: c.name, ok: true, value, ms: performance.now() - t });
    } catch (e) {
      out.push({ name: c.name, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e), ms: performance.now() - t });
    }
  }
  return out;
}
