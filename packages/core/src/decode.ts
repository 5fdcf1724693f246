import { startsWith } from './bytes.js';
import { decodeBmp, parseBmp } from './containers/bmp.js';
import { decodeGif, parseGif } from './containers/gif.js';
import { decodeJpegPixels } from './codecs/jpeg-decoder.js';
import { parseJpegContainer } from './containers/jpeg.js';
import { decodePng, parsePng, PNG_SIGNATURE } from './containers/png.js';
import { chunks, parseWebpContainer, type WebpParse } from './containers/webp.js';
import type { PixelDecoder, RgbaRaster } from './decoders/types.js';
import { wasmDecoder } from './decoders/wasm.js';
import { StarlightError, corrupt } from './errors.js';
import type { ContainerInfo, DecodedImage, ImageFormat, Limits } from './image.js';
import { resolveLimits } from './limits.js';

export interface DecodeOptions extends Limits {
  /** Decoder for JPEG and WebP pixels. Default: the embedded wasm builds of libjpeg-turbo and libwebp. */
  decoder?: PixelDecoder;
}

/** The container format, from magic bytes only (never the file name); null when unknown. */
export function sniffFormat(b: Uint8Array): ImageFormat | null {
  if (startsWith(b, PNG_SIGNATURE)) return 'png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38]) && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return 'gif';
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (startsWith(b, [0x42, 0x4d]) && b.length >= 18) return 'bmp';
  return null;
}

function checkInput(bytes: Uint8Array, limits: Required<Limits>): ImageFormat {
  if (!(bytes instanceof Uint8Array)) {
    throw new StarlightError('E_INVALID_ARGUMENT', 'expected the file contents as a Uint8Array');
  }
  if (bytes.length > limits.maxBytes) {
    throw new StarlightError('E_TOO_LARGE', `input is ${bytes.length} bytes, over the limit of ${limits.maxBytes}`);
  }
  const format = sniffFormat(bytes);
  if (!format) {
    throw new StarlightError(
      'E_UNSUPPORTED_FORMAT',
      bytes.length === 0 ? 'the file is empty' : 'not a PNG, JPEG, GIF, WebP or BMP image (unrecognised magic bytes)',
    );
  }
  return format;
}

/** Parse the container only (format, size, mode, EXIF, true end): no pixel decoding. */
export function readContainer(bytes: Uint8Array, options: Limits = {}): ContainerInfo {
  const limits = resolveLimits(options);
  const format = checkInput(bytes, limits);
  return guard(() => {
    switch (format) {
      case 'png':
        return parsePng(bytes, limits);
      case 'gif':
        return parseGif(bytes, limits);
      case 'bmp':
        return parseBmp(bytes, limits);
      case 'jpeg':
        return parseJpegContainer(bytes, limits).info;
      case 'webp':
        return parseWebpContainer(bytes, limits).info;
    }
  });
}

/** Decode the first frame of an image into the shared DecodedImage. */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const limits = resolveLimits(options);
  const format = checkInput(bytes, limits);
  const decoder = options.decoder ?? wasmDecoder;
  return guardAsync(async () => {
    switch (format) {
      case 'png':
        return decodePng(bytes, limits, decoder.inflate?.bind(decoder));
      case 'gif':
        return decodeGif(bytes, limits);
      case 'bmp':
        return decodeBmp(bytes, limits);
      case 'jpeg':
        return decodeJpeg(bytes, limits, decoder);
      case 'webp':
        return decodeWebp(bytes, limits, decoder);
    }
  });
}

/** Anything that is not already a StarlightError (a RangeError on hostile input, say) becomes one. */
function wrap(e: unknown): StarlightError {
  if (e instanceof StarlightError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new StarlightError('E_CORRUPT_IMAGE', `the image could not be decoded: ${msg}`, { cause: e });
}

export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw wrap(e);
  }
}

async function guardAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw wrap(e);
  }
}

function checkRaster(r: RgbaRaster, w: number, h: number, what: string): void {
  if (r.width !== w || r.height !== h || r.data.length < w * h * 4) {
    throw corrupt(`${what} decoded to ${r.width}x${r.height}, but the container declares ${w}x${h}`);
  }
}

function splitRgba(r: Uint8Array, n: number, withAlpha: boolean): { rgb: Uint8Array; alpha: Uint8Array | null } {
  const rgb = new Uint8Array(n * 3);
  const alpha = withAlpha ? new Uint8Array(n) : null;
  for (let i = 0; i < n; i++) {
    rgb[3 * i] = r[4 * i]!;
    rgb[3 * i + 1] = r[4 * i + 1]!;
    rgb[3 * i + 2] = r[4 * i + 2]!;
    if (alpha) alpha[i] = r[4 * i + 3]!;
  }
  return { rgb, alpha };
}

