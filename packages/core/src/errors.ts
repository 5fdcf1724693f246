/**
 * Every failure Starlight reports is a StarlightError with a stable `code`.
 * Apps map codes to HTTP statuses and exit codes in one place each.
 */
export const ERROR_CODES = [
  'E_UNSUPPORTED_FORMAT', // not an image we know (magic bytes unknown)
  'E_CORRUPT_IMAGE', // the container or bitstream is invalid
  'E_TRUNCATED', // the file ends before the image data does
  'E_TOO_LARGE', // over the pixel or byte limits
  'E_INVALID_ARGUMENT', // the caller passed something unusable
  'E_DECODER', // an internal decoder failed in an unexpected way
  'E_IO', // the input could not be read (missing file, permission, stream error)
  'E_MODEL', // the model file is not a usable Starlight model (corrupt, or a missing input/output)
  'E_INFERENCE', // the inference backend failed while running the model
] as const;

export type StarlightErrorCode = (typeof ERROR_CODES)[number];

export class StarlightError extends Error {
  readonly code: StarlightErrorCode;
  constructor(code: StarlightErrorCode, message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = 'StarlightError';
    this.code = code;
    if (options && 'cause' in options) (this as { cause?: unknown }).cause = options.cause;
  }
}

/**
 * True for a StarlightError, also one thrown by another copy of core (an ESM and a CJS build loaded
 * side by side, or two bundles), where `instanceof` would say no.
 */
export function isStarlightError(e: unknown): e is StarlightError {
  if (e instanceof StarlightError) return true;
  const x = e as { name?: unknown; code?: unknown } | null;
  return typeof x === 'object' && x !== null && x.name === 'StarlightError' && (ERROR_CODES as readonly unknown[]).includes(x.code);
}

/** Shorthands used by the parsers. */
export const corrupt = (msg: string): StarlightError => new StarlightError('E_CORRUPT_IMAGE', msg);
export const truncated = (msg: string): StarlightError => new StarlightError('E_TRUNCATED', msg);
