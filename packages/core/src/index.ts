export { StarlightError, isStarlightError, ERROR_CODES, type StarlightErrorCode } from './errors.js';
export type { ContainerInfo, DecodedImage, ImageFormat, ImageMode, Limits } from './image.js';
export { DEFAULT_LIMITS } from './image.js';
export { sniffFormat, readContainer, decodeImage, type DecodeOptions } from './decode.js';
export { xmpValues, type MetadataText } from './metadata.js';
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
export { extractStreams, extractModelInputs, modelInputsOf, type ExtractResult, type ModelInputsResult } from './extract.js';
export { computeExtraInputs, computeEvidence, EXTRA_SHAPES, HEAD_BITS, TAIL_BYTES, STATS_LEN, EVIDENCE_LEN, RESIDUAL_LEN, type ExtraInputs } from './features/index.js';
export { dctFeatures, DCT_LEN } from './features/dct.js';
export { decodeJpegCoefficients, type JpegCoefficients, type JpegComponentCoefficients } from './codecs/jpeg-decoder.js';
export * from './payload/index.js';
export { ortSession, type InferenceBackend, type InferenceSession, type OrtSessionLike, type SessionOptions, type Tensor } from './inference/backend.js';
export { readOnnxInfo, type OnnxInfo } from './inference/onnx-info.js';
export {
  loadModel,
  buildFeeds,
  MODEL_INPUT_SHAPES,
  REQUIRED_OUTPUTS,
  BIT_ORDER_CLASSES,
  DEFAULT_BIT_ORDER_MARGIN,
  SPEC_METADATA_KEY,
  type ModelSpec,
  type ModelSpecJson,
  type LoadedModel,
} from './inference/model.js';
export { createScanner, type Scanner, type ScannerOptions, type ScanInput, type ModelSource } from './scan/scanner.js';
export { errorResult, type ScanResult, type ScanPayload } from './scan/result.js';
export { sha256Hex } from './sha256.js';
