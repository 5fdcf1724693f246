/** One dataset file, as recorded in manifest.jsonl. */
export interface ManifestRow {
  file: string; // relative to the dataset folder
  split: 'train' | 'val' | 'test';
  source: string; // the source image (all tiles and conversions of one source share it)
  stego: 0 | 1;
  method: 'alpha' | 'palette' | 'lsb.rgb' | 'exif' | 'eoi' | 'dct' | null;
  bit_order: 'lsb-first' | 'msb-first' | null;
  variant: string; // 'clean', 'starlight' or an attacker variant
  format: string; // file format + flavour, e.g. 'png-rgba', 'jpeg-q80'
  width: number;
  height: number;
  payload_len: number | null;
  /** 'text': valid UTF-8 of printable characters; 'bytes': anything else (stego only). */
  payload_kind?: 'text' | 'bytes';
  /** SHA-256 (hex) of the payload as embedded (stego only). */
  payload_sha256?: string;
  /** The payload itself when it is at most 1024 bytes. */
  payload_b64?: string;
  /** The embedder cut the payload to the cover's capacity: what the image holds is a prefix of it. */
  payload_truncated?: boolean;
  len_bucket?: string;
  /** The cover went through JPEG before this file was written (build.ts: withJpegHistory). */
  jpeg_history?: true;
}

export const METHOD_ID: Record<string, number> = { alpha: 0, palette: 1, 'lsb.rgb': 2, exif: 3, eoi: 4, dct: 5 };
export const BIT_ORDER_ID: Record<string, number> = { 'lsb-first': 0, 'msb-first': 1 };

export function lenBucket(n: number | null): string | undefined {
  if (n === null) return undefined;
  if (n <= 16) return '1-16';
  if (n <= 64) return '17-64';
  if (n <= 256) return '65-256';
  if (n <= 1024) return '257-1024';
  if (n <= 8192) return '1025-8192';
  return '>8192';
}