async function decodeJpeg(bytes: Uint8Array, limits: Required<Limits>, decoder: PixelDecoder): Promise<DecodedImage> {
  const p = parseJpegContainer(bytes, limits);
  const { width: w, height: h } = p.info;
  if (p.components === 4) {
    // libjpeg cannot convert CMYK to RGBA, so the wasm decoders stop here: core's own
    // TypeScript port of libjpeg-turbo's decoder gives the raw CMYK samples, bit-exact.
    const cmyk = decodeJpegPixels(bytes);
    if (cmyk.channels !== 4 || cmyk.width !== w || cmyk.height !== h) throw corrupt('CMYK JPEG decoded inconsistently');
    return { ...p.info, rgb: cmykToRgb(cmyk.data, w * h), alpha: null, indices: null, palette: null };
  }
  const r = await decoder.jpeg(bytes);
  checkRaster(r, w, h, 'JPEG');
  return { ...p.info, ...splitRgba(r.data, w * h, false), alpha: null, indices: null, palette: null };
}

/**
 * Pillow reads CMYK JPEGs inverted ("CMYK;I": C' = 255 - stored) and converts to RGB as
 * R = (255 - K') - MULDIV255(C', 255 - K') (Convert.c, cmyk2rgb).
 */
function cmykToRgb(raw: Uint8Array, n: number): Uint8Array {
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const nk = raw[4 * i + 3]!; // 255 - K' = stored K
    for (let c = 0; c < 3; c++) {
      const cp = 255 - raw[4 * i + c]!;
      const t = cp * nk + 128;
      rgb[3 * i + c] = nk - (((t >> 8) + t) >> 8);
    }
  }
  return rgb;
}

async function decodeWebp(bytes: Uint8Array, limits: Required<Limits>, decoder: PixelDecoder): Promise<DecodedImage> {
  const p = parseWebpContainer(bytes, limits);
  const { width: w, height: h, mode } = p.info;
  let rgba: Uint8Array;
  if (p.animated) {
    rgba = await firstAnimationFrame(p, decoder);
  } else {
    // Decode only the RIFF body: appended bytes are not part of the image.
    const r = await decoder.webp(bytes.subarray(0, p.info.end));
    checkRaster(r, w, h, 'WebP');
    rgba = r.data;
  }
  return { ...p.info, ...splitRgba(rgba, w * h, mode === 'RGBA'), indices: null, palette: null };
}

/** Frame 1 of an animation, placed on a transparent-black canvas as libwebp's WebPAnimDecoder does. */
async function firstAnimationFrame(p: WebpParse, decoder: PixelDecoder): Promise<Uint8Array> {
  const { width: w, height: h } = p.info;
  const f = p.firstFrame!;
  const hasAlph = chunks(f.chunks, 0, f.chunks.length).some((c) => c.id === 'ALPH');
  // Re-wrap the frame's chunks as a still WebP: VP8X (with the alpha flag when ALPH is present) + chunks.
  const vp8x = new Uint8Array(18);
  vp8x.set([0x56, 0x50, 0x38, 0x58, 10, 0, 0, 0, hasAlph ? 0x10 : 0]);
  vp8x.set([(f.w - 1) & 255, ((f.w - 1) >> 8) & 255, (f.w - 1) >> 16, (f.h - 1) & 255, ((f.h - 1) >> 8) & 255, (f.h - 1) >> 16], 12);
  const body = 4 + vp8x.length + f.chunks.length;
  const file = new Uint8Array(8 + body);
  file.set([0x52, 0x49, 0x46, 0x46, body & 255, (body >> 8) & 255, (body >> 16) & 255, body >>> 24, 0x57, 0x45, 0x42, 0x50]);
  file.set(vp8x, 12);
  file.set(f.chunks, 12 + vp8x.length);
  const r = await decoder.webp(file);
  checkRaster(r, f.w, f.h, 'WebP frame');
  const canvas = new Uint8Array(w * h * 4);
  for (let y = 0; y < f.h && f.y + y < h; y++) {
    const cols = Math.max(0, Math.min(f.w, w - f.x));
    canvas.set(r.data.subarray(y * f.w * 4, (y * f.w + cols) * 4), ((f.y + y) * w + f.x) * 4);
  }
  return canvas;
}
