/** A PixelDecoder's PNG inflate hook must never change a result: checked against core's own inflater. */
import { decodeImage, isStarlightError, type DecodedImage, type PixelDecoder } from '@starlight/core';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const SHARED = process.env.STARLIGHT_SHARED ?? fileURLToPath(new URL('../../../shared/', import.meta.url));
const DIRS = [join(SHARED, 'fixtures/starlight-v4/images'), join(SHARED, 'data/starlight-sample-clean')];

async function outcome(bytes: Uint8Array, decoder: PixelDecoder | null): Promise<string> {
  try {
    const im: DecodedImage = await decodeImage(bytes, decoder ? { decoder } : {});
    const h = (a: Uint8Array | null) => (a ? createHash('sha256').update(a).digest('hex') : '-');
    return `${im.width}x${im.height} ${im.mode} ${h(im.rgb)} ${h(im.alpha)} ${h(im.indices)}`;
  } catch (e) {
    assert.ok(isStarlightError(e), `untyped error: ${String(e)}`);
    return e.code;
  }
}

/** Every fixture and sample PNG decodes exactly as with core's own inflater. */
export async function samePngsAsCore(decoder: PixelDecoder): Promise<number> {
  // Count the inflations the hook itself delivered, so that a hook that always declines cannot pass.
  let delivered = 0;
  const counting: PixelDecoder = {
    ...decoder,
    jpeg: (b) => decoder.jpeg(b),
    webp: (b) => decoder.webp(b),
    inflate: async (pieces, need) => {
      const out = await decoder.inflate!(pieces, need);
      if (out && out.length === need) delivered++;
      return out;
    },
  };
  let n = 0;
  for (const dir of DIRS) {
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.png'))) {
      const bytes = new Uint8Array(readFileSync(join(dir, f)));
      assert.equal(await outcome(bytes, counting), await outcome(bytes, null), f);
      n++;
    }
  }
  assert.ok(n > 100, `only ${n} PNGs found`);
  assert.ok(delivered > 0.9 * n, `the inflate hook delivered only ${delivered} of ${n} PNGs`);
  return n;
}

/** 1,000 corrupted, truncated and padded PNGs end the same way as with core's own inflater. */
export async function sameBrokenPngsAsCore(decoder: PixelDecoder): Promise<void> {
  const files = readdirSync(DIRS[0]!).filter((x) => x.endsWith('.png')).map((f) => new Uint8Array(readFileSync(join(DIRS[0]!, f))));
  let seed = 12345;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const outcomes = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const src = files[rnd(files.length)]!;
    let b: Uint8Array = src.slice();
    const kind = i % 4;
    if (kind === 0) for (let k = 0; k < 1 + rnd(4); k++) b[33 + rnd(Math.max(1, b.length - 33))] = rnd(256);
    else if (kind === 1) b = b.subarray(0, 33 + rnd(Math.max(1, b.length - 33)));
    else if (kind === 2) {
      // An IDAT that inflates to more than the image needs (trailing data): core ignores the excess.
      const w = 8, h = 4;
      const raw = new Uint8Array((w * 3 + 1) * h + 100).map((_, j) => (j * 7) & 0xff);
      for (let y = 0; y < h; y++) raw[y * (w * 3 + 1)] = 0;
      b = png(w, h, deflateSync(raw));
    } else b = png(8, 4, deflateSync(new Uint8Array(rnd(2) ? 10 : 132)).subarray(0, 6 + rnd(10)));
    const a = await outcome(b, decoder);
    assert.equal(a, await outcome(b, null), `case ${i} (kind ${kind})`);
    outcomes.add(a.split(' ')[0]!);
  }
  assert.ok(outcomes.size >= 3, `too few distinct outcomes: ${[...outcomes]}`);
}

function png(w: number, h: number, idat: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    Buffer.from(data).copy(out, 8);
    let c = ~0;
    for (const byte of out.subarray(4, 8 + data.length)) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    out.writeUInt32BE(~c >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return new Uint8Array(Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]));
}
