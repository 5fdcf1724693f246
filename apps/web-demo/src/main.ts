/**
 * The demo page: drop images (or pick them), and each one is scanned here, in the page, by
 * @starlight/runtime-web (decoding, features and payload extraction by @starlight/core, the
 * detector by onnxruntime-web on WebAssembly). Nothing is uploaded.
 *
 * Test hook: `window.starlightDemo` (see DemoApi) gives the full ScanResult of every image.
 */
import type { ScanResult, Scanner } from '@starlight/core';
import { createScanner } from '@starlight/runtime-web';
import { env } from 'onnxruntime-web/wasm';

export interface DemoInfo {
  backend: string;
  model: { name: string; version: string; precision: string; threshold: number };
  /** wasm threads onnxruntime-web actually uses (1 unless the page is cross-origin isolated). */
  threads: number;
  crossOriginIsolated: boolean;
  loadMs: number;
}

export interface DemoEntry {
  name: string;
  size: number;
  result: ScanResult;
}

export interface DemoApi {
  /** Resolves once the model is loaded (rejects if it cannot be). */
  ready: Promise<DemoInfo>;
  /** One entry per image, in the order they were added, appended as each scan finishes. */
  results: DemoEntry[];
  /** Images added so far (scanned or not). */
  added: number;
  /** Resolves when every image added so far has been scanned. */
  idle(): Promise<void>;
}

declare global {
  interface Window {
    starlightDemo: DemoApi;
  }
}

const PREVIEW_TEXT = 160; // characters of payload text shown before "show all"
const PREVIEW_HEX = 96; // hex digits (48 bytes) shown when the payload is not text

const $ = <T extends HTMLElement>(selector: string): T => document.querySelector<T>(selector)!;
const dropZone = $<HTMLElement>('#drop');
const input = $<HTMLInputElement>('#files');
const status = $<HTMLParagraphElement>('#status');
const table = $<HTMLTableElement>('#results');
const tbody = table.tBodies[0]!;

const base = new URL('./', import.meta.url); // where main.js, ort/ and starlight.onnx are
const t0 = performance.now();
const scannerReady: Promise<Scanner> = createScanner({
  model: new URL('starlight.onnx', base),
  wasmPaths: new URL('ort/', base).href,
});

const api: DemoApi = {
  ready: scannerReady.then((scanner) => ({
    backend: scanner.backend,
    model: { name: scanner.spec.name, version: scanner.spec.version, precision: scanner.spec.precision, threshold: scanner.spec.threshold },
    threads: env.wasm.numThreads ?? 1,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    loadMs: Math.round(performance.now() - t0),
  })),
  results: [],
  added: 0,
  idle: () => queue,
};
window.starlightDemo = api;

let info = '';
const counts = { stego: 0, clean: 0, error: 0 };
let queue: Promise<void> = Promise.resolve();

function showStatus(): void {
  const done = api.results.length;
  const progress =
    done < api.added
      ? `scanning ${done + 1} of ${api.added}…`
      : done
        ? `${done} image${done === 1 ? '' : 's'}: ${counts.stego} stego, ${counts.clean} clean, ${counts.error} could not be scanned`
        : 'ready for images';
  status.textContent = `${info || 'Loading the detector…'} — ${progress}`;
}

