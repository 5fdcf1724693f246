export { type BitOrder, toBits, fromBits } from './bits.js';
export { Rng, hashString } from './prng.js';
export {
  type RasterImage,
  type IndexedImage,
  type Cover,
  isIndexed,
  checkCover,
  toRaster,
  toRgba,
  toIndexed,
  greyRampPalette,
} from './image.js';
export { encodePng, pngChunk, textChunk, type PngOptions, type PngText, type PngTextKind } from './png.js';
export { encodeGif, lzwEncode, type GifOptions } from './gif.js';
export { encodeBmp, type BmpOptions } from './bmp.js';
export { encodeWebpLossless, encodeWebpLossy, encodeJpegRgba } from './codecs.js';
export { buildExif, userCommentValue, DEFAULT_IFD0, DEFAULT_EXIF, type TiffField, type ExifOptions, type CommentHeader } from './exif.js';
export { insertJpegSegments, addWebpMetadata, appendData, xmpPacket, type JpegSegments } from './containers.js';
export { encodeImage, IMAGE_FORMATS, type ImageFormatName, type EncodeOptions } from './encode.js';
export {
  embedPayload,
  embedAlpha,
  embedPalette,
  embedLsbRgb,
  frame,
  capacityBits,
  payloadBytes,
  EMBED_METHODS,
  METHOD_FORMATS,
  DEFAULT_BIT_ORDER,
  AI42,
  type EmbedMethod,
  type EmbedOptions,
  type EmbedResult,
  type FramingOptions,
  type Terminator,
  type LsbEmbedOptions,
  type LsbEmbedResult,
} from './methods.js';
export { syntheticCover, transformRaster, ditherToPalette, SYNTHETIC_KINDS, type SyntheticKind } from './covers.js';
export { embedLsbVariant, extractLsbVariant, embedAtRate, lsbVariantCapacity, makeZip, type Channel, type LsbVariantOptions, type LsbVariantResult, type ZipEntry } from './attacks.js';
export { embedDct, extractDct, repackJpeg, dctCapacity, DCT_TOOLS, type DctTool, type DctEmbedOptions, type DctEmbedResult, type DctCapacity } from './dct.js';
