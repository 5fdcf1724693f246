#!/usr/bin/env node
/* global process, console, performance, URL, WebAssembly */
/**
 * extractStreams benchmark: PNG (RGB), JPEG (q90, 4:2:0, baseline), GIF (256-colour palette) and
 * WebP (lossy, q75) at 256², 512², 1024² and 2048², made at start from the same synthetic
 * picture (smooth gradients, soft shapes and noise, so the files compress like real images).
 *
 *   cd packages/core && node bench/run.mjs [--sizes=256,512] [--formats=png,jpeg] [--quick] [--keep=DIR] [--browser]
 *   --quick: 10 timed calls per row; --keep=DIR: also save the generated images there.
 *   (or: nx run core:bench, which builds dist first)
 *
 * Each format×size runs in its own child process (fresh heap, fresh wasm memory, its own kernel
 * peak-RSS counter): warm-up calls, then N timed calls of `await extractStreams(bytes)`.
 *
 * Encoders come from what is already installed: a small PNG writer over fflate's deflate, a small
 * LZW GIF writer, and the MozJPEG / libwebp encoders shipped inside @jsquash/jpeg and @jsquash/webp.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const DIST = new URL('../dist/index.js', import.meta.url);
const MiB = 2 ** 20;

const args = process.argv.slice(2);

// -------------------------------------------------------------------------------------------------
// Parent: make the images, run one child per format×size, print the table.

async function main() {
  const opt = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const quick = args.includes('--quick');
  const sizes = (opt('sizes') ?? '256,512,1024,2048').split(',').map(Number);
  const formats = (opt('formats') ?? 'png,jpeg,gif,webp').split(',');
  const keep = opt('keep');
  if (!existsSync(DIST)) {
    console.error(`${fileURLToPath(DIST)} is missing: build first (nx run core:build, or use nx run core:bench).`);
    process.exit(1);
  }

  const load = () => loadavg()[0].toFixed(2);
  console.log(`@starlight/core extractStreams benchmark — node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, load average ${load()}`);
  if (loadavg()[0] > cpus().length * 0.75) {
    console.log(`warning: the machine is busy (load ${load()} on ${cpus().length} CPUs): timings will be inflated and noisy.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'starlight-bench-'));
  try {
    const enc = await loadEncoders();
    const files = [];
    const tg = performance.now();
    for (const size of sizes) {
      const rgba = picture(size, size);
      for (const format of formats) {
        const bytes = await enc[format](rgba, size, size);
        const file = join(dir, `${size}.${format}`);
        writeFileSync(file, bytes);
        if (keep) {
          mkdirSync(keep, { recursive: true });
          writeFileSync(join(keep, `bench-${size}.${format === 'jpeg' ? 'jpg' : format}`), bytes);
        }
        files.push({ format, size, file, bytes: bytes.length });
      }
    }
    console.log(`made ${files.length} images in ${((performance.now() - tg) / 1000).toFixed(1)} s (${enc.note})\n`);

    const rows = [];
    for (const format of formats) {
      for (const size of sizes) {
        const f = files.find((x) => x.format === format && x.size === size);
        const iters = quick ? 10 : size <= 512 ? 50 : size <= 1024 ? 25 : 15;
        const warmup = quick ? 2 : size <= 512 ? 10 : size <= 1024 ? 5 : 3;
        const r = spawnSync(process.execPath, ['--expose-gc', join(HERE, 'run.mjs'), '--child', f.file, format, String(iters), String(warmup)], {
          encoding: 'utf8',
          maxBuffer: 64 * MiB,
        });
        const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
        if (r.status !== 0 || !line) {
          console.error(`${format} ${size}²: child failed (exit ${r.status})\n${r.stderr.slice(-2000)}`);
          rows.push({ format, size, bytes: f.bytes, error: true });
          continue;
        }
        const res = JSON.parse(line);
        rows.push({ format, size, bytes: f.bytes, ...res });
        process.stdout.write(`  ${format} ${size}² done: p50 ${res.p50.toFixed(2)} ms\n`);
      }
    }
    printTable(rows);
    console.log(`load average at the end: ${load()}`);
    if (args.includes('--browser')) await browserBench(files, rows, quick);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

}

function printTable(rows) {
  const head = ['format', 'size', 'file KiB', 'bits/px', 'iters', 'p50 ms', 'p95 ms', 'min ms', 'MP/s @p50', 'peak RSS Δ MiB', 'ArrayBuf/call MiB', 'result MiB'];
  const body = rows.map((r) =>
    r.error
      ? [r.format, `${r.size}²`, (r.bytes / 1024).toFixed(1), '', '', 'FAILED', '', '', '', '', '', '']
      : [
          r.format,
          `${r.size}²`,
          (r.bytes / 1024).toFixed(1),
          ((r.bytes * 8) / (r.size * r.size)).toFixed(2),
          String(r.iters),
          r.p50.toFixed(2),
          r.p95.toFixed(2),
          r.min.toFixed(2),
          ((r.size * r.size) / 1e6 / (r.p50 / 1000)).toFixed(1),
          (r.peakRssDelta / MiB).toFixed(1),
          (r.arrayBuffersPerCall / MiB).toFixed(1),
          (r.resultBytes / MiB).toFixed(1),
        ],
  );
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  console.log(`\n${fmt(head)}\n${w.map((n) => '-'.repeat(n)).join('  ')}`);
  let last = null;
  for (const b of body) {
    if (last !== null && b[0] !== last) console.log('');
    console.log(fmt(b));
    last = b[0];
  }
  console.log(
    '\np50/p95/min: nearest-rank percentiles of wall time per `await extractStreams(bytes)` (decode + the eight' +
      '\n  streams), back-to-back after warm-up, default options, one image at a time, a fresh process per row.' +
      '\npeak RSS Δ: the child\'s kernel high-water mark (getrusage maxrss) during warm-up and timing, minus its RSS' +
      '\n  after loading core and the file (after GC, before the first call). It includes decoder wasm heap growth' +
      '\n  (wasm memory never shrinks), JIT code and garbage V8 had not collected yet during back-to-back calls:' +
      '\n  what a process doing this needs, not what one call strictly requires.' +
      '\nArrayBuf/call: process.memoryUsage().arrayBuffers right after one call minus right before it (full GC first),' +
      '\n  max of 3: JS buffers a call allocates and has not freed yet (result + its garbage); excludes wasm memory.' +
      '\nresult: bytes held by the returned image (rgb/alpha/indices) and the eight Float32 streams.',
  );
  const png512 = rows.find((r) => r.format === 'png' && r.size === 512 && !r.error);
  if (png512) {
    const ok = png512.p50 <= 2;
    console.log(
      `\ngoal: 512² PNG p50 ≤ 2 ms — measured ${png512.p50.toFixed(2)} ms: ${ok ? 'MET' : `NOT MET (${(png512.p50 / 2).toFixed(1)}× the goal)`}`,
    );
  }
}

// -------------------------------------------------------------------------------------------------
// Child: time extractStreams on one file.

async function child(file, format, iters, warmup) {
  const { extractStreams } = await import(DIST.href);
  const bytes = new Uint8Array(readFileSync(file));
  globalThis.gc?.();
  const base = process.memoryUsage();
  let shape = '';
  for (let i = 0; i < warmup; i++) {
    const r = await extractStreams(bytes);
    shape = `${r.image.width}x${r.image.height} ${r.image.mode}`;
  }
  // Timing: back-to-back calls, GC left to V8 as in real use.
  const times = [];
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    const r = await extractStreams(bytes);
    times.push(performance.now() - t0);
    if (r.streams.pixel.data.length !== 3 * 256 * 256) throw new Error('unexpected result');
  }
  const peakRss = process.resourceUsage().maxRSS * 1024;
  // Memory: a few more calls, each after a full GC, measuring the ArrayBuffer bytes one call leaves
  // behind (its result plus its own garbage), and the bytes the result itself holds.
  let perCall = 0;
  let result = 0;
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    const r = await extractStreams(bytes);
    perCall = Math.max(perCall, process.memoryUsage().arrayBuffers - before);
    const im = r.image;
    result = [im.rgb, im.alpha, im.indices, ...Object.values(r.streams).map((st) => st.data)].reduce((n, a) => n + (a ? a.byteLength : 0), 0);
  }
  times.sort((a, b) => a - b);
  const pct = (p) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
  console.log(
    JSON.stringify({
      format,
      shape,
      iters,
      p50: pct(50),
      p95: pct(95),
      min: times[0],
      mean: times.reduce((a, b) => a + b, 0) / times.length,
      peakRssDelta: peakRss - base.rss,
      arrayBuffersPerCall: perCall,
      resultBytes: result,
    }),
  );
}

// -------------------------------------------------------------------------------------------------
// The synthetic picture: smooth gradients, a few soft blobs, fine texture and noise (RGBA).

function picture(w, h) {
  let s = 0x9e3779b9 ^ (w * 31 + h);
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const blobs = Array.from({ length: 10 }, (_, i) => ({ x: rnd() * w, y: rnd() * h, r: (0.05 + rnd() * 0.25) * w, c: [rnd() * 255, rnd() * 255, rnd() * 255], hard: i % 2 === 1 }));
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = x / w;
      const v = y / h;
      let r = 60 + 150 * u + 20 * Math.sin(7 * v + 3 * u);
      let g = 40 + 120 * v + 30 * Math.sin(5 * u * v * 6);
      let b = 180 - 100 * u * v + 25 * Math.cos(9 * u - 4 * v);
      for (const k of blobs) {
        const d = Math.hypot(x - k.x, y - k.y) / k.r;
        if (d < 1) {
          // Half the blobs have soft edges, half hard ones (edges are what JPEG/WebP spend bits on).
          const a = k.hard ? 0.75 : (1 - d * d) ** 2 * 0.7;
          r += (k.c[0] - r) * a;
          g += (k.c[1] - g) * a;
          b += (k.c[2] - b) * a;
        }
      }
      // Detail at fixed pixel scales (so big images are not just smoother small ones), then sensor-like noise.
      const tex = 36 * (detail(x, y, 40) - 0.5) + 22 * (detail(x, y, 9) - 0.5) + 12 * (detail(x, y, 3) - 0.5);
      const n = () => (rnd() + rnd() + rnd() - 1.5) * 5;
      const i = 4 * (y * w + x);
      out[i] = clamp(r + tex + n());
      out[i + 1] = clamp(g + 0.8 * tex + n());
      out[i + 2] = clamp(b + 0.6 * tex + n());
      out[i + 3] = 255;
    }
  }
  return out;
}

const clamp = (v) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Smooth value noise in [0, 1) with cells of `cell` pixels (bilinear over a hashed lattice). */
function detail(x, y, cell) {
  const gx = x / cell;
  const gy = y / cell;
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  const fx = gx - x0;
  const fy = gy - y0;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const top = lattice(x0, y0) + (lattice(x0 + 1, y0) - lattice(x0, y0)) * sx;
  const bot = lattice(x0, y0 + 1) + (lattice(x0 + 1, y0 + 1) - lattice(x0, y0 + 1)) * sx;
  return top + (bot - top) * sy;
}

