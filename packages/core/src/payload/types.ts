import type { DecodeOptions } from '../decode.js';

/** The five Starlight embedding methods, in class-id order (0..4). */
export const PAYLOAD_METHODS = ['alpha', 'palette', 'lsb.rgb', 'exif', 'eoi'] as const;
export type PayloadMethod = (typeof PAYLOAD_METHODS)[number];

/**
 * What the detector can name (class ids 0..5): the five methods, then `dct`, a payload in a JPEG's
 * DCT coefficients (JSteg, OutGuess, F5, steghide and the like: keyed tools whose payload keyless
 * extraction cannot read). Models before 0.11 know the first five only.
 */
export const DETECTOR_METHODS = [...PAYLOAD_METHODS, 'dct'] as const;
export type DetectorMethod = (typeof DETECTOR_METHODS)[number];

/** `msb-first`: bit 7 of each byte is written first (numpy unpackbits order); `lsb-first`: bit 0 first. */
export const BIT_ORDERS = ['msb-first', 'lsb-first'] as const;
export type BitOrder = (typeof BIT_ORDERS)[number];

/** Default bound on the bytes one candidate may hold (1 MiB). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * A candidate at or above this confidence is reported as found (`PayloadReport.found`).
 * Confidence is a posterior probability under a prior of 1 in a million that a given read holds
 * a payload, so 0.99 means the evidence is at least ~10^8 times likelier under "payload" than
 * under "chance" (see confidence.ts for the model). Measured: 0 of 20,000 clean images reach it
 * (two independent 10,000-image corpora; the highest evidence on a clean image was 2.6 of the 8 needed).
 * Re-run with the per-channel lsb.rgb reads and metadata-text candidates (packages/embed clean-fp
 * test, STARLIGHT_CLEAN_FP_IMAGES=10000): 0 of 10,000; highest evidence 2.17 outside metadata text,
 * whose visible-text candidates are capped at METADATA_MAX_EVIDENCE = 7 (encoded blobs are not: see blobEvidence).
 */
export const PAYLOAD_FOUND_CONFIDENCE = 0.99;

export interface PayloadCandidate {
  method: PayloadMethod;
  /** The bit order the bytes were read in (LSB methods); null for exif and eoi. */
  bitOrder: BitOrder | null;
  /** The payload itself, framing removed (marker, terminator, character-code header). For a UNICODE UserComment, the UTF-16 bytes as stored (`text` holds the decoded string). */
  bytes: Uint8Array;
  /** The payload as text when it is valid UTF-8 made only of printable characters (tab, LF, CR allowed); else null. */
  text: string | null;
  /** Lower-case hex of `bytes` (computed on first access). */
  readonly hex: string;
  /** bytes.length */
  length: number;
  /** 0..1: posterior probability that this is a real payload (see PAYLOAD_FOUND_CONFIDENCE). */
  confidence: number;
  /** log10 likelihood ratio behind `confidence` (payload vs chance); handy for ranking and diagnostics. */
  evidence: number;
  /**
   * The payload is probably longer than what was read: the read ran into the image's capacity or
   * the byte cap before a terminator, or (for `unterminated` prefixes) stopped at the first non-text byte.
   */
  truncated: boolean;
  /** A terminator (NUL) closed the payload. Always false for eoi without AI42 and for exif. */
  terminated: boolean;
  /** `AI42` marker present (alpha, eoi). */
  marker: 'AI42' | null;
  /** exif only: the UserComment character-code header. */
  encoding?: 'ascii' | 'unicode' | 'jis' | 'undefined' | 'none';
  /** eoi only: the file offset where the appended data starts (the container's true end). */
  offset?: number;
  /** eoi only: a recognised file signature at the start of the appended data (zip, png, jpeg, …). */
  embeddedFile?: string;
  /** lsb.rgb only: the payload was read from this channel alone (R, G, B LSBs of consecutive pixels otherwise). */
  channel?: 'R' | 'G' | 'B';
  /** exif only, for metadata text fields: where the text was read (`png:tEXt Comment`, `jpeg:COM`, `xmp dc:description`, `gif:comment`). */
  field?: string;
  /**
   * exif only, for metadata text fields: the field's encoded content is a structure legitimate writers put there
   * (`jpeg`, `png`, `exif`, `tiff`, `icc`, `xmp`, `iptc`, `8bim`, …: a thumbnail or a profile, e.g. ImageMagick's
   * "Raw profile type exif"). Listed for completeness; a scan never reports it as the payload.
   */
  structure?: string;
  /** Human-readable reasons behind the confidence. */
  reasons: string[];
}

export interface PayloadReport {
  /** The best candidate when its confidence reaches PAYLOAD_FOUND_CONFIDENCE; else null. */
  found: PayloadCandidate | null;
  /** Every non-empty candidate read, best first. */
  candidates: PayloadCandidate[];
  /** Methods that could not be tried on this input, with the reason (e.g. alpha on an RGB image). */
  skipped: { method: PayloadMethod; reason: string }[];
}

export interface ExtractPayloadOptions {
  /** Only these methods (default: all five). */
  method?: PayloadMethod | readonly PayloadMethod[];
  /** Only this bit order for the LSB methods (default: both, best first). */
  bitOrder?: BitOrder;
  /** Cap on the bytes one candidate may hold (default 1 MiB); longer payloads come back truncated. */
  maxBytes?: number;
  /** Only candidates at or above this confidence are listed (default 0: all). */
  minConfidence?: number;
  /** Decoder options and limits, used when extractPayload is given file bytes. */
  decode?: DecodeOptions;
}
