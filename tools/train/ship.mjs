// Copy a trained model into packages/model: the ONNX file, its spec (with the frozen threshold),
// the metrics, and index.js with the spec inlined (no JSON import needed by consumers).
// Usage: node tools/train/ship.mjs <model-dir> [packages/model]
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [src, dest = 'packages/model'] = process.argv.slice(2);
if (!src) throw new Error('usage: ship.mjs <model-dir> [dest]');
const pkg = JSON.parse(readFileSync(join(dest, 'package.json'), 'utf8'));
const spec = { ...JSON.parse(readFileSync(join(src, 'model.json'), 'utf8')), version: pkg.version };
const parity = JSON.parse(readFileSync(join(src, 'parity.json'), 'utf8'));
if (!parity.ok) throw new Error('refusing to ship: the ONNX parity check failed');
copyFileSync(join(src, 'starlight.onnx'), join(dest, 'starlight.onnx'));
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