api.ready.then(
  (i) => {
    info =
      `Model ${i.model.name} ${i.model.version} (${i.model.precision}, threshold ${i.model.threshold.toFixed(4)}) on ${i.backend}, ` +
      `${i.threads} thread${i.threads === 1 ? '' : 's'}${i.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'}, loaded in ${i.loadMs} ms`;
    showStatus();
  },
  (e: unknown) => {
    status.textContent = `The detector could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    status.classList.add('error');
  },
);

/** An element with text (never HTML: file names and payloads are untrusted). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

interface Row {
  tr: HTMLTableRowElement;
  file: HTMLTableCellElement;
  verdict: HTMLTableCellElement;
  method: HTMLTableCellElement;
  bitOrder: HTMLTableCellElement;
  payload: HTMLTableCellElement;
}

function addRow(file: File): Row {
  const tr = el('tr');
  tr.dataset.state = 'pending';
  tr.dataset.file = file.name;
  const thumb = el('td', undefined, 'thumb');
  const img = el('img');
  img.alt = '';
  img.loading = 'lazy';
  img.src = URL.createObjectURL(file);
  img.onload = () => URL.revokeObjectURL(img.src);
  img.onerror = () => {
    URL.revokeObjectURL(img.src);
    const none = el('span', '?', 'none');
    none.setAttribute('aria-hidden', 'true');
    img.replaceWith(none);
  };
  thumb.append(img);
  const row: Row = {
    tr,
    file: el('td', undefined, 'file'),
    verdict: el('td', undefined, 'verdict-cell'),
    method: el('td', '—'),
    bitOrder: el('td', '—'),
    payload: el('td', '—', 'payload'),
  };
  row.file.append(el('span', file.name), el('small', formatBytes(file.size)));
  row.verdict.append(el('span', 'Scanning…', 'verdict pending'));
  tr.append(thumb, row.file, row.verdict, row.method, row.bitOrder, row.payload);
  tbody.append(tr);
  table.hidden = false;
  return row;
}

function showPayload(cell: HTMLTableCellElement, p: NonNullable<ScanResult['payload']>): void {
  cell.textContent = '';
  const isText = p.text !== null;
  // The preview is one paragraph (line breaks shown as ↵); "show all" has the payload as it is.
  const preview = isText ? p.text!.replace(/\r?\n/g, ' ↵ ') : p.hex;
  const limit = isText ? PREVIEW_TEXT : PREVIEW_HEX;
  cell.append(el(isText ? 'q' : 'code', preview.length > limit ? `${preview.slice(0, limit)}…` : preview, isText ? 'text' : 'hex'));
  if (preview.length > limit) {
    const details = el('details');
    details.append(el('summary', `show all ${isText ? `${p.text!.length} characters` : `${p.length} bytes`}`), el('pre', isText ? p.text! : p.hex, isText ? 'text' : 'hex'));
    cell.append(details);
  }
  const notes = [`${p.length} B ${isText ? 'text' : 'binary, hex'}`, [p.method, p.bitOrder, p.channel && `channel ${p.channel}`, p.field].filter(Boolean).join(', ')];
  if (p.truncated) notes.push('probably longer than what was read');
  cell.append(el('small', notes.join(' · '), 'detail'));
}

function showResult(row: Row, name: string, size: number, r: ScanResult): void {
  const state = r.error ? 'error' : r.stego ? 'stego' : 'clean';
  const { tr } = row;
  tr.dataset.state = state;
  if (r.sha256) tr.dataset.sha256 = r.sha256;
  if (r.probability !== null) tr.dataset.probability = String(r.probability);
  if (r.error) tr.dataset.error = r.error.code;

  row.file.textContent = '';
  const facts = r.format ? [`${r.format.toUpperCase()} ${r.width}×${r.height} ${r.mode}`, formatBytes(size)] : [formatBytes(size)];
  row.file.append(el('span', name), el('small', facts.join(' · ')));
  if (r.sha256) row.file.title = `SHA-256 ${r.sha256}`;

  row.verdict.textContent = '';
  if (r.error) {
    const code = el('small', undefined, 'detail');
    code.append(el('code', r.error.code));
    row.verdict.append(el('span', 'Not scanned', 'verdict error'), code, el('small', r.error.message, 'detail'));
  } else {
    row.verdict.append(el('span', r.stego ? 'Stego' : 'Clean', `verdict ${state}`), el('small', `p = ${r.probability!.toFixed(4)}`, 'detail'));
  }
  row.method.textContent = r.method ?? '—';
  row.bitOrder.textContent = r.bitOrder ?? '—';
  if (r.payload) showPayload(row.payload, r.payload);
  counts[state]++;
}

async function scanFiles(files: File[], rows: Row[]): Promise<void> {
  let scanner: Scanner;
  try {
    scanner = await scannerReady;
  } catch {
    for (const row of rows) row.verdict.replaceChildren(el('span', 'Detector unavailable', 'verdict error'));
    return;
  }
  // scanMany batches the model runs; a file that cannot be read comes back as an E_IO result.
  const inputs = files.map((f) => async () => new Uint8Array(await f.arrayBuffer()));
  let i = 0;
  for await (const result of scanner.scanMany(inputs)) {
    const file = files[i]!;
    showResult(rows[i]!, file.name, file.size, result);
    api.results.push({ name: file.name, size: file.size, result });
    i++;
    showStatus();
  }
}

function addFiles(list: FileList | null): void {
  const files = [...(list ?? [])];
  if (!files.length) return;
  const rows = files.map(addRow);
  api.added += files.length;
  showStatus();
  queue = queue.then(() => scanFiles(files, rows));
}

input.addEventListener('change', () => {
  addFiles(input.files);
  input.value = ''; // picking the same files again scans them again
});

// Drag and drop: the zone lights up; a drop anywhere else must not navigate away from the page.
for (const type of ['dragenter', 'dragover'] as const) {
  dropZone.addEventListener(type, (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    dropZone.classList.add('over');
  });
}
dropZone.addEventListener('dragleave', (e) => {
  if (!dropZone.contains(e.relatedTarget as Node | null)) dropZone.classList.remove('over');
});
dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  dropZone.classList.remove('over');
  addFiles(e.dataTransfer?.files ?? null);
});
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());
