import { describe, expect, it } from '@jest/globals';
import { extractStreams, STREAM_NAMES, StarlightError } from '../src/index.js';
import { entries, readImage, sha256 } from './helpers/fixtures.js';

/**
 * Parity with the Starlight V4 reference (Pillow + numpy + torchvision) on every fixture:
 * each of the eight streams must hash identically (float32 little-endian, channel-first;
 * lsb compares against the reference's CHW hash).
 */
const all = entries();
const ok = all.filter((e) => !e.error);
const bad = all.filter((e) => e.error);

describe('Starlight V4 stream parity', () => {
  it('covers the whole fixture set', () => {
    expect(ok.length).toBe(146);
    expect(bad.length).toBe(7);
  });

  it.each(ok.map((e) => [e.file, e] as const))('%s: all eight streams are bit-exact', async (_f, e) => {
    const { image, streams } = await extractStreams(readImage(e.file));
    expect([image.width, image.height]).toEqual(e.size);
    // The reference converts GIFs that Pillow opens as L into P.
    const mode = e.format === 'GIF' && e.pillow_mode === 'L' ? 'P' : e.pillow_mode;
    expect(image.mode).toBe(mode);
    expect(image.pillowFormat).toBe(e.format);
    expect(image.exif.length).toBe(e.meta_sources!.exif_len);
    const mismatched: string[] = [];
    for (const name of STREAM_NAMES) {
      const ref = e.streams![name]!;
      expect(streams[name].shape).toEqual(name === 'lsb' ? [3, 256, 256] : ref.shape);
      const want = name === 'lsb' ? ref.sha256_chw : ref.sha256;
      if (sha256(streams[name].data) !== want) mismatched.push(name);
    }
    expect(mismatched).toEqual([]);
  });

  it.each(bad.map((e) => [e.file, e] as const))('%s: rejected with a typed error like the reference', async (_f, e) => {
    const err = await extractStreams(readImage(e.file)).then(
      () => null,
      (x: unknown) => x,
    );
    expect(err).toBeInstanceOf(StarlightError);
    const code = (err as StarlightError).code;
    if (/truncated|could not create decoder/.test(e.error!.message)) expect(code).toBe('E_TRUNCATED');
    else expect(['E_UNSUPPORTED_FORMAT', 'E_CORRUPT_IMAGE']).toContain(code);
  });
});
