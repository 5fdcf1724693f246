/**
 * A page in headless Debian Chromium (playwright-core, no downloaded browsers) served from a
 * node:http server on 127.0.0.1 with cross-origin isolation (so onnxruntime-web may use threads).
 * `routes` maps URL paths to files; "/ort/<file>" serves onnxruntime-web's dist; "/" is a page
 * that loads "/entry.js" as a module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const ORT_DIST = fileURLToPath(new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url));
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

const TYPES: Record<string, string> = { js: 'text/javascript', mjs: 'text/javascript', wasm: 'application/wasm', html: 'text/html' };

export async function openChromiumPage(routes: Record<string, string>): Promise<{ page: Page; browser: Browser; errors: string[]; close(): Promise<void> }> {
  const exe = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(exe)) throw new Error(`Chromium not found at ${exe}: apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH)`);
  const server = createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    let path = routes[url];
    if (url.startsWith('/ort/') && /^[\w.-]+$/.test(url.slice(5))) path = join(ORT_DIST, url.slice(5));
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    if (url === '/' && !path) {
      res.setHeader('Content-Type', 'text/html');
      return res.end('<!doctype html><meta charset="utf-8"><script type="module" src="/entry.js"></script>');
    }
    if (!path || !existsSync(path)) return res.writeHead(404).end();
    res.setHeader('Content-Type', TYPES[path.slice(path.lastIndexOf('.') + 1)] ?? 'application/octet-stream');
    res.end(readFileSync(path));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  return {
    page,
    browser,
    errors,
    async close() {
      await browser.close();
      server.close();
    },
  };
}
