import { StarlightError } from '@starlight/core';
import { encodeBmp } from './bmp.js';
import { encodeJpegRgba, encodeWebpLossless, encodeWebpLossy } from './codecs.js';
import { addWebpMetadata, insertJpegSegments } from './containers.js';
import { encodeGif, type GifOptions } from './gif.js';
import { isIndexed, toIndexed, toRaster, toRgba, type Cover } from './image.js';
import { encodePng, type PngOptions } from './png.js';

export type ImageFormatName = 'png' | 'gif' | 'bmp' | 'webp' | 'jpeg';
export const IMAGE_FORMATS: readonly ImageFormatName[] = ['png', 'gif', 'bmp', 'webp', 'jpeg'];

export interface EncodeOptions {
  /** A TIFF block to carry as EXIF (PNG eXIf, WebP EXIF, JPEG APP1). GIF and BMP have no EXIF. */
  exif?: Uint8Array;
  /** PNG specifics (colour type, tRNS, text chunks…). */
  png?: PngOptions;
  gif?: GifOptions;
  /** BMP bit depth (8, 24, 32). */
  bmpBits?: 8 | 24 | 32;
  /** JPEG quality (default 85). */
  jpegQuality?: number;
  /** JPEG quantization tables: MozJPEG's (default) or the standard's Annex K ones (libjpeg, cameras). */
  jpegTables?: 'mozjpeg' | 'annex-k';
  /** WebP: lossless (default) or lossy at this quality. */
  webpLossy?: number;
  /** Comments: JPEG COM segments, GIF Comment Extensions (after `gif.comments`); strings as UTF-8. Ignored by PNG, WebP and BMP. */
  comments?: (Uint8Array | string)[];
  /** An XMP packet: JPEG APP1, WebP XMP chunk, PNG iTXt XML:com.adobe.xmp. */
  xmp?: string;
}

/**
 * Write a cover in a format. The cover is kept sample-exact in PNG, GIF, BMP and lossless WebP
 * (indexed covers are expanded for RGB-only formats; raster covers are quantised for GIF).
 */
export async function encodeImage(cover: Cover, format: ImageFormatName, o: EncodeOptions = {}): Promise<Uint8Array> {
  if ((format === 'gif' || format === 'bmp') && o.exif) {
    throw new StarlightError('E_INVALID_ARGUMENT', `${format.toUpperCase()} cannot carry EXIF`);
  }
  switch (format) {
    case 'png': {
      const png: PngOptions = { ...o.png };
      if (o.exif) png.exif = o.exif;
      if (o.xmp !== undefined) png.text = [...(png.text ?? []), { keyword: 'XML:com.adobe.xmp', text: o.xmp, kind: 'iTXt' }];
      return encodePng(cover, png);
    }
    case 'gif':
      return encodeGif(toIndexed(cover), o.comments ? { ...o.gif, comments: [...(o.gif?.comments ?? []), ...o.comments] } : { ...o.gif });
    case 'bmp': {
      const bits = o.bmpBits ?? (isIndexed(cover) ? 8 : cover.channels === 4 ? 32 : 24);
      if (bits === 8) return encodeBmp(toIndexed(cover), { bits });
      return encodeBmp(isIndexed(cover) || cover.channels === 1 ? toRaster(cover, bits === 32 ? 4 : 3) : cover, { bits });
    }
    case 'webp': {
      const rgba = toRgba(cover);
      let file = o.webpLossy !== undefined ? await encodeWebpLossy(rgba.data, rgba.width, rgba.height, o.webpLossy) : await encodeWebpLossless(rgba.data, rgba.width, rgba.height);
      if (o.exif || o.xmp !== undefined) {
        const meta: { exif?: Uint8Array; xmp?: string } = {};
        if (o.exif) meta.exif = o.exif;
        if (o.xmp !== undefined) meta.xmp = o.xmp;
        file = addWebpMetadata(file, meta);
      }
      return file;
    }
    case 'jpeg': {
      const rgba = toRgba(cover);
      const file = await encodeJpegRgba(rgba.data, rgba.width, rgba.height, o.jpegQuality ?? 85, o.jpegTables);
      if (!o.exif && o.xmp === undefined && !o.comments) return file;
      const seg: Parameters<typeof insertJpegSegments>[1] = {};
      if (o.exif) seg.exif = o.exif;
      if (o.xmp !== undefined) seg.xmp = o.xmp;
      if (o.comments) seg.comments = o.comments;
      return insertJpegSegments(file, seg);
    }
    default:
      throw new StarlightError('E_INVALID_ARGUMENT', `format: ${JSON.stringify(format)} is not one of ${IMAGE_FORMATS.join(', ')}`);
  }
}
