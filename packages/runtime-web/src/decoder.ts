import { wasmDecoder, type PixelDecoder } from '@starlight/core';

/**
 * Core's decoders with the platform's DecompressionStream for PNG data (native zlib in every
 * current browser, and in Node 18+). It reads only the bytes the image needs and then cancels, so a
 * decompression bomb never expands; on any error, or a short stream, it returns null and core's own
 * inflater decides, so results are identical with or without it.
 */
export const webDecoder: PixelDecoder = {
  name: `${wasmDecoder.name}+DecompressionStream`,
  jpeg: (bytes) => wasmDecoder.jpeg(bytes),
  webp: (bytes) => wasmDecoder.webp(bytes),
  async inflate(pieces, need) {
    if (typeof DecompressionStream !== 'function') return null;
    const ds = new DecompressionStream('deflate');
    const writer = ds.writable.getWriter();
    const reader = ds.readable.getReader();
    void (async () => {
      for (const p of pieces) await writer.write(p as Uint8Array<ArrayBuffer>);
      await writer.close();
    })().catch(() => undefined);
    const out = new Uint8Array(need);
    let got = 0;
    try {
      while (got < need) {
        const { value, done } = await reader.read();
        if (done) break;
        const n = Math.min(value.length, need - got);
        out.set(n === value.length ? value : value.subarray(0, n), got);
        got += n;
      }
    } finally {
      reader.cancel().catch(() => undefined);
    }
    return got === need ? out : null;
  },
};