function lattice(i, j) {
  let h = Math.imul(i, 0x27d4eb2d) ^ Math.imul(j, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

// -------------------------------------------------------------------------------------------------
// Encoders

async function loadEncoders() {
  const { zlibSync } = await import('fflate');
  const jpegEnc = await import('@jsquash/jpeg/encode.js');
  const webpEnc = await import('@jsquash/webp/encode.js');
  const nm = (p) => fileURLToPath(new URL(p, import.meta.resolve('@jsquash/jpeg/package.json')));
  // @jsquash's init(module) wants the compiled module of the build it picks (SIMD or not for WebP).
  await jpegEnc.init(await WebAssembly.compile(readFileSync(nm('./codec/enc/mozjpeg_enc.wasm'))));
  const { simd } = await import('wasm-feature-detect');
  const webpWasm = fileURLToPath(new URL(`./codec/enc/${(await simd()) ? 'webp_enc_simd' : 'webp_enc'}.wasm`, import.meta.resolve('@jsquash/webp/package.json')));
  await webpEnc.init(await WebAssembly.compile(readFileSync(webpWasm)));

  return {
    note: 'PNG: RGB8, adaptive filters, deflate level 6 (fflate); JPEG: MozJPEG q90 baseline 4:2:0; GIF: 252-colour 6x7x6 palette, ordered dither, LZW; WebP: libwebp lossy q75',
    png: (rgba, w, h) => encodePng(rgba, w, h, zlibSync),
    jpeg: async (rgba, w, h) => {
      const out = new Uint8Array(
        await jpegEnc.default(
          { data: new Uint8ClampedArray(rgba.buffer), width: w, height: h },
          { quality: 90, baseline: true, progressive: false, optimize_coding: true, auto_subsample: false, chroma_subsample: 2 },
        ),
      );
      assertJpeg420(out);
      return out;
    },
    gif: (rgba, w, h) => encodeGif(rgba, w, h),
    webp: async (rgba, w, h) => new Uint8Array(await webpEnc.default({ data: new Uint8ClampedArray(rgba.buffer), width: w, height: h }, { quality: 75 })),
  };
}

/** Check the frame header really says baseline 4:2:0 (luma 2x2, chroma 1x1). */
function assertJpeg420(b) {
  for (let o = 2; o + 4 < b.length; ) {
    const m = b[o + 1];
    if (m === 0xc0 || m === 0xc2) {
      if (m !== 0xc0 || b[o + 9] !== 3 || b[o + 11] !== 0x22 || b[o + 14] !== 0x11 || b[o + 17] !== 0x11) {
        throw new Error('JPEG encoder did not produce baseline 4:2:0');
      }
      return;
    }
    o += 2 + ((b[o + 2] << 8) | b[o + 3]);
  }
  throw new Error('JPEG without a frame header');
}

// PNG ----------------------------------------------------------------------------------------------

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(b) {
  let c = -1;
  for (let i = 0; i < b.length; i++) c = CRC[(c ^ b[i]) & 255] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type, data) {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** RGB 8-bit PNG; per row the filter with the smallest sum of |signed residuals| (libpng's heuristic). */
function encodePng(rgba, w, h, zlibSync) {
  const stride = w * 3;
  const raw = new Uint8Array(h * (stride + 1));
  let prev = new Uint8Array(stride);
  const cand = Array.from({ length: 5 }, () => new Uint8Array(stride));
  for (let y = 0; y < h; y++) {
    const line = new Uint8Array(stride);
    for (let x = 0; x < w; x++) {
      line[3 * x] = rgba[4 * (y * w + x)];
      line[3 * x + 1] = rgba[4 * (y * w + x) + 1];
      line[3 * x + 2] = rgba[4 * (y * w + x) + 2];
    }
    let best = 0;
    let bestSum = Infinity;
    for (let f = 0; f < 5; f++) {
      const c = cand[f];
      let sum = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= 3 ? line[i - 3] : 0;
        const b = prev[i];
        const cc = i >= 3 ? prev[i - 3] : 0;
        let pred = 0;
        if (f === 1) pred = a;
        else if (f === 2) pred = b;
        else if (f === 3) pred = (a + b) >> 1;
        else if (f === 4) {
          const p = a + b - cc;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - cc);
          pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : cc;
        }
        const v = (line[i] - pred) & 255;
        c[i] = v;
        sum += v < 128 ? v : 256 - v;
      }
      if (sum < bestSum) {
        bestSum = sum;
        best = f;
      }
    }
    raw[y * (stride + 1)] = best;
    raw.set(cand[best], y * (stride + 1) + 1);
    prev = line;
  }
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w);
  dv.setUint32(4, h);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return concat([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr), chunk('IDAT', zlibSync(raw, { level: 6 })), chunk('IEND', new Uint8Array(0))]);
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// GIF ----------------------------------------------------------------------------------------------

const BAYER4 = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5];

