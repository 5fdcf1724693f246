// The shipped model: valid ONNX with the documented inputs/outputs and frozen threshold, and it
// gives the right verdicts on the repository's example images when fed by @starlight/core.
import { buildFeeds, extractModelInputs, readOnnxInfo, SPEC_METADATA_KEY, STREAM_NAMES, STREAM_SHAPES } from '@starlight/core';
import * as ort from 'onnxruntime-node';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { MODEL_SPEC, MODEL_URL } from '../index.js';

const examples = new URL('../../../examples/', import.meta.url);
const session = await ort.InferenceSession.create(fileURLToPath(MODEL_URL));

async function score(name) {
  const x = await extractModelInputs(new Uint8Array(readFileSync(new URL(name, examples))));
  const feeds = {};
  for (const [n, t] of Object.entries(buildFeeds([x], session.inputNames))) feeds[n] = new ort.Tensor('float32', t.data, t.dims);
  const o = await session.run(feeds);
  const m = Array.from(o.method_logits.data);
  return { p: 1 / (1 + Math.exp(-o.stego_logit.data[0])), method: MODEL_SPEC.methods[m.indexOf(Math.max(...m))] };
}

test('spec matches the ONNX graph', () => {
  assert.deepEqual(session.inputNames, MODEL_SPEC.inputs);
  assert.deepEqual(session.outputNames, MODEL_SPEC.outputs);
  assert.deepEqual(MODEL_SPEC.inputs.slice(0, 8), [...STREAM_NAMES]);
  assert.deepEqual(MODEL_SPEC.methods, ['alpha', 'palette', 'lsb.rgb', 'exif', 'eoi', 'dct']);
  assert.ok(MODEL_SPEC.inputs.includes('dct'));
  assert.ok(MODEL_SPEC.threshold > 0.5 && MODEL_SPEC.threshold < 1);
  assert.equal(STREAM_SHAPES.pixel.join(), '3,256,256');
});

test('the ONNX file carries its spec (metadata_props) and it equals MODEL_SPEC', () => {
  const info = readOnnxInfo(new Uint8Array(readFileSync(MODEL_URL)));
  assert.deepEqual(JSON.parse(info.metadata[SPEC_METADATA_KEY]), MODEL_SPEC);
  assert.deepEqual(info.inputs, session.inputNames);
  assert.deepEqual(info.outputs, session.outputNames);
});

test('model file stays under 5 MB (FP32)', () => {
  assert.ok(statSync(MODEL_URL).size < 5 * 1024 * 1024);
});

for (const [file, method] of [
  ['seed1_lsb_000.png', 'lsb.rgb'],
  ['seed1_alpha_000.png', 'alpha'],
  ['seed2_palette_000.gif', 'palette'],
  ['tiny_eoi_001.jpg', 'eoi'],
]) {
  test(`${file} is stego by ${method}`, async () => {
    const r = await score(file);
    assert.ok(r.p >= MODEL_SPEC.threshold, `p=${r.p}`);
    assert.equal(r.method, method);
  });
}

for (const file of ['clean-0004.png', 'clean-0001.gif', 'clean-0003.jpg', 'clean-0000.webp']) {
  test(`${file} is clean`, async () => {
    const r = await score(file);
    assert.ok(r.p < MODEL_SPEC.threshold, `p=${r.p}`);
  });
}
