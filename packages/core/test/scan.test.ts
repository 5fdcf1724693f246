import { describe, expect, it } from '@jest/globals';
import Ajv2020 from 'ajv/dist/2020.js';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createScanner,
  computeEvidence,
  DETECTOR_METHODS,
  extractPayload,
  ERROR_CODES,
  loadModel,
  readOnnxInfo,
  StarlightError,
  type InferenceBackend,
  type InferenceSession,
  type ScanResult,
  type Tensor,
} from '../src/index.js';
import { sha256Hex, sha256Portable } from '../src/sha256.js';
import { pngChunk, pngWith } from './helpers/containers.js';

const MODELS = join(process.cwd(), 'test-data/models');
const EXAMPLES = join(process.cwd(), '../../examples');
const model = (name: string) => new Uint8Array(readFileSync(join(MODELS, name)));
const example = (name: string) => new Uint8Array(readFileSync(join(EXAMPLES, name)));
const schema = JSON.parse(readFileSync(join(process.cwd(), 'schema/scan-result.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

const METHOD_SLOTS = [[0, 1], [2, 3], [4, 5], [6], [7]];

/**
 * A backend without a runtime: it "runs" evidence-only.onnx's contract in JavaScript (the stego
 * logit follows extraction's found flag, the method and bit order the strongest evidence slot),
 * and records every batch it was given. The real runtimes run the real models in their own tests.
 */
function fakeBackend(opts: { failRun?: boolean; exifSlotIsStego?: boolean; classes?: number; force?: { method: number; bitOrder?: number; bitOrderLogits?: number[] } } = {}) {
  const K = opts.classes ?? 5;
  const batches: number[] = [];
  const backend: InferenceBackend = {
    name: 'fake',
    async createSession(bytes) {
      const info = readOnnxInfo(bytes);
      const session: InferenceSession = {
        inputNames: info.inputs,
        outputNames: info.outputs,
        async run(feeds: Record<string, Tensor>) {
          if (opts.failRun) throw new Error('boom');
          const ev = feeds.evidence!;
          const n = ev.dims[0]!;
          batches.push(n);
          const st = new Float32Array(n);
          const ml = new Float32Array(n * K);
          const bl = new Float32Array(n * 3);
          for (let i = 0; i < n; i++) {
            const e = ev.data.subarray(i * 14, i * 14 + 14);
            st[i] = e[11]! || (opts.exifSlotIsStego && e[6]! > 0) ? 10 : -10;
            METHOD_SLOTS.forEach((slots, m) => (ml[i * K + m] = Math.max(...slots.map((s) => e[s]!))));
            const best = [0, 2, 4].reduce((a, s) => Math.max(a, e[s]!), -1);
            const bestLsb = [1, 3, 5].reduce((a, s) => Math.max(a, e[s]!), -1);
            bl[i * 3 + (bestLsb >= best ? 0 : 1)] = 10;
            if (opts.force) {
              // a detector that is sure of a method (and bit order) whatever extraction found
              st[i] = 10;
              ml.fill(0, i * K, i * K + K);
              ml[i * K + opts.force.method] = 1;
              bl.fill(0, i * 3, i * 3 + 3);
              bl[i * 3 + (opts.force.bitOrder ?? 2)] = 10;
              if (opts.force.bitOrderLogits) bl.set(opts.force.bitOrderLogits, i * 3);
            }
          }
          return { stego_logit: { data: st, dims: [n] }, method_logits: { data: ml, dims: [n, K] }, bit_order_logits: { data: bl, dims: [n, 3] } };
        },
        async dispose() {},
      };
      return session;
    },
  };
  return { backend, batches };
}

/** A 24-bit BMP of an RGB raster (rows bottom-up, BGR, padded to 4 bytes). */
function bmp24(w: number, h: number, rgb: Uint8Array): Uint8Array {
  const stride = (w * 3 + 3) & ~3;
  const b = new Uint8Array(54 + stride * h);
  const dv = new DataView(b.buffer);
  b.set([0x42, 0x4d]);
  dv.setUint32(2, b.length, true);
  dv.setUint32(10, 54, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, w, true);
  dv.setInt32(22, h, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, 24, true);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = 54 + (h - 1 - y) * stride + 3 * x;
      const i = 3 * (y * w + x);
      b[o] = rgb[i + 2]!;
      b[o + 1] = rgb[i + 1]!;
      b[o + 2] = rgb[i]!;
    }
  }
  return b;
}

function expectValid(r: ScanResult) {
  const ok = validate(JSON.parse(JSON.stringify(r)));
  if (!ok) throw new Error(JSON.stringify(validate.errors, null, 1));
}

describe('model loading', () => {
  it('reads inputs, outputs and the embedded spec of an ONNX file', () => {
    const m = loadModel(model('evidence-only.onnx'));
    expect(m.spec.inputs).toEqual(['evidence']);
    expect(m.spec.outputs).toEqual(['stego_logit', 'method_logits', 'bit_order_logits']);
    expect(m.spec.name).toBe('evidence-only-test');
    expect(m.spec.threshold).toBe(0.5);
    expect(loadModel(model('evidence-only.onnx'), { threshold: 0.9 }).spec.threshold).toBe(0.9);
  });

  it.each([
    ['an unknown input', 'identity.onnx', /input\(s\) x/],
    ['missing outputs', 'no-method.onnx', /no output\(s\) method_logits, bit_order_logits/],
  ])('names %s in an E_MODEL error', (_, file, msg) => {
    const e = (() => {
      try {
        loadModel(model(file));
      } catch (err) {
        return err as StarlightError;
      }
      throw new Error('expected an error');
    })();
    expect(e).toBeInstanceOf(StarlightError);
    expect(e.code).toBe('E_MODEL');
    expect(e.message).toMatch(msg);
  });

  it('turns corrupt, truncated, empty and non-ONNX bytes into E_MODEL', () => {
    const good = model('evidence-only.onnx');
    const inputs = [new Uint8Array(0), good.subarray(0, 40), good.subarray(0, good.length - 7), example('clean-0004.png'), new TextEncoder().encode('{"not":"onnx"}')];
    for (let i = 0; i < 200; i++) inputs.push(new Uint8Array(randomBytes(1 + (i % 50) * 7)));
    for (const b of inputs) {
      expect(() => loadModel(b)).toThrow(expect.objectContaining({ code: 'E_MODEL' }) as unknown as Error);
    }
  });

  it('rejects a spec whose classes are not Starlight\'s', () => {
    expect(() => loadModel(model('evidence-only.onnx'), { methods: ['a', 'b', 'c', 'd', 'e'] })).toThrow(/method classes/);
    expect(() => loadModel(model('evidence-only.onnx'), { threshold: 1.5 })).toThrow(/threshold/);
    expect(() => loadModel(model('evidence-only.onnx'), { bit_order_margin: -1 })).toThrow(/bit_order_margin/);
    expect(loadModel(model('evidence-only.onnx')).spec.bitOrderMargin).toBeCloseTo(Math.log(9), 12);
  });
});

describe('createScanner', () => {
  it('refuses bad options with typed errors', async () => {
    const { backend } = fakeBackend();
    await expect(createScanner(undefined as never)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(createScanner({ backend: {} as never, model: model('evidence-only.onnx') })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(createScanner({ backend, model: model('evidence-only.onnx'), threshold: 0 })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(createScanner({ backend, model: model('evidence-only.onnx'), batchSize: 0 })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(createScanner({ backend, model: 'model.onnx' })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(createScanner({ backend, model: model('identity.onnx') })).rejects.toMatchObject({ code: 'E_MODEL' });
  });

  it('wraps a backend that cannot load the model as E_MODEL', async () => {
    const backend: InferenceBackend = { name: 'broken', createSession: () => Promise.reject(new Error('no')) };
    await expect(createScanner({ backend, model: model('evidence-only.onnx') })).rejects.toMatchObject({ code: 'E_MODEL' });
  });

  it('scans stego and clean images into the documented contract, with the payload', async () => {
    const { backend } = fakeBackend();
    const scanner = await createScanner({ backend, model: model('evidence-only.onnx') });
    const cases: [string, string | null, string | null][] = [
      ['seed1_alpha_000.png', 'alpha', 'lsb-first'],
      ['seed1_lsb_000.png', 'lsb.rgb', 'msb-first'],
      ['seed2_palette_000.gif', 'palette', 'msb-first'],
      ['tiny_eoi_001.jpg', 'eoi', null],
      ['clean-0004.png', null, null],
      ['clean-0000.webp', null, null],
    ];
    for (const [file, method, bitOrder] of cases) {
      const bytes = example(file);
      const r = await scanner.scan(bytes);
      expectValid(r);
      expect(r.error).toBeNull();
      expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(r.stego).toBe(method !== null);
      expect(r.method).toBe(method);
      expect(r.model).toEqual({ name: 'evidence-only-test', version: '0.0.1', precision: 'fp32' });
      if (method) {
        expect(r.payload).toMatchObject({ method, bitOrder });
        expect(r.payload!.text!.length).toBeGreaterThan(5);
        expect(r.payload!.hex).toBe(Buffer.from(r.payload!.text!, 'utf8').toString('hex'));
        if (method !== 'eoi') expect(r.bitOrder).toBe(bitOrder);
      } else expect(r.payload).toBeNull();
      expect(r.timings.totalMs).toBeGreaterThanOrEqual(r.timings.decodeMs);
    }
    await scanner.dispose();
    await expect(scanner.scan(example('clean-0004.png'))).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });

  it('names the metadata field when the detector says exif and extraction lists a field (never "found" alone)', async () => {
    const text = 'the key is under the third stone from the old oak';
    const chunk = pngChunk('tEXt', new TextEncoder().encode(`Comment\0${text}`));
    const scanner = await createScanner({ backend: fakeBackend({ exifSlotIsStego: true }).backend, model: model('evidence-only.onnx') });
    const r = await scanner.scan(pngWith(example('clean-0004.png'), chunk));
    expectValid(r);
    expect([r.stego, r.method]).toEqual([true, 'exif']);
    expect(r.payload).toMatchObject({ method: 'exif', field: 'png:tEXt Comment', text });
    const plain = await scanner.scan(example('clean-0004.png'));
    expect([plain.stego, plain.payload]).toEqual([false, null]);
    await scanner.dispose();
  });

  it('never reports a profile a writer encoded into a text field as the payload (ImageMagick raw profile)', async () => {
    const exif = Buffer.concat([Buffer.from('Exif\0\0MM\0*'), randomBytes(300)]);
    const hex = exif.toString('hex').replace(/.{72}/g, '$&\n');
    const profile = pngChunk('tEXt', new TextEncoder().encode(`Raw profile type exif\0\nexif\n${String(exif.length).padStart(8)}\n${hex}\n`));
    const file = pngWith(example('clean-0004.png'), profile);
    expect((await extractPayload(file)).candidates.find((c) => c.method === 'exif')).toMatchObject({ field: 'png:tEXt Raw profile type exif', structure: 'exif' });
    const scanner = await createScanner({ backend: fakeBackend({ force: { method: 3 } }).backend, model: model('evidence-only.onnx') });
    const r = await scanner.scan(file);
    expectValid(r);
    expect([r.stego, r.method, r.payload]).toEqual([true, 'exif', null]);
    await scanner.dispose();
  });

  it('below the found level it reports what the detected method reads: appended bytes, a short NUL-terminated message, never random LSB bytes', async () => {
    const rand = (seed: number) => () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    // eoi: random bytes after the image's end carry no marker or text, so extraction alone does not find them
    const tail = Uint8Array.from({ length: 40 }, rand(5));
    const withTail = new Uint8Array([...example('clean-0004.png'), ...tail]);
    expect((await extractPayload(withTail)).found).toBeNull();
    const eoi = await createScanner({ backend: fakeBackend({ force: { method: 4 } }).backend, model: model('evidence-only.onnx') });
    const r = await eoi.scan(withTail);
    expectValid(r);
    expect(r.payload).toMatchObject({ method: 'eoi', length: 40, hex: Buffer.from(tail).toString('hex') });
    await eoi.dispose();
    // lsb.rgb, MSB first: "ok go" + NUL in a noisy 32x32 cover, too short for extraction to find alone
    const w = 32;
    const cover = Uint8Array.from({ length: w * w * 3 }, rand(9));
    const bits = [...new TextEncoder().encode('ok go\0')].flatMap((b) => [7, 6, 5, 4, 3, 2, 1, 0].map((k) => (b >> k) & 1));
    const stego = cover.map((v, i) => (i < bits.length ? (v & 0xfe) | bits[i]! : v));
    expect((await extractPayload(bmp24(w, w, stego))).found).toBeNull();
    const lsb = await createScanner({ backend: fakeBackend({ force: { method: 2, bitOrder: 1 } }).backend, model: model('evidence-only.onnx') });
    expect((await lsb.scan(bmp24(w, w, stego))).payload).toMatchObject({ method: 'lsb.rgb', bitOrder: 'msb-first', text: 'ok go' });
    const clean = await lsb.scan(bmp24(w, w, cover));
    expect([clean.stego, clean.method, clean.payload]).toEqual([true, 'lsb.rgb', null]);
    await lsb.dispose();
  });

  it('a model with the sixth class names dct (a payload in JPEG DCT coefficients): no bit order, no LSB bytes', async () => {
    const spec = { methods: [...DETECTOR_METHODS] };
    const s = await createScanner({ backend: fakeBackend({ classes: 6, force: { method: 5, bitOrder: 0 } }).backend, model: model('evidence-only.onnx'), spec });
    expect(s.spec.methods).toEqual(['alpha', 'palette', 'lsb.rgb', 'exif', 'eoi', 'dct']);
    const r = await s.scan(example('clean-0003.jpg'));
    await s.dispose();
    expectValid(r);
    expect([r.stego, r.method, r.bitOrder, r.payload]).toEqual([true, 'dct', null, null]);
    expect(Object.keys(r.methodProbabilities!)).toEqual([...DETECTOR_METHODS]);
    expect(r.methodProbabilities!.dct).toBeGreaterThan(0.3);
    // the classes must be Starlight's five, or those and dct, in class-id order
    expect(() => loadModel(model('evidence-only.onnx'), { methods: ['dct', 'alpha', 'palette', 'lsb.rgb', 'exif', 'eoi'] })).toThrow(/method classes/);
  });

  it('names a bit order only when the detector tells the two orders apart', async () => {
    const scanWith = async (bitOrderLogits: number[], spec: { bit_order_margin?: number } = {}) => {
      const s = await createScanner({ backend: fakeBackend({ force: { method: 2, bitOrderLogits } }).backend, model: model('evidence-only.onnx'), spec });
      const r = await s.scan(example('clean-0004.png'));
      await s.dispose();
      expectValid(r);
      return r;
    };
    // without a margin in the spec: ln 9 (a 0.9 share of the two orders); logits 3 apart -> named, 1 apart -> undetermined
    const sure = await scanWith([0, 3, -5]);
    expect(sure.bitOrder).toBe('msb-first');
    expect(sure.bitOrderProbabilities!['msb-first'] / (sure.bitOrderProbabilities!['msb-first'] + sure.bitOrderProbabilities!['lsb-first'])).toBeCloseTo(0.9526, 3);
    const unsure = await scanWith([1, 0, -5]);
    expect([unsure.stego, unsure.method, unsure.bitOrder]).toEqual([true, 'lsb.rgb', null]);
    expect(Object.values(unsure.bitOrderProbabilities!).reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    // a model's own margin (frozen on validation) decides: 3 apart is not enough for a margin of 4
    expect((await scanWith([0, 3, -5], { bit_order_margin: 4 })).bitOrder).toBeNull();
    expect((await scanWith([0, 5, -5], { bit_order_margin: 4 })).bitOrder).toBe('msb-first');
    // the three classes stay in the result even when the method is not an LSB one
    const eoi = await createScanner({ backend: fakeBackend({ force: { method: 4 } }).backend, model: model('evidence-only.onnx') });
    const e = await eoi.scan(example('clean-0004.png'));
    await eoi.dispose();
    expect(e.bitOrder).toBeNull();
    expect(e.bitOrderProbabilities!.none).toBeGreaterThan(0.99);
  });

  it('keeps the verdict but omits payloads with extract: false, and honours a threshold override', async () => {
    const { backend } = fakeBackend();
    const noExtract = await createScanner({ backend, model: model('evidence-only.onnx'), extract: false });
    const r = await noExtract.scan(example('seed1_alpha_000.png'));
    expect(r.stego).toBe(true);
    expect(r.payload).toBeNull();
    const strict = await createScanner({ backend, model: model('evidence-only.onnx'), threshold: 0.99999 });
    const s = await strict.scan(example('seed1_alpha_000.png'));
    expect(s.probability).toBeLessThan(0.99999);
    expect(s.stego).toBe(false);
    expect(s.method).toBeNull();
    expect(s.payload).toBeNull();
  });

  it('turns every bad input into a result with a typed error, never a rejection', async () => {
    const { backend } = fakeBackend();
    const scanner = await createScanner({ backend, model: model('evidence-only.onnx') });
    const png = example('clean-0004.png');
    const bad: [unknown, string][] = [
      [new Uint8Array(0), 'E_UNSUPPORTED_FORMAT'],
      [new TextEncoder().encode('hello, not an image'), 'E_UNSUPPORTED_FORMAT'],
      [png.subarray(0, 100), 'E_TRUNCATED'],
      ['a string', 'E_INVALID_ARGUMENT'],
    ];
    for (const [input, code] of bad) {
      const r = await scanner.scan(input as Uint8Array);
      expectValid(r);
      expect(r.error?.code).toBe(code);
      expect(r.stego).toBeNull();
      expect(r.probability).toBeNull();
    }
  });

  it('scanMany keeps input order, batches model runs, and reports failed reads as E_IO', async () => {
    const { backend, batches } = fakeBackend();
    const scanner = await createScanner({ backend, model: model('evidence-only.onnx'), batchSize: 3 });
    const files = ['seed1_alpha_000.png', 'clean-0004.png', 'tiny_eoi_001.jpg', 'clean-0001.gif', 'seed2_palette_000.gif', 'clean-0003.jpg', 'seed1_lsb_000.png'];
    async function* inputs() {
      for (const f of files) yield () => Promise.resolve(example(f));
      yield () => Promise.reject(new Error('EACCES: permission denied'));
      yield new Uint8Array([0xff, 0xd8, 0xff]);
    }
    const results: ScanResult[] = [];
    for await (const r of scanner.scanMany(inputs())) results.push(r);
    expect(results).toHaveLength(files.length + 2);
    const single = await Promise.all(files.map((f) => scanner.scan(example(f))));
    results.slice(0, files.length).forEach((r, i) => {
      expect(r.sha256).toBe(single[i]!.sha256);
      expect(r.probability).toBe(single[i]!.probability);
      expect(r.method).toBe(single[i]!.method);
    });
    expect(results[files.length]!.error).toMatchObject({ code: 'E_IO', message: expect.stringContaining('EACCES') });
    expect(results[files.length + 1]!.error?.code).toMatch(/^E_(TRUNCATED|CORRUPT_IMAGE)$/);
    // Batches of 3 inputs; the two failed inputs of the last batch never reach the model.
    expect(batches.slice(0, 3)).toEqual([3, 3, 1]);
    for (const r of results) expectValid(r);
    // A plain array holding a promise that rejects: that input is an E_IO result, the rest go on.
    const mixed = [new Promise<Uint8Array>((_, reject) => setTimeout(() => reject(new Error('stream closed')), 5)), example('clean-0004.png')];
    const got: ScanResult[] = [];
    for await (const r of scanner.scanMany(mixed)) got.push(r);
    expect(got.map((r) => r.error?.code ?? null)).toEqual(['E_IO', null]);
  });

  it('reports a failing backend run as E_INFERENCE', async () => {
    const { backend } = fakeBackend({ failRun: true });
    const scanner = await createScanner({ backend, model: model('evidence-only.onnx') });
    await expect(scanner.scan(example('clean-0004.png'))).rejects.toMatchObject({ code: 'E_INFERENCE' });
  });

  it('the schema lists exactly the result fields and every error code', () => {
    expect(schema.required).toEqual(Object.keys(schema.properties));
    expect(schema.properties.error.oneOf[0].properties.code.enum).toEqual([...ERROR_CODES]);
  });
});

describe('evidence vector', () => {
  it('is zero without candidates and marks a found AI42 payload', async () => {
    expect(Array.from(computeEvidence({ found: null, candidates: [], skipped: [] }))).toEqual(new Array(14).fill(0));
    const alpha = computeEvidence(await extractPayload(example('seed1_alpha_000.png')));
    expect(alpha[1]).toBeGreaterThan(0.5); // alpha, lsb-first: above the "found" level of 8 (0.5)
    expect(alpha[0]).toBeLessThan(0.2); // the other bit order reads noise
    expect([alpha[8], alpha[9], alpha[10], alpha[11], alpha[13]]).toEqual([1, 1, 1, 1, 0]);
    const clean = computeEvidence(await extractPayload(example('clean-0004.png')));
    expect(Math.max(...clean.subarray(0, 8))).toBeLessThan(0.5);
    expect(clean[11]).toBe(0);
  });
});

describe('sha256', () => {
  it('the portable implementation equals node:crypto for every padding case', async () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 65537]) {
      const b = new Uint8Array(randomBytes(n));
      const want = createHash('sha256').update(b).digest('hex');
      expect(Buffer.from(sha256Portable(b)).toString('hex')).toBe(want);
      expect(await sha256Hex(b)).toBe(want);
    }
  });
});
