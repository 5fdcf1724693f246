#!/usr/bin/env node
/* global console, process, URL -- Node globals (the root eslint config declares none for plain JS) */
/**
 * Serves the built demo (dist/) on http://127.0.0.1:<port>/ with COOP/COEP, so the page is
 * cross-origin isolated and onnxruntime-web can use wasm threads.
 *
 *   node serve.mjs [--port 8080] [--host 127.0.0.1]
 *
 * Also imported by the test (startServer), which mounts extra folders.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
};

/** Headers that make the page cross-origin isolated (SharedArrayBuffer, hence wasm threads). */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * A static GET/HEAD server. `mounts` maps URL prefixes (ending in "/") to folders; "/" is `dir`.
 * @param {{ dir: string, port?: number, host?: string, mounts?: Record<string, string> }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export function startServer({ dir, port = 0, host = '127.0.0.1', mounts = {} }) {
  const roots = [...Object.entries(mounts).map(([prefix, folder]) => ({ prefix, base: resolve(folder) })), { prefix: '/', base: resolve(dir) }];
  const server = createServer((req, res) => {
    const fail = (/** @type {number} */ status) => res.writeHead(status, { 'content-type': 'text/plain', ...ISOLATION_HEADERS }).end(String(status));
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405);
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return fail(400);
    }
    if (path.endsWith('/')) path += 'index.html';
    const root = roots.find((r) => path.startsWith(r.prefix));
    if (!root) return fail(404);
    const file = resolve(root.base, '.' + path.slice(root.prefix.length - 1));
    if (!file.startsWith(root.base + sep)) return fail(403);
    let size;
    try {
      const st = statSync(file);
      if (!st.isFile()) return fail(404);
      size = st.size;
    } catch {
      return fail(404);
    }
    res.writeHead(200, {
      'content-type': MIME[/** @type {keyof typeof MIME} */ (extname(file).toLowerCase())] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-cache',
      ...ISOLATION_HEADERS,
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, ko) => {
    server.once('error', ko);
    server.listen(port, host, () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      ok({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}/`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (/** @type {string} */ name, /** @type {string} */ fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
  };
  const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'dist');
  try {
    statSync(join(dir, 'index.html'));
  } catch {
    console.error(`${dir}/index.html is missing: build the demo first (npx nx run web-demo:build).`);
    process.exit(1);
  }
  const { url } = await startServer({ dir, port: Number(arg('--port', '8080')), host: arg('--host', '127.0.0.1') });
  console.log(`Starlight demo: ${url}  (Ctrl-C to stop)`);
}
