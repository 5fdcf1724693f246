import { describe, expect, it } from '@jest/globals';
import * as core from '../src/index.js';
import { entries, readImage, referenceArrays, sha256 } from './helpers/fixtures.js';
import { runParityCase, summarizeFailure, type ParityResult } from './parity-suite.js';

/**
 * Parity with the Starlight V4 reference (Pillow + numpy + torchvision) on every fixture:
 * each of the eight streams must hash identically (float32 little-endian, channel-first;
 * lsb compares against the reference's CHW hash). The checks live in parity-suite.ts and
 * browser.test.ts runs the very same ones in headless Chromium.
 */
const all = entries();
const ok = all.filter((e) => !e.error);
const bad = all.filter((e) => e.error);

async function referenceOrNull(file: string): Promise<Record<string, Float32Array> | null> {
  try {
    return referenceArrays(file);
  } catch {
    return null;
  }
}

const run = (e: (typeof all)[number]): Promise<ParityResult> =>
  runParityCase(core, { file: e.file, bytes: readImage(e.file), entry: e }, sha256, referenceOrNull);

describe('Starlight V4 stream parity', () => {
  it('covers the whole fixture set', () => {
    expect(ok.length).toBe(146);
    expect(bad.length).toBe(7);
  });

  it.each(ok.map((e) => [e.file, e] as const))('%s: all eight streams are bit-exact', async (_f, e) => {
    const r = await run(e);
    expect(r.error).toBeUndefined();
    expect(r.checks.filter((c) => !c.pass)).toEqual([]);
    expect(r.streams.map((s) => s.name)).toEqual([...core.STREAM_NAMES]);
    expect(r.streams.filter((s) => !s.equal).map((s) => `${s.name}${s.equalShare !== undefined ? ` (${(100 * s.equalShare).toFixed(3)}% of values equal)` : ''}`)).toEqual([]);
    expect([r.pass, summarizeFailure(r)]).toEqual([true, `${e.file}: ok`]);
  });

  it.each(bad.map((e) => [e.file, e] as const))('%s: rejected with a typed error like the reference', async (_f, e) => {
    const r = await run(e);
    expect(r.error).toBeDefined();
    expect(r.error!.typed).toBe(true);
    if (/truncated|could not create decoder/.test(e.error!.message)) expect(r.error!.code).toBe('E_TRUNCATED');
    else expect(['E_UNSUPPORTED_FORMAT', 'E_CORRUPT_IMAGE']).toContain(r.error!.code);
    expect([r.pass, summarizeFailure(r)]).toEqual([true, `${e.file}: ok`]);
  });
});
