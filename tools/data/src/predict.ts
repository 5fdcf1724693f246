/**
 * Scan files with a model directory's ONNX model and core's payload extraction: a developer tool and
 * the README demo until the runtime packages and `starlight scan` exist.
 * Usage: tsx tools/data/src/predict.ts <model-dir> <file…>
 */
import { extractModelInputs, extractPayloadFromImage, STREAM_NAMES, EXTRA_SHAPES, isStarlightError } from '@starlight/core';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [modelDir, ...files] = process.argv.slice(2);
if (!modelDir || files.length === 0) throw new Error('usage: predict.ts <model-dir> <file…>');
const spec = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
const session = await ort.InferenceSession.create(join(modelDir, 'starlight.onnx'));
for (const f of files) {
  try {
    const bytes = new Uint8Array(readFileSync(f));
    const x = await extractModelInputs(bytes);
    const feeds: Record<string, ort.Tensor> = {};
    for (const n of STREAM_NAMES) feeds[n] = new ort.Tensor('float32', x.streams[n].data, [1, ...x.streams[n].shape]);
    for (const n of ['bits', 'tail', 'stats'] as const) feeds[n] = new ort.Tensor('float32', x.extras[n], [1, ...EXTRA_SHAPES[n]]);
    const o = await session.run(feeds);
    const p = 1 / (1 + Math.exp(-(o.stego_logit!.data as Float32Array)[0]!));
    const m = Array.from(o.method_logits!.data as Float32Array);
    const method = spec.methods[m.indexOf(Math.max(...m))];
    const stego = p >= spec.threshold;
    let line = `${f}: ${stego ? 'STEGO' : 'clean'} p=${p.toFixed(4)}${stego ? ` method=${method}` : ''}`;
    const found = extractPayloadFromImage(x.image, bytes).found;
    if (found) {
      const shown = found.text ?? `0x${found.hex.slice(0, 48)}`;
      line += `\n    payload (${found.method}${found.bitOrder ? `, ${found.bitOrder}` : ''}, ${found.length} B): ${JSON.stringify(shown.slice(0, 72))}${shown.length > 72 ? '…' : ''}`;
    }
    console.log(line);
  } catch (e) {
    console.log(`${f}: ${isStarlightError(e) ? e.code : 'error'}: ${(e as Error).message}`);
  }
}
