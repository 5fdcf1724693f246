import { extractStreams, isStarlightError, STREAM_NAMES, type Streams } from '@starlight/core';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { EXIT, exitCodeFor } from './exit-codes.js';

export interface StreamSummary {
  shape: number[];
  sha256: string;
  sum: number;
  min: number;
  max: number;
}

export function summarize(streams: Streams): Record<string, StreamSummary> {
  const out: Record<string, StreamSummary> = {};
  for (const name of STREAM_NAMES) {
    const { shape, data } = streams[name];
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const sha256 = createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
    out[name] = { shape, sha256, sum, min, max };
  }
  return out;
}

async function readInput(file: string): Promise<Uint8Array> {
  if (file !== '-') return new Uint8Array(await readFile(file));
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** `starlight streams <file…> [--json]`: the eight streams of each file, for debugging and parity work. */
export async function streamsCommand(files: string[], json: boolean): Promise<number> {
  let exit: number = EXIT.OK;
  for (const file of files) {
    try {
      const bytes = await readInput(file);
      const { image, streams } = await extractStreams(bytes);
      const summary = summarize(streams);
      if (json) {
        process.stdout.write(JSON.stringify({ file, streams: summary }) + '\n');
        continue;
      }
      const appended = bytes.length - image.end;
      process.stdout.write(
        `${file}: ${image.pillowFormat} ${image.width}x${image.height} mode ${image.mode}` +
          `${image.frames > 1 ? `, ${image.frames} frames` : ''}, exif ${image.exif.length} B` +
          `${appended > 0 ? `, ${appended} B after the container end` : ''}\n`,
      );
      for (const name of STREAM_NAMES) {
        const s = summary[name]!;
        process.stdout.write(
          `  ${name.padEnd(12)} ${JSON.stringify(s.shape).padEnd(14)} sum ${s.sum.toFixed(3).padStart(12)}  min ${s.min.toFixed(3)}  max ${s.max.toFixed(3)}  ${s.sha256.slice(0, 16)}\n`,
        );
      }
    } catch (e) {
      const code = isStarlightError(e) ? e.code : undefined;
      const message = e instanceof Error ? e.message : String(e);
      if (json) process.stdout.write(JSON.stringify({ file, error: { code: code ?? 'E_IO', message } }) + '\n');
      else process.stderr.write(`${file}: ${code ?? 'error'}: ${message}\n`);
      exit = Math.max(exit, exitCodeFor(code));
    }
  }
  return exit;
}