/** 6x7x6 colour cube (252 entries) with 4x4 ordered dithering; one frame, global table, LZW. */
function encodeGif(rgba, w, h) {
  const levels = [6, 7, 6];
  const palette = new Uint8Array(768);
  for (let r = 0; r < 6; r++) {
    for (let g = 0; g < 7; g++) {
      for (let b = 0; b < 6; b++) {
        const k = (r * 7 + g) * 6 + b;
        palette.set([Math.round((r * 255) / 5), Math.round((g * 255) / 6), Math.round((b * 255) / 5)], 3 * k);
      }
    }
  }
  const idx = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const t = (BAYER4[(y & 3) * 4 + (x & 3)] + 0.5) / 16 - 0.5;
      const q = levels.map((n, c) => Math.min(n - 1, Math.max(0, Math.round((rgba[4 * i + c] / 255) * (n - 1) + t))));
      idx[i] = (q[0] * 7 + q[1]) * 6 + q[2];
    }
  }
  const data = lzw(idx, 8);
  const out = [];
  const u16 = (v) => out.push(v & 255, v >> 8);
  for (const c of 'GIF89a') out.push(c.charCodeAt(0));
  u16(w);
  u16(h);
  out.push(0xf7, 0, 0); // global table of 256 entries
  const head = Uint8Array.from(out);
  const desc = [0x2c, 0, 0, 0, 0, w & 255, w >> 8, h & 255, h >> 8, 0, 8];
  const blocks = new Uint8Array(data.length + Math.ceil(data.length / 255) + 1);
  let o = 0;
  for (let i = 0; i < data.length; i += 255) {
    const n = Math.min(255, data.length - i);
    blocks[o++] = n;
    blocks.set(data.subarray(i, i + n), o);
    o += n;
  }
  blocks[o++] = 0;
  return concat([head, palette, Uint8Array.from(desc), blocks.subarray(0, o), Uint8Array.of(0x3b)]);
}

