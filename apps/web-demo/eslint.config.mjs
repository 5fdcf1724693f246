// The root config, plus Node's globals for the two plain-JS scripts (build.mjs, serve.mjs).
import globals from 'globals';
import root from '../../eslint.config.mjs';

export default [...root, { files: ['*.mjs'], languageOptions: { globals: globals.node } }];
