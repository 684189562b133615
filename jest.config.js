/** Jest runs the ESM TypeScript sources through ts-jest (see DEVELOPERS.md: NestJS 12 is ESM-only). */
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } },
    ],
  },
  testEnvironment: 'node',
};

export default {
  // Per-project testTimeout is ignored by Jest: it must be set here.
  testTimeout: 60000,
  projects: [
    // Architecture checks (test/architecture) read source files only: fast, so they run with the unit tests.
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/src', '<rootDir>/scripts', '<rootDir>/test/architecture'],
      testMatch: ['**/*.spec.ts'],
    },
    // Module tests: real services and repositories on a cloned database, no HTTP (test/support/module-test.ts).
    {
      ...common,
      displayName: 'module',
      roots: ['<rootDir>/test/modules'],
      testMatch: ['**/*.module-spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
    },
  ],
};
