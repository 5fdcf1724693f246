// Loaded in Chromium by scan.bench.ts: end-to-end scan timings with @starlight/runtime-web.
import { createScanner } from '@starlight/runtime-web';

(globalThis as Record<string, unknown>).benchScan = async (names: string[], iterations: number, warmup: number) => {
  const model = new Uint8Array(await (await fetch('/model.onnx')).arrayBuffer());
  const scanner = await createScanner({ model, wasmPaths: '/ort/' });
  const out: Record<string, number[]> = {};
  for (const name of names) {
    const bytes = new Uint8Array(await (await fetch(`/images/${name}`)).arrayBuffer());
    const ms: number[] = [];
    for (let i = 0; i < warmup + iterations; i++) {
      const t = performance.now();
      const r = await scanner.scan(bytes);
      if (r.error) throw new Error(`${name}: ${r.error.code}`);
      if (i >= warmup) ms.push(performance.now() - t);
    }
    out[name] = ms;
  }
  await scanner.dispose();
  return { isolated: globalThis.crossOriginIsolated === true, threads: navigator.hardwareConcurrency, out };
};
