/**
 * Stego made by real tools that no training file comes from, on covers from held-out packages: the
 * detector on the programs its users will meet rather than on @starlight/embed's imitations of them.
 *
 *   JPEG (photograph-like covers box-downscaled to at most 512 px, written by libjpeg's cjpeg at q75,
 *   85 or 95): steghide 0.5.1 (graph-theoretic +-1 exchanges of DCT coefficients, encrypted),
 *   outguess 0.4 (keyed LSB with histogram correction) and stegosuite 0.9 (its own JPEG code), at 10,
 *   25, 50 and 95 % of the capacity each tool reports for the cover.
 *   Lossless (any cover of 32 px and more, at most 1024 px, RGB): steghide into a 24-bit BMP and
 *   stegosuite into PNG and BMP (keyed scattered LSB), at 0.01, 0.05, 0.1 and 0.4 bits per pixel
 *   (cut to the tool's capacity).
 * Each cover is also written clean (cover.jpg, cover.png, cover.bmp). A cover is the decoded RGB, alpha
 * dropped as Pillow's convert('RGB') does (what lies under transparent pixels shows). Payloads are random bytes.
 * Writes OUT/manifest.jsonl (tools/data/src/rows.ts; every row in split 'test', variant
 * '<tool>-<format>@<rate>') for `heldout.ts --dataset OUT`.
 *
 * Needs (Debian): steghide outguess stegosuite xvfb xauth libjpeg-turbo-progs (stegosuite's JPEG
 * code opens an AWT window, hence xvfb-run).
 * Usage: tsx tools/data/src/realtools.ts --covers DIR --out DIR [--jpeg N] [--lossless N] [--seed S]
 */
import { decodeImage } from '@starlight/core';
import { Rng, encodeBmp, encodePng, type RasterImage } from '@starlight/embed';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { boxDownscale, photographLike } from './photo.js';
import { lenBucket, type ManifestRow } from './rows.js';

const execFileAsync = promisify(execFile);
const IMAGE = /\.(png|jpe?g|gif|webp|bmp)$/i;
const JPEG_FRACTIONS = [0.1, 0.25, 0.5, 0.95];
const LSB_BPP = [0.01, 0.05, 0.1, 0.4];

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
}

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile() && IMAGE.test(e.name) && statSync(p).size >= 1024) yield p;
  }
}

/** Runs a tool; its output (stdout and stderr), or null when it could not start. */
async function run(cmd: string, args: string[]): Promise<string | null> {
  try {
    const { stdout, stderr } = await execFileAsync(cmd, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 24 });
    return stdout + stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return (err.stdout ?? '') + (err.stderr ?? '') || null;
  }
}

/** "123.0 Byte", "923 B", "39.3 KB", "1.2 MB" -> bytes. */
function sizeOf(text: string | null, re: RegExp): number {
  const m = text?.match(re);
  if (!m) return 0;
  const unit = m[2]!.toUpperCase();
  return Math.floor(parseFloat(m[1]!) * (unit.startsWith('K') ? 1024 : unit.startsWith('M') ? 1024 * 1024 : 1));
}

/** stegosuite's command line for a file: its JPEG code opens an AWT window, so JPEGs run in a virtual X server. */
const stegosuite = (file: string, args: string[]): [string, string[]] =>
  file.endsWith('.jpg') ? ['xvfb-run', ['-a', 'stegosuite', ...args]] : ['stegosuite', args];

const capacity = {
  steghide: async (file: string): Promise<number> => sizeOf(await run('steghide', ['info', file, '-p', '']), /capacity:\s*([\d.]+)\s*(Byte|KB|MB)/),
  stegosuite: async (file: string): Promise<number> => sizeOf(await run(...stegosuite(file, ['capacity', file])), /Capacity:\s*([\d.]+)\s*(B|KB|MB)/),
  /** outguess says what it can hold when asked to hold too much. */
  outguess: async (file: string, dir: string): Promise<number> => {
    const big = join(dir, 'probe.bin');
    writeFileSync(big, new Uint8Array(1 << 20));
    const m = (await run('outguess', ['-k', 'probe', '-d', big, file, join(dir, 'probe.jpg')]))?.match(/Correctable message size: (\d+) bits/);
    // outguess 0.4 overflows on some covers (18446744073709524956 bits): no answer then
    const bytes = m ? Math.floor(Number(m[1]) / 8) : 0;
    return bytes <= statSync(file).size ? bytes : 0;
  },
};