/** GIF-flavoured LZW (variable code size up to 12 bits, clear when the table is full). */
function lzw(idx, minCode) {
  const clear = 1 << minCode;
  const table = new Int16Array(4096 * 256);
  const stamp = new Int32Array(4096 * 256);
  let gen = 1;
  const out = new Uint8Array(idx.length * 2 + 16);
  let o = 0;
  let acc = 0;
  let nbits = 0;
  let size = minCode + 1;
  const emit = (code) => {
    acc |= code << nbits;
    nbits += size;
    while (nbits >= 8) {
      out[o++] = acc & 255;
      acc >>>= 8;
      nbits -= 8;
    }
  };
  let next = clear + 2;
  emit(clear);
  let cur = idx[0];
  for (let i = 1; i < idx.length; i++) {
    const k = idx[i];
    const key = cur * 256 + k;
    if (stamp[key] === gen) {
      cur = table[key];
      continue;
    }
    emit(cur);
    if (next < 4096) {
      table[key] = next;
      stamp[key] = gen;
      next++;
      if (next - 1 === 1 << size && size < 12) size++;
    } else {
      emit(clear);
      gen++;
      next = clear + 2;
      size = minCode + 1;
    }
    cur = k;
  }
  emit(cur);
  emit(clear + 1);
  if (nbits > 0) out[o++] = acc & 255;
  return out.subarray(0, o);
}

