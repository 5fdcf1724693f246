import { decodeImage, guard, type DecodeOptions } from './decode.js';
import type { DecodedImage } from './image.js';
import { computeExtraInputs, type ExtraInputs } from './features/index.js';
import { computeStreams, type Streams } from './streams.js';

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
}

/** The eight V4 streams plus the detector's extra inputs (head bits, appended bytes, LSB statistics). */
export async function extractModelInputs(bytes: Uint8Array, options: DecodeOptions = {}): Promise<ModelInputsResult> {
  const image = await decodeImage(bytes, options);
  return guard(() => ({ image, streams: computeStreams(image, bytes), extras: computeExtraInputs(image, bytes) }));
}
