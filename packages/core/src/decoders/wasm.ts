import { base64ToBytes } from '../base64.js';
import { StarlightError } from '../errors.js';
import type { PixelDecoder, RgbaRaster } from './types.js';

type DecodeFn = (bytes: ArrayBuffer) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;

interface WasmCodec {
  init: (module: WebAssembly.Module, overrides: Record<string, unknown>) => Promise<void>;
  decode: DecodeFn;
}

/**
 * Instantiate asynchronously (browsers refuse synchronous instantiation of large modules
 * on the main thread) with the module compiled from the embedded bytes.
 */
async function load(codec: Promise<WasmCodec>, b64: Promise<string>): Promise<DecodeFn> {
  const [c, data] = await Promise.all([codec, b64]);
  const module = await WebAssembly.compile(base64ToBytes(data));
  await c.init(module, {
    instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) {
      WebAssembly.instantiate(module, imports).then(done);
      return {};
    },
  });
  return c.decode;
}

let jpegDecode: Promise<DecodeFn> | null = null;
let webpDecode: Promise<DecodeFn> | null = null;

function toRaster(r: { width: number; height: number; data: Uint8ClampedArray }): RgbaRaster {
  return { width: r.width, height: r.height, data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.length) };
}

async function run(decoder: Promise<DecodeFn>, bytes: Uint8Array, what: string): Promise<RgbaRaster> {
  const fn = await decoder;
  // The codecs take an ArrayBuffer; copy so the caller's buffer is never detached or aliased.
  const copy = bytes.slice().buffer;
  try {
    return toRaster(await fn(copy));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new StarlightError('E_CORRUPT_IMAGE', `${what} decoder rejected the image: ${msg.split('\n').join(' ').trim() || 'decoding error'}`);
  }
}

/**
 * The default, isomorphic decoder: libjpeg-turbo (MozJPEG build) and libwebp compiled to wasm,
 * the same library families Pillow uses, so lossy pixels match the reference exactly.
 */
export const wasmDecoder: PixelDecoder = {
  name: 'wasm (libjpeg-turbo, libwebp)',
  jpeg(bytes) {
    jpegDecode ??= load(
      import('@jsquash/jpeg/decode.js').then((m) => ({ init: m.init, decode: m.default }) as unknown as WasmCodec),
      import('./wasm-binaries.generated.js').then((m) => m.JPEG_WASM),
    );
    return run(jpegDecode, bytes, 'JPEG');
  },
  webp(bytes) {
    webpDecode ??= load(
      import('@jsquash/webp/decode.js').then((m) => ({ init: m.init, decode: m.default }) as unknown as WasmCodec),
      import('./wasm-binaries.generated.js').then((m) => m.WEBP_WASM),
    );
    return run(webpDecode, bytes, 'WebP');
  },
};
