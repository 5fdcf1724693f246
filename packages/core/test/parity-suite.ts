/**
 * The Starlight V4 parity checks, written once and run everywhere: in Node by parity.test.ts and
 * in headless Chromium by browser.test.ts (bundled into the page by test/browser/harness.ts).
 *
 * Pure code on purpose: no Node built-ins, no DOM, no test framework. The caller passes in the
 * core module under test, the fixture bytes, a SHA-256 function (node:crypto or SubtleCrypto)
 * and, optionally, a loader for the reference arrays (used only to explain a mismatch).
 */
import type * as Core from '../src/index.js';

/** What the suite needs from a manifest entry (a structural subset of helpers/fixtures.ts's ManifestEntry). */
export interface ParityEntry {
  file: string;
  pillow_mode?: string;
  size?: [number, number];
  format?: string;
  meta_sources?: { exif_len: number; tail_len: number };
  error?: { type: string; message: string; stage: string };
  streams?: Record<string, { shape: number[]; sha256: string; sha256_chw?: string }>;
}

export interface ParityCase {
  file: string;
  bytes: Uint8Array;
  entry: ParityEntry;
}

export type CoreApi = Pick<typeof Core, 'extractStreams' | 'STREAM_NAMES' | 'StarlightError'>;
export type Sha256 = (data: Uint8Array) => Promise<string> | string;
/** The reference's arrays for one file, in the reference's own layout (lsb is HWC), or null. */
export type ReferenceLoader = (file: string) => Promise<Record<string, Float32Array> | null>;

export interface Check {
  what: string;
  got: unknown;
  want: unknown;
  pass: boolean;
}

export interface StreamResult {
  name: string;
  shape: number[];
  wantShape: number[];
  sha256: string;
  wantSha256: string;
  equal: boolean;
  /** Only for a mismatch, when the reference arrays are available: share of bit-equal values. */
  equalShare?: number;
}

export interface ThrownError {
  name: string;
  message: string;
  /** `err instanceof core.StarlightError` */
  typed: boolean;
  code?: string;
}

export interface ParityResult {
  file: string;
  /** 'ok': the reference loads it and we must match; 'bad': the reference rejects it and so must we. */
  kind: 'ok' | 'bad';
  pass: boolean;
  /** Wall time of extractStreams alone. */
  ms: number;
  /** ok: image size, mode, format, EXIF length and every stream's shape. */
  checks: Check[];
  /** ok: the eight streams, in STREAM_NAMES order. */
  streams: StreamResult[];
  /** What extractStreams threw, if it threw. */
  error?: ThrownError;
  /** bad: the codes the reference's error maps to. */
  wantCodes?: string[];
}

/** The reference's Pillow error mapped to the codes core may report for it. */
export function expectedCodes(entry: ParityEntry): string[] {
  if (!entry.error) return [];
  return /truncated|could not create decoder/.test(entry.error.message) ? ['E_TRUNCATED'] : ['E_UNSUPPORTED_FORMAT', 'E_CORRUPT_IMAGE'];
}

