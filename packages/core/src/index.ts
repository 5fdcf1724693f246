export { StarlightError, isStarlightError, ERROR_CODES, type StarlightErrorCode } from './errors.js';
export type { ContainerInfo, DecodedImage, ImageFormat, ImageMode, Limits } from './image.js';
export { DEFAULT_LIMITS } from './image.js';
export { sniffFormat, readContainer, decodeImage, type DecodeOptions } from './decode.js';
export type { PixelDecoder, RgbaRaster } from './decoders/types.js';
export { wasmDecoder } from './decoders/wasm.js';
export { referenceTail } from './tail.js';
export {
  computeStreams,
  cropAxis,
  STREAM_NAMES,
  STREAM_SHAPES,
  type Stream,
  type StreamName,
  type Streams,
} from './streams.js';
export { extractStreams, extractModelInputs, type ExtractResult, type ModelInputsResult } from './extract.js';
export { computeExtraInputs, EXTRA_SHAPES, HEAD_BITS, TAIL_BYTES, STATS_LEN, type ExtraInputs } from './features/index.js';
export * from './payload/index.js';
