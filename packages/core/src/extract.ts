import { decodeImage, guard, type DecodeOptions } from './decode.js';
import type { DecodedImage } from './image.js';
import { computeExtraInputs, type ExtraInputs } from './features/index.js';
import { computeStreams, type Streams } from './streams.js';
import { extractPayloadFromImage } from './payload/extract.js';
import type { PayloadReport } from './payload/types.js';

export interface ExtractResult {
  /** The decoded image, for later stages (payload extraction, explanations) to share. */
  image: DecodedImage;
  streams: Streams;
}

/**
 * Image file bytes in, the eight Starlight V4 streams out (channel-first Float32Arrays),
 * plus the decoded image. Every failure is a StarlightError.
 */
export async function extractStreams(bytes: Uint8Array, options: DecodeOptions = {}): Promise<ExtractResult> {
  const image = await decodeImage(bytes, options);
  return guard(() => ({ image, streams: computeStreams(image, bytes) }));
}

export interface ModelInputsResult extends ExtractResult {
  extras: ExtraInputs;
  /** Keyless payload extraction on the same decoded image (all methods, both bit orders). */
  payload: PayloadReport;
}

/**
 * Everything the detector reads, from one decode: the eight V4 streams, the extra inputs (head bits,
 * appended bytes, LSB statistics) and the payload-extraction evidence, plus the payload report itself.
 */
export async function extractModelInputs(bytes: Uint8Array, options: DecodeOptions = {}): Promise<ModelInputsResult> {
  const image = await decodeImage(bytes, options);
  return modelInputsOf(image, bytes);
}

/** extractModelInputs for an image that is already decoded. */
export function modelInputsOf(image: DecodedImage, bytes: Uint8Array): ModelInputsResult {
  return guard(() => {
    const payload = extractPayloadFromImage(image, bytes);
    return { image, streams: computeStreams(image, bytes), extras: computeExtraInputs(image, bytes, payload), payload };
  });
}
