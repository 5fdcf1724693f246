#!/usr/bin/env node
// The `starlight` launcher. It is kept in git (unlike dist/) so that `npm install` / `npm ci` can link
// the command before the first build; the CLI itself is dist/bin.js.
import('../dist/bin.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/bin.js')) {
    process.stderr.write('starlight: the CLI is not built yet: run `npm run build` (or `npx nx run cli:build`) first\n');
    process.exit(2);
  }
  throw e;
});
