import { StarlightError, corrupt } from './errors.js';
import { DEFAULT_LIMITS, type Limits } from './image.js';

export function resolveLimits(l?: Limits): Required<Limits> {
  return { ...DEFAULT_LIMITS, ...(l ?? {}) };
}

/** Validate declared dimensions before any pixel buffer is allocated. */
export function checkDimensions(width: number, height: number, limits: Required<Limits>): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw corrupt(`invalid image dimensions ${width}x${height}`);
  }
  if (width * height > limits.maxPixels) {
    throw new StarlightError(
      'E_TOO_LARGE',
      `image is ${width}x${height} (${(width * height / 1e6).toFixed(1)} MP), over the limit of ${(limits.maxPixels / 1e6).toFixed(1)} MP`,
    );
  }
}
