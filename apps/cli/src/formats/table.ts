import type { FormatContext, Formatter, ScanRecord } from './types.js';

/** Makes untrusted text (file names, payloads, messages) safe for a terminal: controls and bidi overrides escaped. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const k = c.charCodeAt(0);
    return k === 10 ? '\\n' : k === 9 ? '\\t' : k === 13 ? '\\r' : `\\u${k.toString(16).padStart(4, '0')}`;
  });
}

const PREVIEW = 72;

function preview(r: ScanRecord): string {
  const p = r.payload!;
  const what = [p.method, p.bitOrder, p.channel && `channel ${p.channel}`, p.field && printable(p.field), `${p.length} B`].filter(Boolean).join(', ');
  const body = p.text !== null ? `"${printable(p.text.slice(0, PREVIEW))}"` : `0x${p.hex.slice(0, PREVIEW)}`;
  const more = (p.text ?? p.hex).length > PREVIEW || p.truncated ? '…' : '';
  return `    payload (${what}): ${body}${more}\n`;
}

const HEADER = `${'VERDICT'.padEnd(8)} ${'PROB'.padEnd(7)} ${'METHOD'.padEnd(8)} ${'FORMAT'.padEnd(6)} ${'SIZE'.padEnd(10)} FILE\n`;

/** A readable table for terminals: one line per file, the payload or the error under it, a summary at the end. */
export function tableFormatter({ out, quiet }: FormatContext): Formatter {
  let headed = false;
  return {
    begin: async () => undefined,
    async record(r) {
      const verdict = r.error ? 'ERROR' : r.stego ? 'STEGO' : 'clean';
      const prob = r.probability === null ? '-' : r.probability.toFixed(4);
      const size = r.width === null ? '-' : `${r.width}x${r.height}`;
      let text = headed ? '' : HEADER;
      headed = true;
      text += `${verdict.padEnd(8)} ${prob.padEnd(7)} ${(r.method ?? '-').padEnd(8)} ${(r.format ?? '-').padEnd(6)} ${size.padEnd(10)} ${printable(r.file)}\n`;
      if (r.error) text += `    ${r.error.code}: ${printable(r.error.message)}\n`;
      else if (r.payload) text += preview(r);
      await out.write(text);
    },
    async end(s) {
      if (s.aborted) await out.write(`scan stopped: ${printable(s.aborted)}\n`);
      if (quiet) return;
      const rate = s.seconds > 0 ? s.files / s.seconds : 0;
      await out.write(
        `\n${s.files} file${s.files === 1 ? '' : 's'}: ${s.stego} stego, ${s.clean} clean, ${s.errors} error${s.errors === 1 ? '' : 's'}` +
          ` (${s.seconds.toFixed(1)} s, ${rate.toFixed(1)} files/s)\n`,
      );
    },
  };
}
