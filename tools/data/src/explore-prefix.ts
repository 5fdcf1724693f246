import { decodeImage } from '@starlight/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
const ds = '.cache/dataset';
const rows = readFileSync(join(ds, 'shards/test/rows.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const npy = readFileSync('.cache/runs/v3-triplet/torch_stego_logit.npy');
const logits = new Float32Array(npy.buffer.slice(npy.byteOffset + 10 + npy.readUInt16LE(8), npy.byteOffset + npy.length));
const LIM = Number(process.env.LIM ?? 1.5);
const SCALES = [48, 192, 768, 3072, 12288];
/** WS estimate over the first L values of the path (raster pixels, channels chans interleaved), for each L in SCALES: [p, sumW] */
function prefixWs(v: Uint8Array, w: number, h: number, per: number, chans: number[]): number[] {
  const row = w * per;
  let T = 0, W = 0, V = 0, count = 0, k = 0;
  const out: number[] = [];
  for (let p = 0; p < w * h && k < SCALES.length; p++) {
    const x = p % w, y = (p / w) | 0;
    for (const c of chans) {
      count++;
      const j = p * per + c;
      // neighbours that exist (edges: fewer)
      let sum = 0, sq = 0, n = 0;
      const add = (q: number) => { sum += q; sq += q * q; n++; };
      if (x > 0) add(v[j - per]!);
      if (x < w - 1) add(v[j + per]!);
      if (y > 0) add(v[j - row]!);
      if (y < h - 1) add(v[j + row]!);
      if (n >= 2) {
        const pred = sum / n;
        const wt = 1 / (5 + sq / n - pred * pred);
        const s = v[j]!;
        if (Math.abs(s - pred) <= LIM) {
          const e = s & 1 ? s - pred : pred - s;
          T += wt * e;
          W += wt;
          V += wt * wt * e * e;
        }
      }
      if (count === SCALES[k]) { out.push(process.env.Z ? (V ? T / Math.sqrt(V + 0.04) : 0) : W ? (2 * T) / W : 0, W); k++; }
    }
  }
  while (out.length < 2 * SCALES.length) out.push(out.length ? out[out.length - 2]! : 0, out.length ? out[out.length - 2]! : 0);
  return out;
}
const clean: number[][] = [];
const st: { r: any; f: number[]; logit: number }[] = [];
for (let i = 0; i < rows.length; i++) {
  const r = rows[i];
  if (r.stego && !(r.method === 'lsb.rgb' && (r.variant === 'starlight' || r.variant === 'lsb-seq-noterm'))) continue;
  const bytes = new Uint8Array(readFileSync(join(ds, r.file)));
  let img; try { img = await decodeImage(bytes); } catch { continue; }
  const f = prefixWs(img.rgb, img.width, img.height, 3, [0, 1, 2]);
  if (r.stego) st.push({ r, f, logit: logits[i]! }); else clean.push(f);
}
for (let k = 0; k < SCALES.length; k++) {
  const c = clean.map((f) => f[2 * k]!).sort((a, b) => b - a);
  const top = c[2]!, p999 = c[Math.floor(c.length / 1000)]!, p99 = c[Math.floor(c.length / 100)]!;
  // stego whose payload covers this scale (payload bits >= L)
  const cover = st.filter((s) => s.r.payload_len * 8 >= SCALES[k]!);
  const miss = cover.filter((s) => s.logit <= 9.23);
  console.log(`L=${SCALES[k]} clean top3 ${top.toFixed(2)} p99.9 ${p999.toFixed(2)} p99 ${p99.toFixed(2)} | stego covering ${cover.length}: >top3 ${cover.filter((s) => s.f[2 * k]! > top).length}, >p99 ${cover.filter((s) => s.f[2 * k]! > p99).length} | missed ${miss.length}: >top3 ${miss.filter((s) => s.f[2 * k]! > top).length} >p99 ${miss.filter((s) => s.f[2 * k]! > p99).length}`);
}
