// Copy a trained model into packages/model: the ONNX file, its spec (with the frozen threshold),
// the metrics, and index.js with the spec inlined (no JSON import needed by consumers).
// Usage: node tools/train/ship.mjs <model-dir> [packages/model]
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The spec travels inside the ONNX file as metadata_props["starlight.spec"], so a model file alone
 * is enough to scan. Protobuf lets a message be extended by appending fields: this appends one
 * ModelProto field 14 (StringStringEntryProto {1: key, 2: value}).
 */
function withSpec(onnx, spec) {
  const varint = (n) => {
    const out = [];
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return out;
  };
  const field = (no, bytes) => [...varint((no << 3) | 2), ...varint(bytes.length), ...bytes];
  const enc = (s) => [...new TextEncoder().encode(s)];
  const entry = [...field(1, enc('starlight.spec')), ...field(2, enc(JSON.stringify(spec)))];
  return Buffer.concat([onnx, Uint8Array.from(field(14, entry))]);
}

const [src, dest = 'packages/model'] = process.argv.slice(2);
if (!src) throw new Error('usage: ship.mjs <model-dir> [dest]');
const pkg = JSON.parse(readFileSync(join(dest, 'package.json'), 'utf8'));
const spec = { ...JSON.parse(readFileSync(join(src, 'model.json'), 'utf8')), version: pkg.version };
const parity = JSON.parse(readFileSync(join(src, 'parity.json'), 'utf8'));
if (!parity.ok) throw new Error('refusing to ship: the ONNX parity check failed');
writeFileSync(join(dest, 'starlight.onnx'), withSpec(readFileSync(join(src, 'starlight.onnx')), spec));
copyFileSync(join(src, 'metrics.json'), join(dest, 'metrics.json'));
writeFileSync(join(dest, 'model.json'), JSON.stringify(spec, null, 1) + '\n');
writeFileSync(
  join(dest, 'index.js'),
  `/** The model's spec: name, frozen threshold, input and output names, class ids. */\n` +
    `export const MODEL_SPEC = Object.freeze(${JSON.stringify(spec, null, 2)});\n\n` +
    `/**\n * Where the ONNX file is: a file: URL in Node, a URL relative to this module in a bundle.\n` +
    ` * Node: \`readFile(MODEL_URL)\`; browsers: \`fetch(MODEL_URL)\`.\n */\n` +
    `export const MODEL_URL = new URL('./starlight.onnx', import.meta.url);\n`,
);
console.log(`shipped ${src} -> ${dest} (threshold ${spec.threshold})`);
