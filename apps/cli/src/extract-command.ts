import { BIT_ORDERS, extractPayload, isStarlightError, PAYLOAD_METHODS, type BitOrder, type PayloadCandidate, type PayloadMethod } from '@starlight/core';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EXIT, EXIT_NOT_FOUND, exitCodeFor } from './exit-codes.js';
import { UsageError } from './usage.js';

interface ExtractOptions {
  file: string;
  methods: PayloadMethod[] | undefined;
  bitOrder: BitOrder | undefined;
  out: string | undefined;
  force: boolean;
}

export function parseExtractArgs(args: string[]): ExtractOptions | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      method: { type: 'string' },
      'bit-order': { type: 'string' },
      out: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError(`extract: expected one file, got ${positionals.length}`);
  let methods: PayloadMethod[] | undefined;
  if (values.method !== undefined) {
    methods = values.method.split(',').map((m) => m.trim()) as PayloadMethod[];
    const bad = methods.find((m) => !PAYLOAD_METHODS.includes(m));
    if (bad !== undefined) throw new UsageError(`extract: --method must be one of ${PAYLOAD_METHODS.join(', ')}, got ${JSON.stringify(bad)}`);
  }
  const bitOrder = values['bit-order'] as BitOrder | undefined;
  if (bitOrder !== undefined && !BIT_ORDERS.includes(bitOrder)) throw new UsageError(`extract: --bit-order must be one of ${BIT_ORDERS.join(', ')}, got ${JSON.stringify(bitOrder)}`);
  if (values.out === '') throw new UsageError('extract: --out needs a file');
  return { file: positionals[0]!, methods, bitOrder, out: values.out, force: values.force ?? false };
}

async function readInput(file: string): Promise<Uint8Array> {
  if (file !== '-') return new Uint8Array(await readFile(file));
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

const describe = (c: PayloadCandidate): string =>
  `${[c.method, c.bitOrder, c.channel && `channel ${c.channel}`, c.field].filter(Boolean).join(' ')}, ${c.length} B, confidence ${c.confidence.toFixed(4)}${c.truncated ? ', truncated (probably longer than what was read)' : ''}`;

/** `starlight extract`: one file's payload, to --out or standard output. */
export async function extractCommand(o: ExtractOptions): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = await readInput(o.file);
  } catch (e) {
    process.stderr.write(`${o.file}: E_IO: ${(e as Error).message}\n`);
    return EXIT.ERROR;
  }
  let pick: PayloadCandidate | null;
  let best: PayloadCandidate | null;
  try {
    const report = await extractPayload(bytes, { method: o.methods, bitOrder: o.bitOrder });
    best = report.candidates[0] ?? null;
    pick = report.found ?? (o.force ? best : null);
  } catch (e) {
    const code = isStarlightError(e) ? e.code : undefined;
    process.stderr.write(`${o.file}: ${code ?? 'E_DECODER'}: ${(e as Error).message}\n`);
    return code ? exitCodeFor(code) : EXIT.ERROR;
  }
  if (!pick) {
    const hint = best ? ` (best reading: ${describe(best)}; --force takes it)` : '';
    process.stderr.write(`${o.file}: no payload found${hint}\n`);
    return EXIT_NOT_FOUND;
  }
  if (o.out !== undefined) {
    try {
      await writeFile(o.out, pick.bytes);
    } catch (e) {
      process.stderr.write(`starlight: E_IO: cannot write ${o.out}: ${(e as Error).message}\n`);
      return EXIT.ERROR;
    }
    process.stderr.write(`${o.file}: ${describe(pick)}: wrote ${pick.length} B to ${o.out}\n`);
    return EXIT.OK;
  }
  process.stderr.write(`${o.file}: ${describe(pick)}${pick.text === null ? ': binary, printed as hex (--out writes the bytes)' : ''}\n`);
  const body = pick.text ?? pick.hex;
  process.stdout.write(pick.text === null || (process.stdout.isTTY && !body.endsWith('\n')) ? body + '\n' : body);
  return EXIT.OK;
}
