// Bundled by the test with esbuild and loaded in Chromium: the conformance suite over runtime-web.
import type { ScanResult } from '@starlight/core';
import { runConformance } from '../../../tools/conformance/suite.js';
import { webBackend } from '../dist/index.js';

async function bytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

(globalThis as Record<string, unknown>).conformance = async (names: string[], reference: Record<string, ScanResult>) => {
  const backend = webBackend({ wasmPaths: '/ort/' });
  const ctx = {
    backend,
    models: { shipped: await bytes('/models/starlight.onnx'), tiny: await bytes('/models/evidence-only.onnx') },
    images: await Promise.all(names.map(async (name) => ({ name, bytes: await bytes(`/images/${encodeURIComponent(name)}`) }))),
    reference,
  };
  return { isolated: globalThis.crossOriginIsolated === true, results: await runConformance(ctx) };
};