// -------------------------------------------------------------------------------------------------
// Entry point (last, so every module-level constant above is initialised).

if (args[0] === '--child') {
  await child(args[1], args[2], Number(args[3]), Number(args[4]));
} else {
  await main();
}

/** The same images through the same core, bundled for the browser, in headless Chromium. */
async function browserBench(files, nodeRows, quick) {
  const { build } = await import('esbuild');
  const out = join(HERE, '../test-output/harness-node/harness.mjs');
  await build({ entryPoints: [join(HERE, '../test/browser/harness.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: out, logLevel: 'warning' });
  const { startBrowserHarness } = await import(pathToFileURL(out).href);
  const h = await startBrowserHarness();
  const pct = (a, q) => a[Math.min(a.length - 1, Math.floor(q * a.length))];
  console.log(`\nheadless Chromium (same images, extractStreams in the page)\n${'format'.padEnd(7)}${'size'.padEnd(7)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'node p50'.padStart(10)}${'ratio'.padStart(8)}`);
  try {
    for (const f of files) {
      const iters = quick ? 10 : f.size <= 512 ? 40 : f.size <= 1024 ? 20 : 10;
      const ms = (await h.bench(new Uint8Array(readFileSync(f.file)), iters, 3)).sort((a, b) => a - b);
      const node = nodeRows.find((r) => r.format === f.format && r.size === f.size);
      const p50 = pct(ms, 0.5);
      console.log(
        `${f.format.padEnd(7)}${(f.size + '²').padEnd(7)}${p50.toFixed(2).padStart(9)}${pct(ms, 0.95).toFixed(2).padStart(9)}` +
          `${node && !node.error ? node.p50.toFixed(2).padStart(10) : '       n/a'}${node && !node.error ? (p50 / node.p50).toFixed(2).padStart(8) : ''}`,
      );
    }
  } finally {
    await h.close();
  }
}
