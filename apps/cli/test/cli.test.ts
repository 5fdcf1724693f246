import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** These run the built binary as a child process, as a user would. */
const BIN = join(process.cwd(), 'dist/bin.js');
const ROOT = join(process.cwd(), '../..');
const SHARED = process.env.STARLIGHT_SHARED ?? join(ROOT, '../shared');
const FIX = join(SHARED, 'fixtures/starlight-v4');

function run(args: string[], input?: Uint8Array) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, cwd: ROOT, encoding: 'buffer' });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe('starlight streams', () => {
  const manifest = JSON.parse(readFileSync(join(FIX, 'manifest.json'), 'utf8')) as {
    entries: { file: string; error?: unknown; streams?: Record<string, { sha256: string; sha256_chw?: string; shape: number[] }> }[];
  };

  it('--json prints the reference hashes for every stream', () => {
    const files = ['edge_p4_lum_vs_index.png', 'seed1_alpha_000.png', 'edge_gif_tail.gif', 'edge_p8.bmp', 'clean-0003.jpg'];
    const r = run(['streams', '--json', ...files.map((f) => join(FIX, 'images', f))]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(files.length);
    for (const [i, line] of lines.entries()) {
      const ref = manifest.entries.find((e) => e.file === files[i])!;
      expect(Object.keys(line.streams)).toEqual(['pixel', 'meta', 'alpha', 'lsb', 'palette', 'palette_lsb', 'format', 'content']);
      for (const [name, s] of Object.entries(line.streams as Record<string, { sha256: string; shape: number[] }>)) {
        const want = ref.streams![name]!;
        expect(s.sha256).toBe(name === 'lsb' ? want.sha256_chw : want.sha256);
        expect(s.shape).toEqual(name === 'lsb' ? [3, 256, 256] : want.shape);
      }
    }
  });

  it('reads stdin with "-"', () => {
    const bytes = readFileSync(join(FIX, 'images/edge_1x1_rgb.png'));
    const r = run(['streams', '--json', '-'], bytes);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).streams.format.shape).toEqual([6]);
  });

  it('reports a corrupt file with its error code and exits 2, still handling the rest', () => {
    const r = run(['streams', join(FIX, 'images/bad_truncated_png.png'), join(ROOT, 'examples/clean-0004.png')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_TRUNCATED');
    expect(r.stdout).toContain('clean-0004.png: PNG 256x256 mode RGB');
  });

  it('prints a usage error for unknown commands and --version', () => {
    expect(run(['frobnicate']).code).toBe(64);
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(run(['streams', '--help']).stdout).toContain('Examples:');
  });

  it('the package\'s bin (the committed launcher npm links) runs the built CLI', () => {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const launcher = join(process.cwd(), pkg.bin.starlight!);
    expect(statSync(launcher).mode & 0o111).not.toBe(0);
    const r = spawnSync(launcher, ['--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(run(['--version']).stdout.trim());
  });
});
