/** Score files with a model directory's ONNX file (a developer tool until the runtime packages exist). */
import { extractModelInputs, STREAM_NAMES } from '@starlight/core';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [modelDir, ...files] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(join(modelDir!, 'model.json'), 'utf8'));
const session = await ort.InferenceSession.create(join(modelDir!, 'starlight.onnx'));
for (const f of files) {
  const x = await extractModelInputs(new Uint8Array(readFileSync(f)));
  const feeds: Record<string, ort.Tensor> = {};
  for (const n of STREAM_NAMES) feeds[n] = new ort.Tensor('float32', x.streams[n].data, [1, ...x.streams[n].shape]);
  feeds.bits = new ort.Tensor('float32', x.extras.bits, [1, 3, 4096]);
  feeds.tail = new ort.Tensor('float32', x.extras.tail, [1, 1024]);
  feeds.stats = new ort.Tensor('float32', x.extras.stats, [1, 64]);
  const o = await session.run(feeds);
  const p = 1 / (1 + Math.exp(-(o.stego_logit!.data as Float32Array)[0]!));
  const m = Array.from(o.method_logits!.data as Float32Array);
  console.log(`${f}: p=${p.toFixed(4)} ${p >= spec.threshold ? 'STEGO' : 'clean'} method=${spec.methods[m.indexOf(Math.max(...m))]}`);
}
