// Loaded in Chromium by scan.bench.ts: end-to-end scan timings with @starlight/runtime-web.
import { createScanner } from '@starlight/runtime-web';

(globalThis as Record<string, unknown>).benchScan = async (names: string[], iterations: number, warmup: number, threads?: number, rounds = 0) => {
  const model = new Uint8Array(await (await fetch('/model.onnx')).arrayBuffer());
  const scanner = await createScanner({ model, wasmPaths: '/ort/', threads });
  const all = await Promise.all(names.map(async (name) => new Uint8Array(await (await fetch(`/images/${name}`)).arrayBuffer())));
  for (let r = 0; r < rounds; r++) for (const bytes of all) await scanner.scan(bytes);
  const out: Record<string, number[]> = {};
  const stages: Record<string, Record<string, number>> = {};
  for (const name of names) {
    const bytes = all[names.indexOf(name)]!;
    const ms: number[] = [];
    for (let i = 0; i < warmup + iterations; i++) {
      const t = performance.now();
      const r = await scanner.scan(bytes);
      if (r.error) throw new Error(`${name}: ${r.error.code}`);
      if (i >= warmup) ms.push(performance.now() - t);
      if (i === warmup + iterations - 1) stages[name] = r.timings;
    }
    out[name] = ms;
  }
  await scanner.dispose();
  return { isolated: globalThis.crossOriginIsolated === true, threads: navigator.hardwareConcurrency, out, stages };
};
