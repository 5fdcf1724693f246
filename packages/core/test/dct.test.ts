/**
 * JPEG DCT coefficients (decodeJpegCoefficients) and the DCT steganalysis inputs (features/dct.ts).
 */
import { describe, expect, it } from '@jest/globals';
import jpeg from 'jpeg-js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJpegCoefficients, decodeJpegPixels, type JpegCoefficients } from '../src/codecs/jpeg-decoder.js';
import { DCT_LEN, dctFeatures } from '../src/features/dct.js';
import { computeExtraInputs, decodeImage, extractModelInputs, extractPayload } from '../src/index.js';
import { StarlightError } from '../src/errors.js';

const CWD = process.cwd();
const TEST_DATA = join(CWD, 'test-data/jpeg');

/** The same orthonormal 8x8 IDCT a decoder approximates in integers. */
function idct(coefs: Int16Array, o: number, quant: Int32Array, out: Float64Array): void {
  const c = (u: number, x: number): number => (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      let s = 0;
      for (let u = 0; u < 8; u++) for (let v = 0; v < 8; v++) s += c(u, y) * c(v, x) * coefs[o + u * 8 + v]! * quant[u * 8 + v]!;
      out[y * 8 + x] = s + 128;
    }
  }
}

/** A textured grey image (smooth gradient + deterministic noise), as jpeg-js RGBA. */
function greyImage(w: number, h: number, seed = 1): Uint8Array {
  const d = new Uint8Array(w * h * 4);
  let s = seed;
  for (let i = 0; i < w * h; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const v = Math.max(0, Math.min(255, Math.round(60 + (120 * (i % w)) / w + (40 * Math.floor(i / w)) / h + ((s >>> 16) % 25) - 12)));
    d[4 * i] = d[4 * i + 1] = d[4 * i + 2] = v;
    d[4 * i + 3] = 255;
  }
  return d;
}

describe('decodeJpegCoefficients', () => {
  /** Largest |IDCT(coefficients) - decoded pixel| over the luma of a grey file. */
  function greyWorst(file: Uint8Array): number {
    const co = decodeJpegCoefficients(file);
    const px = decodeJpegPixels(file);
    const y = co.components[0]!;
    const blk = new Float64Array(64);
    let worst = 0;
    for (let by = 0; by < y.blocksHigh; by++) {
      for (let bx = 0; bx < y.blocksWide; bx++) {
        idct(y.coefs, (by * y.blocksPerLine + bx) * 64, y.quant, blk);
        for (let yy = 0; yy < 8 && by * 8 + yy < px.height; yy++) {
          for (let xx = 0; xx < 8 && bx * 8 + xx < px.width; xx++) {
            const i = (by * 8 + yy) * px.width + bx * 8 + xx;
            worst = Math.max(worst, Math.abs(Math.max(0, Math.min(255, Math.round(blk[yy * 8 + xx]!))) - px.data[i * px.channels]!));
          }
        }
      }
    }
    return worst;
  }

  it('gives the coefficients the decoder reconstructs its pixels from (within 1 level after IDCT): baseline and progressive', () => {
    const w = 40;
    const h = 24;
    const file = new Uint8Array(jpeg.encode({ data: greyImage(w, h), width: w, height: h }, 80).data);
    const co = decodeJpegCoefficients(file);
    expect(co.width).toBe(w);
    expect(co.progressive).toBe(false);
    expect([co.components[0]!.blocksWide, co.components[0]!.blocksHigh]).toEqual([5, 3]);
    // a grey image's chroma is flat, so its RGB equals its luma
    expect(greyWorst(file)).toBeLessThanOrEqual(1);
    const prog = new Uint8Array(readFileSync(join(TEST_DATA, 'grayprog.jpg')));
    expect(decodeJpegCoefficients(prog).progressive).toBe(true);
    expect(greyWorst(prog)).toBeLessThanOrEqual(1);
  });

  it('reads restart, subsampled, multi-scan, grey and CMYK files: a block grid per component, its table latched', () => {
    for (const f of readdirSync(TEST_DATA).filter((n) => n.endsWith('.jpg'))) {
      const bytes = new Uint8Array(readFileSync(join(TEST_DATA, f)));
      const co = decodeJpegCoefficients(bytes);
      const px = decodeJpegPixels(bytes);
      expect([co.width, co.height]).toEqual([px.width, px.height]);
      expect(co.components.length).toBe(px.channels);
      for (const c of co.components) {
        expect(c.coefs.length).toBeGreaterThanOrEqual(c.blocksWide * c.blocksHigh * 64);
        expect(c.quant.some((q) => q > 0)).toBe(true);
      }
    }
  });

  it('ends broken input in a typed error', () => {
    const file = new Uint8Array(jpeg.encode({ data: greyImage(16, 16), width: 16, height: 16 }, 80).data);
    for (const bad of [file.subarray(0, 200), file.subarray(0, 2), Uint8Array.of(0xff, 0xd8, 0xff, 0xd9)]) {
      expect(() => decodeJpegCoefficients(bad)).toThrow(StarlightError);
    }
  });
});

