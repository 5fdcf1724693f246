import { DETECTOR_METHODS, ERROR_CODES } from '@starlight/core';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FormatContext, Formatter, ScanRecord } from './types.js';

const METHOD_HELP: Record<(typeof DETECTOR_METHODS)[number], string> = {
  alpha: 'a payload in the least significant bits of the alpha channel',
  palette: 'a payload in the least significant bits of the palette indices',
  'lsb.rgb': 'a payload in the least significant bits of the red, green and blue samples',
  exif: 'a payload in the EXIF UserComment or another metadata text field (PNG text chunk, JPEG comment, XMP, GIF comment)',
  eoi: 'data appended after the end of the image container',
  dct: "a payload in the JPEG's DCT coefficients (JSteg, OutGuess, F5, steghide and similar tools)",
};

/** Rules: one per embedding method (findings), one per error code (files that could not be scanned). */
export const SARIF_RULES = [
  ...DETECTOR_METHODS.map((m) => ({
    id: `starlight/${m}`,
    name: `HiddenPayload${m.replace(/(^|\.)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
    shortDescription: { text: `Hidden payload (${m})` },
    fullDescription: { text: `The detector found ${METHOD_HELP[m]}.` },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['steganography', m] },
  })),
  ...ERROR_CODES.map((code) => ({
    id: `starlight/error/${code}`,
    name: `ScanError${code.slice(2).toLowerCase().replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
    shortDescription: { text: `File could not be scanned (${code})` },
    fullDescription: { text: `Starlight could not scan the file: ${code}. It may still hide a payload.` },
    defaultConfiguration: { level: 'warning' },
    properties: { tags: ['scan-error'] },
  })),
];
const RULE_INDEX = new Map(SARIF_RULES.map((r, i) => [r.id, i]));

/** A relative URI (against %SRCROOT%, the working directory) for files under it, else a file: URI; stdin has none. */
function artifactLocation(file: string, cwd: string): Record<string, unknown> {
  if (file === '-') return { description: { text: 'standard input' } };
  const abs = resolve(cwd, file);
  const rel = relative(cwd, abs);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  return { uri: pathToFileURL(abs).href };
}

function resultOf(r: ScanRecord, cwd: string): Record<string, unknown> | null {
  const locations = [{ physicalLocation: { artifactLocation: artifactLocation(r.file, cwd) } }];
  if (r.error) {
    const ruleId = `starlight/error/${r.error.code}`;
    return { ruleId, ruleIndex: RULE_INDEX.get(ruleId), level: 'warning', message: { text: `${r.error.code}: ${r.error.message}` }, locations, properties: { sha256: r.sha256, error: r.error } };
  }
  if (!r.stego) return null;
  const method = r.method ?? r.payload?.method ?? 'eoi';
  const ruleId = `starlight/${method}`;
  const p = r.payload;
  const what = p ? `: ${p.length} B${p.text !== null ? ` "${p.text.length > 80 ? p.text.slice(0, 80) + '…' : p.text}"` : ''}` : '';
  return {
    ruleId,
    ruleIndex: RULE_INDEX.get(ruleId),
    level: 'error',
    message: { text: `Hidden payload (${[method, r.bitOrder].filter(Boolean).join(', ')}), probability ${r.probability!.toFixed(4)}${what}` },
    locations,
    properties: {
      probability: r.probability,
      method: r.method,
      bitOrder: r.bitOrder,
      methodProbabilities: r.methodProbabilities,
      bitOrderProbabilities: r.bitOrderProbabilities,
      sha256: r.sha256,
      format: r.format,
      width: r.width,
      height: r.height,
      mode: r.mode,
      payload: p,
      model: r.model,
    },
  };
}

/**
 * SARIF 2.1.0: one run; results for stego files (level error) and files that could not be scanned
 * (level warning); clean files are not results. The invocation (exit code, times) closes the run.
 */
export function sarifFormatter({ out, version, cwd, startTime }: FormatContext): Formatter {
  let n = 0;
  const head = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'starlight', version, semanticVersion: version, informationUri: 'https://www.npmjs.com/package/@starlight/cli', rules: SARIF_RULES } },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(sep) ? cwd : cwd + sep).href } },
        results: [],
      },
    ],
  };
  const open = JSON.stringify(head, null, 1).replace(/\[\]\s*\}\s*\]\s*\}\s*$/, '[');
  return {
    begin: () => out.write(open),
    async record(r) {
      const res = resultOf(r, cwd);
      if (res) await out.write((n++ === 0 ? '\n' : ',\n') + JSON.stringify(res));
    },
    async end(s) {
      const invocation = {
        executionSuccessful: s.aborted === null,
        exitCode: s.exitCode,
        startTimeUtc: startTime.toISOString(),
        endTimeUtc: new Date().toISOString(),
        ...(s.aborted ? { toolExecutionNotifications: [{ level: 'error', message: { text: s.aborted } }] } : {}),
      };
      await out.write(`${n ? '\n' : ''}],\n"invocations": [${JSON.stringify(invocation)}]\n}]\n}\n`);
    },
  };
}
