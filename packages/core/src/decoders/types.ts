/** Raw pixels as a decoder library returns them: interleaved, non-premultiplied RGBA. */
export interface RgbaRaster {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * The small interface behind which lossy pixel decoding sits. PNG, GIF and BMP are decoded by
 * core's own TypeScript (exact by construction); JPEG and WebP go through a PixelDecoder so a
 * runtime may bring a faster one. Any implementation must pass the same parity suite.
 */
export interface PixelDecoder {
  readonly name: string;
  /** A JPEG with 1 or 3 components (grey, YCbCr or Adobe RGB) to RGBA, as libjpeg-turbo decodes it. */
  jpeg(bytes: Uint8Array): Promise<RgbaRaster>;
  /** A still WebP file (VP8 or VP8L, optional ALPH) to non-premultiplied RGBA, as libwebp decodes it. */
  webp(bytes: Uint8Array): Promise<RgbaRaster>;
  /**
   * Optional native zlib for PNG data: the stream given in pieces, inflated to exactly `need` bytes
   * (it must stop there: never inflate without bound). Return null (or throw) whenever it cannot
   * give exactly that, and core's own bounded inflater decides (so errors, truncation and bombs
   * are handled identically with or without it).
   */
  inflate?(pieces: Uint8Array[], need: number): Uint8Array | null | Promise<Uint8Array | null>;
}
