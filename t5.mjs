import { createScanner } from '@starlight/runtime-node';
import { readFileSync } from 'node:fs';
const b = new Uint8Array(readFileSync('.cache/bench/images/512.png'));
const s = await createScanner();
for (let i = 0; i < 10; i++) await s.scan(b);
const acc = {};
for (let i = 0; i < 40; i++) { const r = await s.scan(b); for (const [k,v] of Object.entries(r.timings)) (acc[k] ??= []).push(v); }
for (const [k,v] of Object.entries(acc)) { v.sort((a,b)=>a-b); console.log(k, v[20].toFixed(2)); }
await s.dispose();
