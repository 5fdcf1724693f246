/** The conformance context's files, read in Node: the models and a mixed set of images. */
import { MODEL_URL } from '@starlight/model';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHARED = process.env.STARLIGHT_SHARED ?? join(ROOT, '../shared');
const FIXTURES = join(SHARED, 'fixtures/starlight-v4/images');

/** Every example image, and shared fixtures covering each format, mode, method and the corrupt ones. */
export const IMAGE_FILES: string[] = [
  ...readdirSync(join(ROOT, 'examples'))
    .filter((f) => /\.(png|gif|jpe?g|webp|bmp)$/i.test(f))
    .map((f) => join(ROOT, 'examples', f)),
  ...[
    'edge_p4_lum_vs_index.png',
    'edge_p8.bmp',
    'edge_gif_tail.gif',
    'seed1_exif_001.jpg',
    'seed1_exif_002.webp',
    'seed1_alpha_001.webp',
    'edge_bmp_tail.bmp',
    'seed1_eoi_000.png',
    'bad_truncated_png.png',
    'bad_crc_ihdr.png',
    'bad_random_bytes.bin',
    'bad_zero_bytes.png',
  ].map((f) => join(FIXTURES, f)),
];

export function nodeContextFiles() {
  const missing = IMAGE_FILES.filter((f) => {
    try {
      readFileSync(f);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) throw new Error(`conformance images missing (is ../shared beside the repo? set STARLIGHT_SHARED): ${missing.join(', ')}`);
  return {
    models: {
      shipped: new Uint8Array(readFileSync(MODEL_URL)),
      tiny: new Uint8Array(readFileSync(join(ROOT, 'packages/core/test-data/models/evidence-only.onnx'))),
    },
    images: IMAGE_FILES.map((f) => ({ name: f.slice(f.lastIndexOf('/') + 1), bytes: new Uint8Array(readFileSync(f)) })),
  };
}
