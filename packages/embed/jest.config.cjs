const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'embed',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Tests run against core's sources (no build needed), as core's own tests do.
  moduleNameMapper: {
    '^@starlight/core$': '<rootDir>/../core/src/index.ts',
    ...preset.moduleNameMapper,
  },
};
