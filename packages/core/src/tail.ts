import { lastIndexOf, u32le, EMPTY } from './bytes.js';
import type { ContainerInfo } from './image.js';

const IEND = [0x49, 0x45, 0x4e, 0x44];
const EOI = [0xff, 0xd9];

/**
 * The "tail" exactly as the Starlight V4 reference computes it, quirks included:
 * no tail under 1000 bytes; PNG from the last "IEND" + 12 (the 4 bytes after IEND's CRC are lost);
 * GIF after the last ';' anywhere; JPEG after the last FF D9 (none for MPO); WebP after
 * 8 + RIFF size only when more than 100 bytes follow; BMP never. Capped at 2048 bytes.
 *
 * This is the reference's feature, not the truth about appended data: for that use `info.end`.
 */
export function referenceTail(bytes: Uint8Array, info: ContainerInfo): Uint8Array {
  if (bytes.length < 1000) return EMPTY;
  let start = -1;
  switch (info.pillowFormat) {
    case 'PNG': {
      const p = lastIndexOf(bytes, IEND);
      if (p >= 0) start = p + 12;
      break;
    }
    case 'GIF': {
      const p = bytes.lastIndexOf(0x3b);
      if (p >= 0) start = p + 1;
      break;
    }
    case 'JPEG': {
      const p = lastIndexOf(bytes, EOI);
      if (p >= 0) start = p + 2;
      break;
    }
    case 'WEBP': {
      const expected = 8 + u32le(bytes, 4);
      if (bytes.length - expected > 100) start = expected;
      break;
    }
    default:
      break;
  }
  if (start < 0 || start >= bytes.length) return EMPTY;
  return bytes.subarray(start, Math.min(bytes.length, start + 2048));
}