/** The reference converts GIFs that Pillow opens as L into P. */
export function expectedMode(entry: ParityEntry): string | undefined {
  return entry.format === 'GIF' && entry.pillow_mode === 'L' ? 'P' : entry.pillow_mode;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function bytesOf(data: Float32Array | Uint8Array): Uint8Array {
  // Float32Array's bytes are in the platform's order; every engine we run on is little-endian,
  // and the reference hashes float32 LE.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describeError(core: CoreApi, x: unknown): ThrownError {
  const e = x as { name?: unknown; message?: unknown; code?: unknown } | null;
  return {
    name: typeof e?.name === 'string' ? e.name : typeof x,
    message: typeof e?.message === 'string' ? e.message : String(x),
    typed: x instanceof core.StarlightError,
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

/** Share of values that are bit-identical (as float32), reordering the reference's HWC lsb to CHW. */
export function equalShare(name: string, got: Float32Array, gotShape: number[], ref: Float32Array, refShape: number[]): number | undefined {
  let want = ref;
  if (name === 'lsb' && refShape.length === 3 && gotShape.length === 3 && refShape[2] === gotShape[0]) {
    const [h, w, c] = refShape as [number, number, number];
    want = new Float32Array(ref.length);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) want[k * h * w + y * w + x] = ref[(y * w + x) * c + k]!;
  }
  if (want.length !== got.length || got.length === 0) return undefined;
  const a = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

export async function runParityCase(core: CoreApi, c: ParityCase, sha256: Sha256, reference?: ReferenceLoader): Promise<ParityResult> {
  const { entry } = c;
  const kind = entry.error ? 'bad' : 'ok';
  const t0 = now();
  let out: Awaited<ReturnType<CoreApi['extractStreams']>> | null = null;
  let thrown: unknown = null;
  let threw = false;
  try {
    out = await core.extractStreams(c.bytes);
  } catch (x) {
    threw = true;
    thrown = x;
  }
  const ms = now() - t0;
  const result: ParityResult = { file: c.file, kind, pass: false, ms, checks: [], streams: [] };
  if (threw) result.error = describeError(core, thrown);

  if (kind === 'bad') {
    result.wantCodes = expectedCodes(entry);
    result.pass = !!result.error && result.error.typed && result.wantCodes.includes(result.error.code ?? '');
    return result;
  }
  if (!out) return result; // a loadable fixture that threw: fails with `error` set

  const { image, streams } = out;
  const check = (what: string, got: unknown, want: unknown): void => {
    result.checks.push({ what, got, want, pass: sameJson(got, want) });
  };
  check('size', [image.width, image.height], entry.size);
  check('mode', image.mode, expectedMode(entry));
  check('format', image.pillowFormat, entry.format);
  check('exif length', image.exif.length, entry.meta_sources?.exif_len);

  // All eight digests at once: SubtleCrypto answers asynchronously, one task hop per call.
  const hashes = await Promise.all(core.STREAM_NAMES.map((name) => sha256(bytesOf(streams[name].data))));
  let refs: Record<string, Float32Array> | null | undefined;
  for (const [i, name] of core.STREAM_NAMES.entries()) {
    const ref = entry.streams?.[name];
    const s = streams[name];
    const wantShape = name === 'lsb' ? [3, 256, 256] : (ref?.shape ?? []);
    check(`${name} shape`, s.shape, wantShape);
    const wantSha256 = (name === 'lsb' ? ref?.sha256_chw : ref?.sha256) ?? '(missing from the manifest)';
    const hash = hashes[i]!;
    const r: StreamResult = { name, shape: [...s.shape], wantShape, sha256: hash, wantSha256, equal: hash === wantSha256 };
    if (!r.equal && reference) {
      if (refs === undefined) refs = await reference(c.file).catch(() => null);
      const arr = refs?.[name];
      if (arr && ref) {
        const share = equalShare(name, s.data, s.shape, arr, ref.shape);
        if (share !== undefined) r.equalShare = share;
      }
    }
    result.streams.push(r);
  }
  result.pass = result.checks.every((k) => k.pass) && result.streams.length === core.STREAM_NAMES.length && result.streams.every((s) => s.equal);
  return result;
}

/** Runs every case in order (sequentially, so per-file timings are not interleaved). */
export async function runParity(core: CoreApi, cases: ParityCase[], sha256: Sha256, reference?: ReferenceLoader): Promise<ParityResult[]> {
  const results: ParityResult[] = [];
  for (const c of cases) results.push(await runParityCase(core, c, sha256, reference));
  return results;
}

/** One line per failing case, for assertion messages. */
export function summarizeFailure(r: ParityResult): string {
  if (r.pass) return `${r.file}: ok`;
  if (r.kind === 'bad') {
    return r.error
      ? `${r.file}: threw ${r.error.typed ? 'StarlightError' : `untyped ${r.error.name}`} ${r.error.code ?? '(no code)'}, want one of ${r.wantCodes?.join('|')} (${r.error.message})`
      : `${r.file}: resolved, but the reference rejects it (want ${r.wantCodes?.join('|')})`;
  }
  if (r.error) return `${r.file}: threw ${r.error.name} ${r.error.code ?? ''}: ${r.error.message}`;
  const bits = [
    ...r.checks.filter((k) => !k.pass).map((k) => `${k.what} ${JSON.stringify(k.got)} != ${JSON.stringify(k.want)}`),
    ...r.streams
      .filter((s) => !s.equal)
      .map((s) => `${s.name} differs${s.equalShare !== undefined ? ` (${(100 * s.equalShare).toFixed(3)}% of values equal)` : ''}`),
  ];
  return `${r.file}: ${bits.join('; ')}`;
}

/**
 * Decodes one reference document (fixtures/starlight-v4/streams/<stem>.json.gz, already gunzipped
 * and parsed) to float32 arrays in the reference's layout. `atob` exists in browsers and Node >= 16.
 */
export function decodeReferenceDoc(doc: { streams: Record<string, { shape: number[]; decode: string | string[]; b64: string }> }): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, s] of Object.entries(doc.streams)) {
    const bin = atob(s.b64);
    const per = bin.length / s.shape[0]!;
    const f = new Float32Array(bin.length);
    for (let i = 0; i < bin.length; i++) {
      const v = bin.charCodeAt(i);
      const d = Array.isArray(s.decode) ? s.decode[Math.floor(i / per)] : s.decode;
      f[i] = d === 'div255' ? Math.fround(v / 255) : v;
    }
    out[name] = f;
  }
  return out;
}