function ppm(r: RasterImage): Uint8Array {
  const head = new TextEncoder().encode(`P6\n${r.width} ${r.height}\n255\n`);
  const out = new Uint8Array(head.length + r.width * r.height * 3);
  out.set(head);
  for (let i = 0; i < r.width * r.height; i++) out.set(r.data.subarray(i * r.channels, i * r.channels + 3), head.length + i * 3);
  return out;
}

async function rgbOf(path: string): Promise<RasterImage | null> {
  try {
    const img = await decodeImage(new Uint8Array(readFileSync(path)));
    return { width: img.width, height: img.height, channels: 3, data: img.rgb };
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const coversDir = arg('covers');
  const out = arg('out');
  const nJpeg = Number(arg('jpeg', '100'));
  const nLossless = Number(arg('lossless', '100'));
  const rng = new Rng(Number(arg('seed', '1')));
  for (const tool of ['steghide', 'outguess', 'stegosuite', 'xvfb-run', 'cjpeg']) {
    if (!(await run('sh', ['-c', `command -v ${tool}`]))) {
      throw new Error(`${tool} is missing: apt-get install -y --no-install-recommends steghide outguess stegosuite xvfb xauth libjpeg-turbo-progs`);
    }
  }
  rmSync(out, { recursive: true, force: true });
  const files = join(out, 'files');
  const tmp = join(out, 'tmp');
  mkdirSync(files, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  // shuffled within each package, then the packages taken in turn (one package's thousand sprites must not make the set)
  const byPackage = new Map<string, string[]>();
  for (const p of walk(coversDir)) {
    const pkg = relative(coversDir, p).split('/')[0]!;
    if (!byPackage.has(pkg)) byPackage.set(pkg, []);
    byPackage.get(pkg)!.push(p);
  }
  const queues = [...byPackage.values()].map((list) => {
    for (let i = list.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  });
  const paths: string[] = [];
  const longest = Math.max(0, ...queues.map((q) => q.length));
  for (let k = 0; k < longest; k++) for (const q of queues) if (k < q.length) paths.push(q[k]!);

  const rows: ManifestRow[] = [];
  const failed: Record<string, number> = {};
  const add = (file: string, source: string, r: RasterImage, stego: boolean, variant: string, format: string, payloadLen: number | null): void => {
    rows.push({
      file: relative(out, file),
      split: 'test',
      source,
      stego: stego ? 1 : 0,
      method: stego ? (format === 'jpeg' ? 'dct' : 'lsb.rgb') : null,
      bit_order: null,
      variant,
      format,
      width: r.width,
      height: r.height,
      payload_len: payloadLen,
      len_bucket: lenBucket(payloadLen),
      payload_kind: stego ? 'bytes' : undefined,
    });
  };
  /** Embeds `n` random bytes with `tool` into the file `cover`; the stego file's path, or null when the tool refused. */
  const embed = async (tool: 'steghide' | 'outguess' | 'stegosuite', cover: string, n: number, dest: string): Promise<string | null> => {
    if (n < 1) return null;
    const payload = `${dest}.payload`;
    const key = `k${rng.int(1, 1e9)}`;
    writeFileSync(payload, rng.bytes(n));
    if (tool === 'steghide') await run('steghide', ['embed', '-cf', cover, '-ef', payload, '-sf', dest, '-p', key, '-q', '-f']);
    else if (tool === 'outguess') await run('outguess', ['-k', key, '-d', payload, cover, dest]);
    else {
      // stegosuite writes <name>_embed.<ext> beside the cover whatever -o says for JPEG
      await run(...stegosuite(cover, ['embed', '-k', key, '-f', payload, '-o', dest, cover]));
      const beside = cover.replace(/(\.\w+)$/, '_embed$1');
      if (existsSync(beside)) renameSync(beside, dest);
    }
    rmSync(payload);
    return existsSync(dest) && statSync(dest).size > 0 ? dest : null;
  };
  /** Runs the embeddings of one cover side by side (the tools are single-threaded) and records them. */
  const attempts = async (source: string, r: RasterImage, jobs: { variant: string; tool: 'steghide' | 'outguess' | 'stegosuite'; cover: string; n: number; dest: string }[]): Promise<void> => {
    const done = await Promise.all(jobs.map((j) => embed(j.tool, j.cover, j.n, j.dest)));
    jobs.forEach((j, i) => {
      if (done[i]) add(done[i]!, source, r, true, j.variant, j.dest.endsWith('.jpg') ? 'jpeg' : j.dest.slice(-3), j.n);
      else failed[j.variant] = (failed[j.variant] ?? 0) + 1;
    });
  };

  let jpegCovers = 0;
  let losslessCovers = 0;
  for (const path of paths) {
    if (jpegCovers >= nJpeg && losslessCovers >= nLossless) break;
    const full = await rgbOf(path);
    if (!full || Math.min(full.width, full.height) < 32) continue;
    const source = relative(coversDir, path);
    const id = rows.length;
    if (jpegCovers < nJpeg && Math.min(full.width, full.height) >= 192 && photographLike(full)) {
      const r = boxDownscale(full, 512);
      const i = jpegCovers++;
      const q = [75, 85, 95][i % 3]!;
      const frac = JPEG_FRACTIONS[Math.floor(i / 3) % JPEG_FRACTIONS.length]!;
      const cover = join(files, `${id}-cover.jpg`);
      writeFileSync(cover, execFileSync('cjpeg', ['-quality', String(q)], { input: ppm(r), maxBuffer: 1 << 28 }));
      add(cover, source, r, false, 'clean', 'jpeg', null);
      const tag = `@${Math.round(frac * 100)}%cap`;
      const [sh, og, ss] = await Promise.all([capacity.steghide(cover), capacity.outguess(cover, tmp), capacity.stegosuite(cover)]);
      await attempts(source, r, [
        { variant: `steghide-jpeg${tag}`, tool: 'steghide', cover, n: Math.floor(frac * sh), dest: join(files, `${id}-steghide.jpg`) },
        { variant: `outguess-jpeg${tag}`, tool: 'outguess', cover, n: Math.floor(frac * og), dest: join(files, `${id}-outguess.jpg`) },
        { variant: `stegosuite-jpeg${tag}`, tool: 'stegosuite', cover, n: Math.floor(frac * ss), dest: join(files, `${id}-stegosuite.jpg`) },
      ]);
    } else if (losslessCovers < nLossless) {
      const r = boxDownscale(full, 1024);
      const i = losslessCovers++;
      const bpp = LSB_BPP[i % LSB_BPP.length]!;
      const png = join(files, `${id}-cover.png`);
      const bmp = join(files, `${id}-cover.bmp`);
      writeFileSync(png, encodePng(r));
      writeFileSync(bmp, encodeBmp(r));
      add(png, source, r, false, 'clean', 'png', null);
      add(bmp, source, r, false, 'clean', 'bmp', null);
      const want = Math.max(1, Math.round((bpp * r.width * r.height) / 8));
      const tag = `@${bpp}bpp`;
      // stegosuite skips flat areas, so it holds less than 3 bits per pixel; asked for more, it writes nothing
      const [sh, ss] = await Promise.all([capacity.steghide(bmp), capacity.stegosuite(bmp)]);
      const n = Math.min(want, Math.floor(0.95 * ss));
      await attempts(source, r, [
        { variant: `steghide-bmp${tag}`, tool: 'steghide', cover: bmp, n: Math.min(want, Math.floor(0.95 * sh)), dest: join(files, `${id}-steghide.bmp`) },
        { variant: `stegosuite-png${tag}`, tool: 'stegosuite', cover: png, n, dest: join(files, `${id}-stegosuite.png`) },
        { variant: `stegosuite-bmp${tag}`, tool: 'stegosuite', cover: bmp, n, dest: join(files, `${id}-stegosuite.bmp`) },
      ]);
    } else continue;
    if ((jpegCovers + losslessCovers) % 20 === 0) console.log(`${jpegCovers} JPEG and ${losslessCovers} lossless covers, ${rows.length} files`);
  }
  rmSync(tmp, { recursive: true, force: true });
  writeFileSync(join(out, 'manifest.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log(`${jpegCovers} JPEG and ${losslessCovers} lossless covers -> ${rows.length} files in ${out}; tool failures: ${JSON.stringify(failed)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
