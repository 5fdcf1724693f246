/** Bits of a byte string in either order, and LSB writing into sample planes. */

export type BitOrder = 'msb-first' | 'lsb-first';

/** One bit per element (0/1): `msb-first` writes bit 7 of each byte first, `lsb-first` bit 0 first. */
export function toBits(bytes: Uint8Array, order: BitOrder): Uint8Array {
  const bits = new Uint8Array(bytes.length * 8);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    for (let j = 0; j < 8; j++) bits[i * 8 + j] = order === 'msb-first' ? (b >> (7 - j)) & 1 : (b >> j) & 1;
  }
  return bits;
}

export function fromBits(bits: Uint8Array, order: BitOrder): Uint8Array {
  const out = new Uint8Array(bits.length >> 3);
  for (let i = 0; i < out.length; i++) {
    let b = 0;
    for (let j = 0; j < 8; j++) b |= (bits[i * 8 + j]! & 1) << (order === 'msb-first' ? 7 - j : j);
    out[i] = b;
  }
  return out;
}

/**
 * Replace the LSB of samples plane[offset + k*stride] (k = 0..bits.length-1) with the bits.
 * The caller has checked the capacity.
 */
export function writeLsbs(plane: Uint8Array, offset: number, stride: number, bits: Uint8Array): void {
  for (let k = 0, s = offset; k < bits.length; k++, s += stride) plane[s] = (plane[s]! & 0xfe) | bits[k]!;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 255);
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
