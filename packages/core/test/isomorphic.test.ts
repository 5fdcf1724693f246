import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The guard rails that keep core isomorphic must actually bite. */
const root = join(process.cwd(), '../..');

async function lintCoreSnippet(code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [res] = await eslint.lintText(code, { filePath: join(root, 'packages/core/src/__probe__.ts') });
  return res!.messages.map((m) => m.ruleId ?? m.message);
}

describe('core stays free of Node and DOM APIs', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;", 'no-restricted-imports'],
    ["import fs from 'fs';\nexport const x = fs;", 'no-restricted-imports'],
    ['export const x = Buffer.from([1]);', 'no-restricted-globals'],
    ['export const x = process.env;', 'no-restricted-globals'],
    ['export const x = window.location;', 'no-restricted-globals'],
    ['export const x = document.body;', 'no-restricted-globals'],
    ['export const x = globalThis.process;', 'no-restricted-properties'],
  ])('lint rejects %j', async (code, rule) => {
    expect(await lintCoreSnippet(code)).toContain(rule);
  });

  it('lint accepts plain isomorphic code', async () => {
    expect(await lintCoreSnippet('export const x = new Uint8Array(4).subarray(1);')).toEqual([]);
  });

  it("core's tsconfig has neither DOM nor Node types: src compiles without them", () => {
    // Throws (non-zero exit) on any type error, e.g. if src used Buffer or document.
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.lib.json'], { stdio: 'pipe' });
    const cfg = JSON.parse(readFileSync('tsconfig.lib.json', 'utf8')) as { compilerOptions: { lib: string[]; types: string[] } };
    expect(cfg.compilerOptions.lib.map((l) => l.toLowerCase())).not.toContain('dom');
    expect(cfg.compilerOptions.types).toEqual([]);
  });
});
