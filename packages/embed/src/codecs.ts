import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StarlightError } from '@starlight/core';

/**
 * Lossless WebP and JPEG encoding through the @jsquash emscripten builds of libwebp and MozJPEG.
 * In Node the wasm is compiled from the installed package files (no fetch).
 */

interface ImageDataLike {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  colorSpace: 'srgb';
}

type Encode = (data: ImageDataLike, options?: Record<string, unknown>) => Promise<ArrayBuffer>;

/** The two WebAssembly calls used here (typed locally: this package compiles without DOM typings). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  validate(bytes: Uint8Array): boolean;
}
const wasm = (): WasmApi => (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let webp: Promise<Encode> | null = null;
let jpeg: Promise<Encode> | null = null;

function packageDir(name: string): string {
  const req = createRequire(import.meta.url);
  return dirname(req.resolve(`${name}/package.json`));
}

async function loadWebp(): Promise<Encode> {
  const m = (await import('@jsquash/webp/encode.js')) as unknown as { default: Encode; init: (module: object) => Promise<unknown> };
  const dir = join(packageDir('@jsquash/webp'), 'codec/enc');
  // The package picks its SIMD build when the runtime supports SIMD; compile the matching binary.
  const simdBytes = readFileSync(join(dir, 'webp_enc_simd.wasm'));
  const bytes = wasm().validate(simdBytes) ? simdBytes : readFileSync(join(dir, 'webp_enc.wasm'));
  await m.init(await wasm().compile(bytes));
  return m.default;
}

async function loadJpeg(): Promise<Encode> {
  const m = (await import('@jsquash/jpeg/encode.js')) as unknown as { default: Encode; init: (module: object) => Promise<unknown> };
  const dir = join(packageDir('@jsquash/jpeg'), 'codec/enc');
  await m.init(await wasm().compile(readFileSync(join(dir, 'mozjpeg_enc.wasm'))));
  return m.default;
}

function imageData(rgba: Uint8Array, width: number, height: number): ImageDataLike {
  return { width, height, data: new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, width * height * 4), colorSpace: 'srgb' };
}

async function run(p: Promise<Encode>, rgba: Uint8Array, w: number, h: number, options: Record<string, unknown>, what: string): Promise<Uint8Array> {
  try {
    const enc = await p;
    return new Uint8Array(await enc(imageData(rgba.slice(), w, h), options));
  } catch (e) {
    throw new StarlightError('E_DECODER', `${what} encoder failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * RGBA -> lossless WebP (VP8L), `exact` so that RGB under transparent pixels is kept. libwebp
 * writes the alpha flag only when some alpha is not 255, so opaque input gives an RGB file.
 */
export function encodeWebpLossless(rgba: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  webp ??= loadWebp();
  return run(webp, rgba, width, height, { lossless: 1, exact: 1, quality: 75, method: 1 }, 'WebP');
}

/** RGBA -> lossy WebP (VP8, plus a lossless ALPH chunk when some alpha is not 255). */
export function encodeWebpLossy(rgba: Uint8Array, width: number, height: number, quality = 80): Promise<Uint8Array> {
  webp ??= loadWebp();
  return run(webp, rgba, width, height, { lossless: 0, quality, method: 2, alpha_compression: 1, alpha_quality: 100, exact: 1 }, 'WebP');
}

/**
 * RGBA (alpha ignored) -> baseline JPEG (MozJPEG). `tables`: MozJPEG's own quantization tables
 * (its default), or the JPEG standard's Annex K tables that libjpeg, cameras and most software use.
 */
export function encodeJpegRgba(rgba: Uint8Array, width: number, height: number, quality = 85, tables: 'mozjpeg' | 'annex-k' = 'mozjpeg'): Promise<Uint8Array> {
  jpeg ??= loadJpeg();
  return run(jpeg, rgba, width, height, { quality, baseline: true, progressive: false, optimize_coding: true, ...(tables === 'annex-k' ? { quant_table: 0 } : {}) }, 'JPEG');
}
