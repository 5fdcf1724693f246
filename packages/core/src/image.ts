import type { MetadataText } from './metadata.js';

/** The decoded image that every later stage (streams, payload extraction, explanations) shares. */

export type ImageFormat = 'png' | 'gif' | 'jpeg' | 'webp' | 'bmp';

/**
 * Pillow's mode names, as the Starlight V4 reference sees the image.
 * GIFs that Pillow opens as `L` are reported as `P` (the reference converts them).
 */
export type ImageMode = '1' | 'L' | 'LA' | 'P' | 'RGB' | 'RGBA' | 'CMYK' | 'I;16';

export interface ContainerInfo {
  format: ImageFormat;
  /** What Pillow calls the container (`MPO` for a JPEG with several MPF pictures). */
  pillowFormat: 'PNG' | 'GIF' | 'JPEG' | 'MPO' | 'WEBP' | 'BMP';
  width: number;
  height: number;
  mode: ImageMode;
  /** EXIF bytes exactly as Pillow exposes `info["exif"]` for this container (empty when none). */
  exif: Uint8Array;
  /** Text fields of the metadata (PNG text chunks, JPEG COM, XMP, GIF comments), in file order. */
  text: readonly MetadataText[];
  /**
   * Offset just past the last byte that belongs to the container: appended data starts here. A JPEG's
   * preview image or motion-photo video that its own metadata declares after EOI belongs to it.
   */
  end: number;
  /** True for JPEG and lossy (VP8) WebP, whose pixels carry compression noise. */
  lossy: boolean;
  /** Number of frames (animated GIF/WebP, MPO). Only the first is decoded. */
  frames: number;
}

export interface DecodedImage extends ContainerInfo {
  /** Interleaved RGB, width*height*3, as Pillow's convert('RGB') gives it. */
  rgb: Uint8Array;
  /** Alpha plane (width*height), only for mode RGBA. */
  alpha: Uint8Array | null;
  /** Palette indices (width*height), only for mode P. */
  indices: Uint8Array | null;
  /** The palette's real entries as RGB triples (length 3*n), only for mode P. */
  palette: Uint8Array | null;
}

export interface Limits {
  /** Refuse images with more pixels than this, before allocating. Default 100 megapixels. */
  maxPixels?: number;
  /** Refuse inputs longer than this many bytes. Default 256 MiB. */
  maxBytes?: number;
}

export const DEFAULT_LIMITS: Required<Limits> = {
  maxPixels: 100_000_000,
  maxBytes: 256 * 1024 * 1024,
};
