import type { StarlightErrorCode } from '../errors.js';
import type { ImageFormat, ImageMode } from '../image.js';
import type { BitOrder, DetectorMethod, PayloadMethod } from '../payload/types.js';

/**
 * The scan result: the contract for the CLI, the API and everyone downstream.
 * JSON Schema: packages/core/schema/scan-result.schema.json (kept in sync by a test).
 * For an input that cannot be scanned, every field but `sha256` (when the bytes were read) and
 * `error` is null and `stego` is null too.
 */
export interface ScanResult {
  /** SHA-256 of the input bytes (null when the input could not be read). */
  sha256: string | null;
  format: ImageFormat | null;
  width: number | null;
  height: number | null;
  /** Pillow's mode name as the V4 reference sees the image (RGB, RGBA, P, L, …). */
  mode: ImageMode | null;
  /** probability >= threshold (the model's frozen threshold unless overridden). */
  stego: boolean | null;
  /** Calibrated probability that the image hides a payload (statistics and extraction evidence in one model). */
  probability: number | null;
  /** The detector's method when stego, else null (`dct`: a payload in a JPEG's DCT coefficients; models from 0.11). */
  method: DetectorMethod | null;
  /** Softmax over the model's method classes (what the detector would name, were the image stego); `dct` only with models that have that class. */
  methodProbabilities: (Record<PayloadMethod, number> & Partial<Record<'dct', number>>) | null;
  /** The detector's bit order when stego with an LSB method (alpha, palette, lsb.rgb) and the model tells the two orders apart (spec.bitOrderMargin); else null. */
  bitOrder: BitOrder | null;
  /** Softmax over the model's bit-order classes (`none`: no sequential LSB payload). */
  bitOrderProbabilities: Record<BitOrder | 'none', number> | null;
  /** The payload read from the image when stego (a found candidate, else what the detector's method reads; see choosePayload in scanner.ts); else null. */
  payload: ScanPayload | null;
  model: { name: string; version: string; precision: string };
  /** Milliseconds of this image's own work (not time queued behind others); inferMs is its batch's run / batch size. */
  timings: { decodeMs: number; streamsMs: number; inferMs: number; extractMs: number; totalMs: number };
  error: { code: StarlightErrorCode; message: string } | null;
}

export interface ScanPayload {
  method: PayloadMethod;
  bitOrder: BitOrder | null;
  /** Bytes read (framing removed). */
  length: number;
  /** The payload as text when it is printable UTF-8; else null. */
  text: string | null;
  /** Lower-case hex of the bytes read. */
  hex: string;
  /** The payload is probably longer than what was read (capacity or byte cap reached). */
  truncated: boolean;
  /** lsb.rgb read from one channel alone. */
  channel?: 'R' | 'G' | 'B';
  /** For a metadata text field: where it was read (`png:tEXt Comment`, `jpeg:COM`, `xmp dc:description`, `gif:comment`). */
  field?: string;
}

/** The result of an input that could not be scanned: every image and verdict field null, `error` set. */
export function errorResult(
  error: NonNullable<ScanResult['error']>,
  model: ScanResult['model'],
  known: Partial<Pick<ScanResult, 'sha256' | 'format' | 'width' | 'height' | 'mode' | 'timings'>> = {},
): ScanResult {
  return {
    sha256: known.sha256 ?? null,
    format: known.format ?? null,
    width: known.width ?? null,
    height: known.height ?? null,
    mode: known.mode ?? null,
    stego: null,
    probability: null,
    method: null,
    methodProbabilities: null,
    bitOrder: null,
    bitOrderProbabilities: null,
    payload: null,
    model,
    timings: known.timings ?? { decodeMs: 0, streamsMs: 0, inferMs: 0, extractMs: 0, totalMs: 0 },
    error,
  };
}
