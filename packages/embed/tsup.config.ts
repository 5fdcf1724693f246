import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'node',
    // import.meta.url (wasm lookup) in the CJS build.
    shims: true,
    external: ['@starlight/core', '@jsquash/jpeg', '@jsquash/webp', 'fflate', 'f5stegojs'],
  },
]);
