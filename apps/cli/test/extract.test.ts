import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EX, FIX, run } from './helpers.js';

const payload = (file: string): Buffer => Buffer.from(JSON.parse(readFileSync(join(FIX, 'sidecars', `${file}.json`), 'utf8')).payload_b64, 'base64');
const img = (file: string): string => join(FIX, 'images', file);

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'starlight-extract-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('starlight extract', () => {
  it('prints a text payload exactly (lsb.rgb, alpha, palette, exif, eoi), describing it on stderr; exit 0', () => {
    for (const [file, method] of [
      ['seed1_lsb_000.png', 'lsb.rgb msb-first'],
      ['seed1_alpha_000.png', 'alpha lsb-first'],
      ['seed2_palette_000.gif', 'palette msb-first'],
      ['seed1_exif_001.jpg', 'exif'],
      ['tiny_eoi_001.jpg', 'eoi'],
    ] as const) {
      const r = run(['extract', img(file)]);
      expect({ file, code: r.code }).toEqual({ file, code: 0 });
      expect(r.stdout).toBe(payload(file).toString('utf8'));
      expect(r.stderr).toContain(`${method}, ${payload(file).length} B, confidence`);
    }
  });

  it('--out writes the payload bytes (binary too); without --out a binary payload is printed as hex', () => {
    const out = join(tmp, 'payload.bin');
    const r = run(['extract', img('binmix_eoi_000.jpg'), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out).equals(payload('binmix_eoi_000.jpg'))).toBe(true);
    expect(r.stderr).toContain(`wrote ${payload('binmix_eoi_000.jpg').length} B to ${out}`);
    const hex = run(['extract', img('binmix_eoi_000.jpg')]);
    expect(hex.code).toBe(0);
    expect(hex.stdout).toBe(payload('binmix_eoi_000.jpg').toString('hex') + '\n');
    expect(hex.stderr).toContain('binary, printed as hex');
  });

  it('reads standard input with -', () => {
    const r = run(['extract', '-'], { input: readFileSync(join(EX, 'tiny_eoi_001.jpg')) });
    expect(r).toMatchObject({ code: 0, stdout: 'tiny; fixture payload (<100 B) v4\n' });
  });

  it('exits 1 when nothing is found; --method narrows the search; --force takes the best reading', () => {
    const clean = run(['extract', join(EX, 'clean-0004.png')]);
    expect(clean).toMatchObject({ code: 1, stdout: '' });
    expect(clean.stderr).toContain('no payload found');
    expect(run(['extract', join(EX, 'seed1_lsb_000.png'), '--method', 'alpha,palette']).code).toBe(1);
    expect(run(['extract', join(EX, 'seed1_lsb_000.png'), '--method', 'lsb.rgb', '--bit-order', 'msb-first']).code).toBe(0);
    // A clean palette GIF: its palette LSBs read as 1441 bytes of noise, far below the found bar.
    const gif = join(EX, 'clean-0001.gif');
    const below = run(['extract', gif, '--method', 'palette', '--bit-order', 'lsb-first']);
    expect(below.code).toBe(1);
    expect(below.stderr).toMatch(/best reading: palette lsb-first, \d+ B, confidence 0\.0000; --force takes it/);
    const out = join(tmp, 'forced.bin');
    const forced = run(['extract', gif, '--method', 'palette', '--bit-order', 'lsb-first', '--force', '--out', out]);
    expect(forced.code).toBe(0);
    expect(readFileSync(out).length).toBe(Number(/palette lsb-first, (\d+) B/.exec(below.stderr)![1]));
  });

  it('exits 2 for a missing, non-image or corrupt file, and for an unwritable --out', () => {
    const text = join(tmp, 'notes.txt');
    writeFileSync(text, 'not an image');
    for (const [file, code] of [
      [join(tmp, 'missing.png'), 'E_IO'],
      [text, 'E_UNSUPPORTED_FORMAT'],
      [img('bad_truncated_jpg.jpg'), 'E_TRUNCATED'],
    ] as const) {
      const r = run(['extract', file]);
      expect({ file, code: r.code }).toEqual({ file, code: 2 });
      expect(r.stderr).toContain(code);
    }
    const r = run(['extract', join(EX, 'tiny_eoi_001.jpg'), '--out', join(tmp, 'no/such/dir.bin')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_IO');
  });

  it('usage errors exit 64; --help has examples', () => {
    for (const args of [['extract'], ['extract', 'a.png', 'b.png'], ['extract', 'a.png', '--method', 'lsb'], ['extract', 'a.png', '--bit-order', 'middle-out'], ['extract', 'a.png', '--frobnicate']]) {
      expect({ args, code: run(args).code }).toEqual({ args, code: 64 });
    }
    const help = run(['extract', '--help']);
    expect(help.code).toBe(0);
    for (const s of ['Examples:', 'Exit status', '--out', '--force']) expect(help.stdout).toContain(s);
  });
});
