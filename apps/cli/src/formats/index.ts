import { csvFormatter } from './csv.js';
import { jsonFormatter } from './json.js';
import { ndjsonFormatter } from './ndjson.js';
import { sarifFormatter } from './sarif.js';
import { tableFormatter } from './table.js';
import type { FormatContext, Formatter } from './types.js';

export type { FormatContext, Formatter, ScanRecord, Summary } from './types.js';

export const FORMATS = {
  table: tableFormatter,
  json: jsonFormatter,
  ndjson: ndjsonFormatter,
  csv: csvFormatter,
  sarif: sarifFormatter,
} as const satisfies Record<string, (ctx: FormatContext) => Formatter>;

export type FormatName = keyof typeof FORMATS;

export const isFormat = (s: string): s is FormatName => Object.hasOwn(FORMATS, s);
