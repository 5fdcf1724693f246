import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['fs', 'path', 'os', 'crypto', 'buffer', 'process', 'child_process', 'worker_threads', 'url', 'util', 'stream', 'zlib', 'http', 'https', 'net'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.generated.ts', '**/test-output/**', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // @starlight/core is isomorphic: no Node or DOM APIs (the tsconfig lib has neither either).
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['node:*'], message: 'core must stay isomorphic: no Node built-ins.' }],
          paths: NODE_BUILTINS.map((name) => ({ name, message: 'core must stay isomorphic: no Node built-ins.' })),
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['Buffer', 'process', 'window', 'document', 'navigator', 'self', 'global', 'require', '__dirname', '__filename', 'setImmediate', 'fetch', 'location'].map((name) => ({
          name,
          message: 'core must stay isomorphic: no Node or DOM globals (take inputs as arguments).',
        })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'globalThis', property: 'process', message: 'core must stay isomorphic.' },
        { object: 'globalThis', property: 'Buffer', message: 'core must stay isomorphic.' },
        { object: 'globalThis', property: 'window', message: 'core must stay isomorphic.' },
        { object: 'globalThis', property: 'document', message: 'core must stay isomorphic.' },
      ],
    },
  },
);
