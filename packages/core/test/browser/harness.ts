/**
 * Runs @starlight/core in real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core; `npx playwright install` is not needed).
 *
 *   const h = await startBrowserHarness();      // bundles entry.ts, serves it, opens a page
 *   const ms = await h.bench(bytes, 20);        // extractStreams timings in the page
 *   const r = await h.page.evaluate(...);       // anything else against globalThis.starlight
 *   await h.close();
 *
 * What it does:
 *  1. bundles test/browser/entry.ts (which imports the built dist/index.js: the code browser
 *     users get) with esbuild, platform 'browser', format 'esm', code splitting on (so the
 *     embedded wasm bytes and the jsquash glue stay lazily loaded chunks, as in an app), into
 *     test-output/browser/;
 *  2. serves that folder at / and the fixtures folder at /fixtures/ from a node:http static
 *     server bound to 127.0.0.1 on an ephemeral port (GET/HEAD only, no path escapes);
 *  3. launches Chromium, with every host but 127.0.0.1 unresolvable, opens index.html and
 *     waits for `globalThis.starlight` (see entry.ts for the page API).
 *
 * Needs a built core (`npx nx run core:build`); it refuses a dist older than src.
 * cwd must be packages/core (as for jest and the nx targets) unless `coreRoot` is given.
 * Chromium: `apt-get install -y --no-install-recommends chromium`, or set CHROMIUM_PATH.
 */
import { build } from 'esbuild';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FIXTURES, requireShared } from '../helpers/fixtures.js';
import type { StarlightPageApi } from './entry.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface HarnessOptions {
  /** Default: $CHROMIUM_PATH, else /usr/bin/chromium. */
  executablePath?: string;
  /** packages/core. Default: process.cwd(). */
  coreRoot?: string;
  /** The starlight-v4 fixtures folder served at /fixtures/. Default: helpers/fixtures.ts's FIXTURES. */
  fixtures?: string;
  /** Default: <coreRoot>/test-output/browser. */
  outDir?: string;
  /** Forwarded page console lines go here too (e.g. console.log for debugging). Default: kept in `console` only. */
  onConsole?: (line: string) => void;
}

