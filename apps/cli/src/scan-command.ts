import { DEFAULT_LIMITS, errorResult, isStarlightError } from '@starlight/core';
import { createScanPool, type ScanPool } from '@starlight/runtime-node';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, exitCodeFor, exitCodeForResult, worstExit } from './exit-codes.js';
import { FORMATS, isFormat, type FormatName, type ScanRecord, type Summary } from './formats/index.js';
import { expandInputs, type Entry } from './inputs.js';
import { Output } from './output.js';
import { Progress } from './progress.js';
import { UsageError } from './usage.js';

const EXTENSION_FORMATS: Record<string, FormatName> = { '.json': 'json', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.csv': 'csv', '.sarif': 'sarif' };

interface ScanOptions {
  paths: string[];
  format: FormatName;
  output: string | null;
  quiet: boolean;
  threshold: number | undefined;
  model: string | undefined;
  workers: number;
  extract: boolean;
}

export function parseScanArgs(args: string[]): ScanOptions | 'help' {
  const { values, positionals, tokens } = parseArgs({
    args,
    allowPositionals: true,
    tokens: true,
    options: {
      format: { type: 'string', short: 'f' },
      json: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      quiet: { type: 'boolean', short: 'q' },
      threshold: { type: 'string' },
      model: { type: 'string' },
      concurrency: { type: 'string', short: 'j' },
      extract: { type: 'boolean' },
      'no-extract': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('scan: no paths given (use - for standard input)');
  if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('scan: - (standard input) can be given once');
  if (values.format !== undefined && !isFormat(values.format)) throw new UsageError(`scan: --format must be one of ${Object.keys(FORMATS).join(', ')}`);
  if (values.json && values.format !== undefined && values.format !== 'ndjson') throw new UsageError('scan: --json means --format ndjson');
  const output = values.output ?? null;
  const format: FormatName =
    (values.format as FormatName | undefined) ??
    (values.json ? 'ndjson' : output !== null ? (EXTENSION_FORMATS[extname(output).toLowerCase()] ?? 'ndjson') : process.stdout.isTTY ? 'table' : 'ndjson');
  let threshold: number | undefined;
  if (values.threshold !== undefined) {
    threshold = Number(values.threshold);
    if (values.threshold.trim() === '' || !(threshold > 0 && threshold < 1)) throw new UsageError(`scan: --threshold must be a number between 0 and 1 (exclusive), got ${JSON.stringify(values.threshold)}`);
  }
  let workers = availableParallelism();
  if (values.concurrency !== undefined) {
    workers = Number(values.concurrency);
    if (!/^\d+$/.test(values.concurrency) || workers < 1 || workers > 256) throw new UsageError(`scan: --concurrency must be an integer from 1 to 256, got ${JSON.stringify(values.concurrency)}`);
  }
  if (values.model === '') throw new UsageError('scan: --model needs a file');
  // --extract / --no-extract: the last one given wins.
  let extract = true;
  for (const t of tokens ?? []) if (t.kind === 'option' && (t.name === 'extract' || t.name === 'no-extract')) extract = t.name === 'extract';
  return { paths: positionals, format, output, quiet: values.quiet ?? false, threshold, model: values.model, workers, extract };
}

/** Standard input, read whole (stopping one byte past the decoder's size limit, which then reports E_TOO_LARGE). */
async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    size += (c as Buffer).length;
    if (size > DEFAULT_LIMITS.maxBytes) break;
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** A result for an argument that never reached a worker (missing file, unreadable folder, glob without matches). */
function failedEntry(e: Extract<Entry, { kind: 'error' }>, pool: ScanPool): ScanRecord {
  const { name, version, precision } = pool.spec;
  return { file: e.file, ...errorResult({ code: 'E_IO', message: e.message }, { name, version, precision }) };
}

export async function scanCommand(o: ScanOptions, version: string): Promise<number> {
  let pool: ScanPool;
  try {
    pool = await createScanPool({ workers: o.workers, model: o.model, threshold: o.threshold, extract: o.extract });
  } catch (e) {
    const code = isStarlightError(e) ? e.code : undefined;
    process.stderr.write(`starlight: ${code ?? 'error'}: ${e instanceof Error ? e.message : String(e)}\n`);
    return exitCodeFor(code);
  }
  let out: Output;
  try {
    out = o.output === null ? Output.stdout() : await Output.file(o.output);
  } catch (e) {
    await pool.dispose();
    process.stderr.write(`starlight: E_IO: cannot write ${o.output}: ${(e as Error).message}\n`);
    return EXIT.ERROR;
  }

  // The progress bar's total comes from a second walk that only counts (lazily, memory stays flat).
  const progress = process.stderr.isTTY && !o.quiet ? new Progress() : null;
  let finished = false;
  if (progress) {
    if (o.output === null && process.stdout.isTTY) out.beforeWrite = () => progress.clear();
    void (async () => {
      let n = 0;
      for await (const _ of expandInputs(o.paths)) {
        if (finished) return;
        n++;
      }
      if (!finished) progress.setTotal(n);
    })().catch(() => undefined);
  }

  const startTime = new Date();
  const t0 = performance.now();
  const formatter = FORMATS[o.format]({ out, version, cwd: process.cwd(), quiet: o.quiet, startTime });
  const summary: Summary = { files: 0, stego: 0, clean: 0, errors: 0, seconds: 0, exitCode: EXIT.OK, aborted: null };

  const emit = async (r: ScanRecord): Promise<void> => {
    summary.files++;
    if (r.error) summary.errors++;
    else if (r.stego) summary.stego++;
    else summary.clean++;
    summary.exitCode = worstExit(summary.exitCode, exitCodeForResult(r));
    if (!o.quiet || r.error || r.stego) await formatter.record(r);
    progress?.tick();
  };

  // Ctrl-C stops pulling inputs; the files in flight are finished and the output is closed properly
  // (a complete JSON array or SARIF log). A second Ctrl-C exits at once.
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) process.exit(EXIT.INTERRUPTED);
    interrupted = true;
  };
  process.on('SIGINT', onSigint);

  // Entries in the order they were pulled; results come back in the same order, and the error
  // entries (which never reach a worker) are emitted in their place, or at once when nothing is
  // in flight before them.
  const pending: Entry[] = [];
  async function* feed(): AsyncGenerator<string | Uint8Array> {
    for await (const e of expandInputs(o.paths)) {
      if (out.closed || interrupted) return;
      if (e.kind === 'error' && pending.length === 0) {
        await emit(failedEntry(e, pool));
        continue;
      }
      pending.push(e);
      if (e.kind === 'path') yield e.file;
      else if (e.kind === 'stdin') yield await readStdin();
    }
  }
  const flushErrors = async (): Promise<void> => {
    while (pending[0]?.kind === 'error') await emit(failedEntry(pending.shift() as Extract<Entry, { kind: 'error' }>, pool));
  };

  await formatter.begin();
  try {
    for await (const r of pool.scanMany(feed())) {
      await flushErrors();
      await emit({ file: pending.shift()!.file, ...r });
      if (out.closed) break;
    }
    await flushErrors();
  } catch (e) {
    summary.aborted = `${isStarlightError(e) ? `${e.code}: ` : ''}${e instanceof Error ? e.message : String(e)}`;
    summary.exitCode = worstExit(summary.exitCode, EXIT.ERROR);
  } finally {
    await pool.dispose();
    process.off('SIGINT', onSigint);
  }
  if (interrupted && !summary.aborted) {
    summary.aborted = 'interrupted';
    summary.exitCode = worstExit(summary.exitCode, EXIT.INTERRUPTED);
  }
  finished = true;
  progress?.clear();
  summary.seconds = (performance.now() - t0) / 1000;
  await formatter.end(summary);
  await out.close();
  if (summary.aborted) process.stderr.write(`starlight: scan stopped: ${summary.aborted}\n`);
  if (out.failure) {
    process.stderr.write(`starlight: E_IO: cannot write the output: ${out.failure.message}\n`);
    return EXIT.ERROR;
  }
  return summary.exitCode;
}
