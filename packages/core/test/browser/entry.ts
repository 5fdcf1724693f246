/**
 * The page side of the browser harness (bundled by harness.ts with esbuild, platform 'browser').
 *
 * It imports the BUILT package, dist/index.js, i.e. the code a browser user's bundler gets,
 * plus the shared parity checks, and exposes them on `globalThis.starlight` for Playwright.
 * Hashing uses SubtleCrypto; fixtures are fetched over HTTP from the harness's loopback server.
 */
import * as core from '../../dist/index.js';
import { decodeReferenceDoc, runParityCase, type ParityEntry, type ParityResult } from '../parity-suite.js';

export interface StarlightPageApi {
  ready: true;
  userAgent: string;
  /** The bundled dist/index.js module itself, for ad-hoc measurements from page.evaluate. */
  core: typeof core;
  /** Fetches `${fixturesUrl}/images/<file>` for every entry and runs the parity suite here. */
  parity(opts: { fixturesUrl: string; entries: ParityEntry[]; explainMismatches?: boolean }): Promise<ParityResult[]>;
  /**
   * Times `extractStreams` on one image: `warmup` untimed runs (the first one instantiates the wasm
   * decoders), then `iterations` timed ones. Returns the per-iteration wall times in ms
   * (performance.now(), whose resolution the browser may coarsen to ~0.1 ms).
   * `bytes`: the file's bytes, or a URL to fetch them from.
   */
  bench(bytes: Uint8Array | ArrayBuffer | string, iterations: number, warmup?: number): Promise<number[]>;
  /** Same as bench, for bytes passed as base64 (cheap to send through page.evaluate). */
  benchBase64(b64: string, iterations: number, warmup?: number): Promise<number[]>;
}

declare global {
  var starlight: StarlightPageApi | undefined;
}

async function sha256(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function bench(input: Uint8Array | ArrayBuffer | string, iterations: number, warmup = 1): Promise<number[]> {
  const bytes = typeof input === 'string' ? await fetchBytes(input) : input instanceof Uint8Array ? input : new Uint8Array(input);
  for (let i = 0; i < warmup; i++) await core.extractStreams(bytes);
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await core.extractStreams(bytes);
    times.push(performance.now() - t0);
  }
  return times;
}

globalThis.starlight = {
  ready: true,
  userAgent: navigator.userAgent,
  core,
  async parity({ fixturesUrl, entries, explainMismatches = true }) {
    // Start every download at once, then run the cases in order as their bytes arrive.
    const downloads = entries.map((entry) => fetchBytes(`${fixturesUrl}/images/${encodeURIComponent(entry.file)}`));
    downloads.forEach((d) => d.catch(() => undefined)); // each is awaited below; no unhandled rejections meanwhile
    const reference = async (file: string): Promise<Record<string, Float32Array> | null> => {
      const stem = file.replace(/\.[^.]+$/, '');
      const res = await fetch(`${fixturesUrl}/streams/${encodeURIComponent(stem)}.json.gz`, { cache: 'no-store' });
      if (!res.ok || !res.body) return null;
      const doc = (await new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).json()) as Parameters<typeof decodeReferenceDoc>[0];
      return decodeReferenceDoc(doc);
    };
    const results: ParityResult[] = [];
    for (const [i, entry] of entries.entries()) {
      const bytes = await downloads[i]!;
      results.push(await runParityCase(core, { file: entry.file, entry, bytes }, sha256, explainMismatches ? reference : undefined));
    }
    return results;
  },
  bench,
  benchBase64: (b64, iterations, warmup) => bench(fromBase64(b64), iterations, warmup),
};