/** Synthetic Laplacian-like AC coefficients (what natural images give), as a one-component JPEG. */
function synthetic(bw: number, bh: number, seed = 7): JpegCoefficients {
  const coefs = new Int16Array(bw * bh * 64);
  let s = seed;
  const rnd = (): number => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (let b = 0; b < bw * bh; b++) {
    coefs[b * 64] = Math.round(rnd() * 40 - 20);
    for (let k = 1; k < 64; k++) {
      const scale = 6 / (1 + k / 6);
      const mag = Math.floor(-Math.log(1 - rnd()) * scale);
      coefs[b * 64 + k] = rnd() < 0.5 ? -mag : mag;
    }
  }
  return { width: bw * 8, height: bh * 8, progressive: false, components: [{ id: 1, h: 1, v: 1, blocksWide: bw, blocksHigh: bh, blocksPerLine: bw, coefs, quant: new Int32Array(64).fill(4) }] };
}

describe('dctFeatures', () => {
  it('is all zeros without coefficients, and flags their presence', () => {
    expect(Array.from(dctFeatures(null))).toEqual(new Array(DCT_LEN).fill(0));
    const f = dctFeatures(synthetic(8, 8));
    expect(f.length).toBe(DCT_LEN);
    expect(f[0]).toBe(1);
    expect(f.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('sees JSteg: LSB replacement in the coefficients outside {0, 1} equalises value pairs (chi-square falls), sequentially first', () => {
    const cover = synthetic(32, 32);
    const stego = structuredClone(cover);
    const c = stego.components[0]!.coefs;
    let s = 3;
    // a message over the first quarter of the blocks, as JSteg writes from the first block
    for (let i = 0; i < c.length / 4; i++) {
      if (i % 64 === 0) continue;
      const v = c[i]!;
      if (v === 0 || v === 1) continue;
      s = (s * 1103515245 + 12345) >>> 0;
      c[i] = (v & ~1) | ((s >>> 16) & 1);
    }
    const fc = dctFeatures(cover);
    const fs = dctFeatures(stego);
    expect(fs[19]!).toBeLessThan(fc[19]! - 0.5); // first 1/16 of the blocks
    expect(fs[20]!).toBeLessThan(fc[20]! - 0.5); // first 1/4
  });

  it('sees shrinkage: F5-like moves of |v| toward zero raise the share of zeros and lower that of ones', () => {
    const cover = synthetic(16, 16);
    const stego = structuredClone(cover);
    const c = stego.components[0]!.coefs;
    for (let i = 0; i < c.length; i++) {
      if (i % 64 === 0 || c[i] === 0 || i % 3 !== 0) continue;
      c[i] = c[i]! > 0 ? c[i]! - 1 : c[i]! + 1;
    }
    const fc = dctFeatures(cover);
    const fs = dctFeatures(stego);
    expect(fs[3]!).toBeGreaterThan(fc[3]!); // |v| = 0
    expect(Array.from(fs.subarray(23, 72))).not.toEqual(Array.from(fc.subarray(23, 72))); // Markov transitions move
  });

  it('feeds the model: a JPEG gets coefficient statistics, a PNG gets zeros', async () => {
    const file = new Uint8Array(jpeg.encode({ data: greyImage(64, 48), width: 64, height: 48 }, 85).data);
    const { extras } = await extractModelInputs(file);
    expect(extras.dct[0]).toBe(1);
    expect(extras.dct[1]).toBeGreaterThan(0);
    const img = await decodeImage(file);
    expect(img.format).toBe('jpeg');
    // a model without the dct input (the scanner asks for it only when the model reads it): zeros, no second pass
    expect(Array.from(computeExtraInputs(img, file, await extractPayload(file), { dct: false }).dct).every((v) => v === 0)).toBe(true);
    const png = readFileSync(join(CWD, '../../../shared/fixtures/starlight-v4/images/clean-0004.png'));
    const p = await extractModelInputs(new Uint8Array(png));
    expect(Array.from(p.extras.dct).every((v) => v === 0)).toBe(true);
  });
});
