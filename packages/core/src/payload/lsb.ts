/**
 * Reading LSB planes as bytes, stopping at the first whole NUL byte or the cap. One pass gives
 * both bit orders: the bytes are assembled MSB-first and the LSB-first reading of the same bits
 * is the bit-reversal of each byte (a NUL is a NUL in both orders, so both end at the same place).
 */

/** REVERSE[b] = b with its 8 bits in reverse order. */
export const REVERSE = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  let r = 0;
  for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 1 << (7 - i);
  REVERSE[b] = r;
}

export interface LsbRead {
  /** The bytes before the first NUL, MSB-first. */
  bytes: Uint8Array;
  /** A NUL byte ended the read. */
  terminated: boolean;
  /** Whole bytes the plane can hold. */
  capacity: number;
  /** The read stopped at `limit` bytes without a NUL (capacity or cap). */
  exhausted: boolean;
}

/**
 * Bytes from the LSBs of `count` samples of `plane`, taken every `stride` values from `offset`
 * (stride 1 for a plain plane, 3 for the first channel of interleaved RGB), MSB-first,
 * up to the first NUL byte or `limit` bytes.
 */
export function readLsbBytes(plane: Uint8Array, offset: number, stride: number, count: number, limit: number): LsbRead {
  const capacity = Math.floor(Math.min(count, Math.floor((plane.length - offset + stride - 1) / stride)) / 8);
  const max = Math.min(capacity, limit);
  let buf: Uint8Array = new Uint8Array(Math.min(max, 4104));
  let k = 0;
  let terminated = false;
  const p = plane;
  if (stride === 1) {
    let s = offset;
    for (; k < max; k++, s += 8) {
      const b =
        ((p[s]! & 1) << 7) |
        ((p[s + 1]! & 1) << 6) |
        ((p[s + 2]! & 1) << 5) |
        ((p[s + 3]! & 1) << 4) |
        ((p[s + 4]! & 1) << 3) |
        ((p[s + 5]! & 1) << 2) |
        ((p[s + 6]! & 1) << 1) |
        (p[s + 7]! & 1);
      if (b === 0) {
        terminated = true;
        break;
      }
      if (k === buf.length) buf = grow(buf, max);
      buf[k] = b;
    }
  } else {
    const step = 8 * stride;
    let s = offset;
    for (; k < max; k++, s += step) {
      let b = 0;
      for (let j = 0, q = s; j < 8; j++, q += stride) b = (b << 1) | (p[q]! & 1);
      if (b === 0) {
        terminated = true;
        break;
      }
      if (k === buf.length) buf = grow(buf, max);
      buf[k] = b;
    }
  }
  return { bytes: buf.subarray(0, k), terminated, capacity, exhausted: !terminated && k === max };
}

function grow(buf: Uint8Array, max: number): Uint8Array {
  const next = new Uint8Array(Math.min(max, Math.max(16, buf.length * 2)));
  next.set(buf);
  return next;
}

/** The same bytes read LSB-first. */
export function reverseBits(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = REVERSE[bytes[i]!]!;
  return out;
}
