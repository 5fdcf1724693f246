// Public API of keyless payload extraction (re-exported by core's index).
export {
  PAYLOAD_METHODS,
  DETECTOR_METHODS,
  BIT_ORDERS,
  DEFAULT_MAX_PAYLOAD_BYTES,
  PAYLOAD_FOUND_CONFIDENCE,
  type PayloadMethod,
  type DetectorMethod,
  type BitOrder,
  type PayloadCandidate,
  type PayloadReport,
  type ExtractPayloadOptions,
} from './types.js';
export { extractPayload, extractPayloadFromImage } from './extract.js';
export { confidenceOf } from './confidence.js';
export { findUserComment, splitCharacterCode, type UserComment, type CommentEncoding } from './exif.js';
