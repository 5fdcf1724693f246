import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The built binary, run as a child process as a user would (the nx test target builds it first). */
export const BIN = join(process.cwd(), 'dist/bin.js');
export const ROOT = join(process.cwd(), '../..');
export const SHARED = process.env.STARLIGHT_SHARED ?? join(ROOT, '../shared');
export const FIX = join(SHARED, 'fixtures/starlight-v4');
export const EX = join(ROOT, 'examples');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(args: string[], o: { input?: Uint8Array | string; cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { input: o.input ?? '', cwd: o.cwd ?? ROOT, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function ndjson(text: string): Json[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));
}

/** A strict RFC 4180 reader (quoted fields, doubled quotes, CRLF records); throws on malformed input. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.startsWith('\r\n', i)) i += 2;
    else if (i < text.length) throw new Error(`expected CRLF or a comma at ${i}, got ${JSON.stringify(text[i])}`);
    rows.push(row);
    row = [];
  }
  return rows;
}

/** The scan result contract's keys, in order, after `file`. */
export const RECORD_KEYS = ['file', 'sha256', 'format', 'width', 'height', 'mode', 'stego', 'probability', 'method', 'methodProbabilities', 'bitOrder', 'bitOrderProbabilities', 'payload', 'model', 'timings', 'error'];

/** A record without its timings (which differ from run to run). */
export const withoutTimings = (r: Json): Json => ({ ...r, timings: undefined });