export interface BrowserHarness {
  browser: Browser;
  page: Page;
  /** http://127.0.0.1:<port>/ , the harness page's origin. */
  url: string;
  /** `${url}fixtures`, to pass to `starlight.parity`. */
  fixturesUrl: string;
  /** Uncaught exceptions in the page, and requests that were blocked or failed. */
  errors: string[];
  /** Every console line the page printed, as `type: text`. */
  console: string[];
  /** What esbuild warned about while bundling. */
  buildWarnings: string[];
  /** Time extractStreams on `bytes` in the page; returns per-iteration ms (see StarlightPageApi.bench). */
  bench(bytes: Uint8Array, iterations: number, warmup?: number): Promise<number[]>;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/**
 * Refuses to test a missing or stale build: a browser pass must be about the current code.
 * Stale = some source file that src/index.ts reaches (per an esbuild metafile) is newer than dist.
 */
async function checkDist(coreRoot: string): Promise<void> {
  const dist = join(coreRoot, 'dist/index.js');
  if (!existsSync(dist)) throw new Error(`${dist} is missing: build core first (cd /work/main && npx nx run core:build; the core:test target does it).`);
  const built = statSync(dist).mtimeMs;
  const { metafile } = await build({
    entryPoints: [join(coreRoot, 'src/index.ts')],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'neutral',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
    absWorkingDir: coreRoot,
  });
  const newer = Object.keys(metafile.inputs).filter((f) => statSync(join(coreRoot, f)).mtimeMs > built);
  if (newer.length) {
    throw new Error(`dist/index.js is older than ${newer.join(', ')}: rebuild core (npx nx run core:build) so the browser tests the current sources.`);
  }
}

function serve(roots: { prefix: string; dir: string }[]): Promise<Server> {
  const server = createServer((req, res) => {
    const fail = (status: number): void => {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405);
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      return fail(400);
    }
    if (path === '/') path = '/index.html';
    const root = roots.find((r) => path.startsWith(r.prefix));
    if (!root) return fail(404);
    const base = resolve(root.dir);
    const file = resolve(base, '.' + path.slice(root.prefix.length - 1));
    if (!file.startsWith(base + sep)) return fail(403);
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) return fail(404);
      size = st.size;
    } catch {
      return fail(404);
    }
    // No Content-Encoding for *.json.gz: the page gunzips those itself.
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-store' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, ko) => {
    server.once('error', ko);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

/** Bundles entry.ts (and the dist it imports) for the browser into outDir. */
export async function bundleHarness(coreRoot: string, outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: { harness: join(coreRoot, 'test/browser/entry.ts') },
    bundle: true,
    splitting: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outdir: outDir,
    sourcemap: true,
    minify: false,
    logLevel: 'silent',
    write: true,
    absWorkingDir: coreRoot,
  });
  writeFileSync(
    join(outDir, 'index.html'),
    '<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n<title>@starlight/core browser harness</title>\n<script type="module" src="./harness.js"></script>\n',
  );
  return result.warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`);
}

export async function startBrowserHarness(opts: HarnessOptions = {}): Promise<BrowserHarness> {
  const executablePath = opts.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: the browser parity suite needs it. ` +
        'Install it with `apt-get update && apt-get install -y --no-install-recommends chromium`, or set CHROMIUM_PATH.',
    );
  }
  const coreRoot = resolve(opts.coreRoot ?? process.cwd());
  if (!existsSync(join(coreRoot, 'test/browser/entry.ts'))) {
    throw new Error(`${coreRoot} is not packages/core: run from packages/core or pass { coreRoot }.`);
  }
  const fixtures = opts.fixtures ?? (requireShared(), FIXTURES);
  const outDir = opts.outDir ?? join(coreRoot, 'test-output/browser');
  await checkDist(coreRoot);
  const buildWarnings = await bundleHarness(coreRoot, outDir);

  const server = await serve([
    { prefix: '/fixtures/', dir: fixtures },
    { prefix: '/', dir: outDir },
  ]);
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const url = `${origin}/`;
  const closeServer = (): Promise<void> =>
    new Promise((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    });

  let browser: Browser;
  try {
    // Loopback only: every other host name resolves to nothing (no request interception, which
    // would cost a Node round trip per fetch); such attempts surface as failed requests in `errors`.
    const loopbackOnly = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';
    browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, loopbackOnly], timeout: 30_000 });
  } catch (e) {
    await closeServer();
    throw new Error(`Chromium at ${executablePath} failed to start: ${e instanceof Error ? e.message : String(e)}`);
  }
  const errors: string[] = [];
  const consoleLines: string[] = [];
  const close = async (): Promise<void> => {
    await browser.close().catch(() => undefined);
    await closeServer();
  };
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.stack ?? e.message}`));
    page.on('requestfailed', (r) => {
      if (!r.url().startsWith('data:')) errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
    });
    page.on('console', (m) => {
      const line = `${m.type()}: ${m.text()}`;
      consoleLines.push(line);
      opts.onConsole?.(line);
    });
    await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
    await page.waitForFunction(() => globalThis.starlight?.ready === true, undefined, { timeout: 30_000 }).catch((e: unknown) => {
      throw new Error(`the harness page did not start: ${[...errors, ...consoleLines].join('\n') || String(e)}`);
    });
    return {
      browser,
      page,
      url,
      fixturesUrl: `${origin}/fixtures`,
      errors,
      console: consoleLines,
      buildWarnings,
      bench: (bytes, iterations, warmup = 1) =>
        page.evaluate(
          ([b64, n, w]) => (globalThis.starlight as StarlightPageApi).benchBase64(b64, n, w),
          [Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), iterations, warmup] as const,
        ),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
