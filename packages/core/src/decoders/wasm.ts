import { base64ToBytes } from '../base64.js';
import { StarlightError } from '../errors.js';
import type { PixelDecoder, RgbaRaster } from './types.js';

type DecodeFn = (bytes: ArrayBuffer) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;

interface WasmCodec {
  init: (module: WebAssembly.Module, overrides: Record<string, unknown>) => Promise<void>;
  decode: DecodeFn;
}

const silent = (): void => undefined;

/**
 * Instantiate asynchronously (browsers refuse synchronous instantiation of large modules on the
 * main thread) from a module compiled once from the embedded bytes. Codec warnings are not printed.
 */
async function load(codec: Promise<WasmCodec>, module: Promise<WebAssembly.Module>): Promise<DecodeFn> {
  const [c, m] = await Promise.all([codec, module]);
  await c.init(m, {
    print: silent,
    printErr: silent,
    instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) {
      WebAssembly.instantiate(m, imports).then(done, silent);
      return {};
    },
  });
  return c.decode;
}

let jpegModule: Promise<WebAssembly.Module> | null = null;
let webpModule: Promise<WebAssembly.Module> | null = null;
let jpegDecode: Promise<DecodeFn> | null = null;
let webpDecode: Promise<DecodeFn> | null = null;

const loadJpeg = (): Promise<DecodeFn> =>
  load(
    import('@jsquash/jpeg/decode.js').then((m) => ({ init: m.init, decode: m.default }) as unknown as WasmCodec),
    (jpegModule ??= import('./wasm-binaries.generated.js').then((m) => WebAssembly.compile(base64ToBytes(m.JPEG_WASM)))),
  );

const loadWebp = (): Promise<DecodeFn> =>
  load(
    import('@jsquash/webp/decode.js').then((m) => ({ init: m.init, decode: m.default }) as unknown as WasmCodec),
    (webpModule ??= import('./wasm-binaries.generated.js').then((m) => WebAssembly.compile(base64ToBytes(m.WEBP_WASM)))),
  );

function toRaster(r: { width: number; height: number; data: Uint8ClampedArray }): RgbaRaster {
  return { width: r.width, height: r.height, data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.length) };
}

/** Why a codec call failed: emscripten throws an ExitStatus object or an Error with libjpeg's message. */
function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'status' in e) return `decoder exited with status ${(e as { status: unknown }).status}`;
  return String(e);
}

async function run(kind: 'jpeg' | 'webp', bytes: Uint8Array): Promise<RgbaRaster> {
  const decoder = kind === 'jpeg' ? (jpegDecode ??= loadJpeg()) : (webpDecode ??= loadWebp());
  const fn = await decoder;
  // The codecs take an ArrayBuffer; copy so the caller's buffer is never detached or aliased.
  const copy = bytes.slice().buffer;
  try {
    return toRaster(await fn(copy));
  } catch (e) {
    // A fatal libjpeg/libwebp error unwinds out of the wasm code without cleaning up its heap:
    // never reuse that instance. The next call instantiates a fresh one.
    if (kind === 'jpeg') jpegDecode = null;
    else webpDecode = null;
    const what = kind === 'jpeg' ? 'JPEG' : 'WebP';
    const msg = describe(e).split('\n').join(' ').trim() || 'decoding error';
    throw new StarlightError('E_CORRUPT_IMAGE', `${what} decoder rejected the image: ${msg}`);
  }
}

/**
 * The default, isomorphic decoder: libjpeg-turbo (MozJPEG build) and libwebp compiled to wasm,
 * the same library families Pillow uses, so lossy pixels match the reference exactly.
 */
export const wasmDecoder: PixelDecoder = {
  name: 'wasm (libjpeg-turbo, libwebp)',
  jpeg: (bytes) => run('jpeg', bytes),
  webp: (bytes) => run('webp', bytes),
};
