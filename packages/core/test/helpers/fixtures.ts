import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** ../shared beside the repository (CI lays it there); override with STARLIGHT_SHARED. */
export const SHARED = resolve(process.env.STARLIGHT_SHARED ?? join(__dirnameOf(), '../../../../../shared'));
export const FIXTURES = join(SHARED, 'fixtures/starlight-v4');

function __dirnameOf(): string {
  // jest runs these files with cwd = packages/core
  return join(process.cwd(), 'test/helpers');
}

export function requireShared(): void {
  if (!existsSync(join(FIXTURES, 'manifest.json'))) {
    throw new Error(`shared fixtures not found at ${FIXTURES}: set STARLIGHT_SHARED to the shared/ folder`);
  }
}

export interface StreamMeta {
  shape: number[];
  sha256: string;
  sha256_chw?: string;
  sum: number;
  min: number;
  max: number;
  values?: number[];
}

export interface ManifestEntry {
  file: string;
  category: string;
  pillow_mode?: string;
  size?: [number, number];
  format?: string;
  n_frames?: number;
  meta_sources?: { exif_len: number; tail_len: number };
  error?: { type: string; message: string; stage: string };
  streams?: Record<string, StreamMeta>;
}

let manifest: ManifestEntry[] | null = null;
export function entries(): ManifestEntry[] {
  requireShared();
  manifest ??= (JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as { entries: ManifestEntry[] }).entries;
  return manifest;
}

export function readImage(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, 'images', file)));
}

export function sha256(data: Float32Array | Uint8Array): string {
  return createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}

/** The reference's arrays for one image, decoded to float32 in the reference's own layout. */
export function referenceArrays(file: string): Record<string, Float32Array> {
  const stem = file.replace(/\.[^.]+$/, '');
  const doc = JSON.parse(gunzipSync(readFileSync(join(FIXTURES, 'streams', `${stem}.json.gz`))).toString()) as {
    streams: Record<string, { shape: number[]; decode: string | string[]; b64: string }>;
  };
  const out: Record<string, Float32Array> = {};
  for (const [name, s] of Object.entries(doc.streams)) {
    const u8 = new Uint8Array(Buffer.from(s.b64, 'base64'));
    const per = u8.length / s.shape[0]!;
    const f = new Float32Array(u8.length);
    for (let i = 0; i < u8.length; i++) {
      const d = Array.isArray(s.decode) ? s.decode[Math.floor(i / per)] : s.decode;
      f[i] = d === 'div255' ? Math.fround(u8[i]! / 255) : u8[i]!;
    }
    out[name] = f;
  }
  return out;
}

/** Lossy files, whose pixels depend on the decoder's IDCT / upsampling. */
export const isLossy = (file: string): boolean => /\.(jpe?g)$/i.test(file) || /^edge_lossy.*\.webp$/.test(file) || /\.webp$/.test(file);
