import { wasmDecoder, type PixelDecoder } from '@starlight/core';
import { constants, inflateSync } from 'node:zlib';

/**
 * Core's decoders with Node's native zlib for PNG data (several times faster than the portable
 * inflater). Core trusts it only when it yields exactly the bytes the image needs; anything else
 * (errors, truncation, trailing data) goes to core's own inflater, so results are identical.
 */
export const nodeDecoder: PixelDecoder = {
  name: `${wasmDecoder.name}+node-zlib`,
  jpeg: (bytes) => wasmDecoder.jpeg(bytes),
  webp: (bytes) => wasmDecoder.webp(bytes),
  inflate(pieces, need) {
    const out = inflateSync(pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces), { maxOutputLength: need, finishFlush: constants.Z_SYNC_FLUSH });
    return out.length === need ? new Uint8Array(out.buffer, out.byteOffset, out.length) : null;
  },
};
