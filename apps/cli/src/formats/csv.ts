import type { FormatContext, Formatter, ScanRecord } from './types.js';

type Cell = string | number | boolean | null | undefined;

/** The columns, in order, and how each is read from a record (null and absent become empty cells). */
export const CSV_COLUMNS: readonly [string, (r: ScanRecord) => Cell][] = [
  ['file', (r) => r.file],
  ['sha256', (r) => r.sha256],
  ['format', (r) => r.format],
  ['width', (r) => r.width],
  ['height', (r) => r.height],
  ['mode', (r) => r.mode],
  ['stego', (r) => r.stego],
  ['probability', (r) => r.probability],
  ['method', (r) => r.method],
  ['bitOrder', (r) => r.bitOrder],
  ['payloadMethod', (r) => r.payload?.method],
  ['payloadBitOrder', (r) => r.payload?.bitOrder],
  ['payloadChannel', (r) => r.payload?.channel],
  ['payloadField', (r) => r.payload?.field],
  ['payloadLength', (r) => r.payload?.length],
  ['payloadTruncated', (r) => r.payload?.truncated],
  ['payloadText', (r) => r.payload?.text],
  ['payloadHex', (r) => r.payload?.hex],
  ['errorCode', (r) => r.error?.code],
  ['errorMessage', (r) => r.error?.message],
];

/** RFC 4180: a field holding a comma, quote, CR or LF is quoted, quotes doubled. */
export function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const row = (cells: Cell[]): string => cells.map(csvField).join(',') + '\r\n';

/** RFC 4180 CSV: a header row, then one row per file (CRLF line ends). */
export function csvFormatter({ out }: FormatContext): Formatter {
  return {
    begin: () => out.write(row(CSV_COLUMNS.map(([name]) => name))),
    record: (r) => out.write(row(CSV_COLUMNS.map(([, get]) => get(r)))),
    end: async () => undefined,
  };
}
