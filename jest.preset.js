// Shared jest settings: TypeScript sources run as native ESM through ts-jest
// (jest is started with --experimental-vm-modules by each project's test target).
module.exports = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  testTimeout: 120000,
};
