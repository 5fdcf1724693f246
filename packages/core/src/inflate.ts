import { Inflate } from 'fflate';
import { corrupt, truncated } from './errors.js';

/**
 * Inflate a zlib stream given as a list of pieces, producing at most `need` bytes.
 * Input is fed in slices, so a decompression bomb never expands past `need` plus one
 * slice's worth (deflate expands at most 1032:1). Returns the bytes produced (possibly fewer than `need` when
 * the stream ends early; the caller decides whether that is truncation).
 */
export function inflateBounded(pieces: Uint8Array[], need: number): Uint8Array {
  const out = new Uint8Array(need);
  let got = 0;
  let done = false;
  const inf = new Inflate((chunk) => {
    if (done) return;
    const n = Math.min(chunk.length, need - got);
    out.set(n === chunk.length ? chunk : chunk.subarray(0, n), got);
    got += n;
    if (got >= need) done = true;
  });
  // Large enough that fflate's output buffers rarely regrow; small enough that a bomb overshoots
  // `need` by at most ~1032 x SLICE bytes before we stop feeding it.
  const SLICE = 32 * 1024;
  try {
    // zlib header: 2 bytes; fflate's Inflate wants raw deflate, so strip it here.
    let skip = 2;
    for (const p of pieces) {
      let start = 0;
      if (skip > 0) {
        const s = Math.min(skip, p.length);
        start = s;
        skip -= s;
      }
      for (let o = start; o < p.length && !done; o += SLICE) {
        inf.push(p.subarray(o, Math.min(p.length, o + SLICE)), false);
      }
      if (done) break;
    }
  } catch (e) {
    if (got >= need) return out;
    throw corrupt(`compressed image data is invalid (${(e as Error).message})`);
  }
  if (got < need) {
    // Flush: a complete stream that simply produced too little is truncation as well.
    try {
      if (!done) inf.push(new Uint8Array(0), true);
    } catch {
      /* the stream was cut short: reported below */
    }
  }
  if (got < need) throw truncated(`image data is truncated (${got} of ${need} bytes decompressed)`);
  return out;
}

/** A runtime's native inflater (PixelDecoder.inflate), trusted only when it yields exactly `need` bytes. */
export async function nativeInflate(
  native: ((pieces: Uint8Array[], need: number) => Uint8Array | null | Promise<Uint8Array | null>) | undefined,
  pieces: Uint8Array[],
  need: number,
): Promise<Uint8Array | null> {
  if (!native) return null;
  try {
    const out = await native(pieces, need);
    return out instanceof Uint8Array && out.length === need ? out : null;
  } catch {
    return null;
  }
}
