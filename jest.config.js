import { availableParallelism } from 'node:os';

// Three tiers (style.md): unit specs beside the code, e2e through HTTP against the real app,
// browser tests in Debian's Chromium. ESM throughout, so ts-jest runs with useESM.
const common = {
  preset: 'ts-jest/presets/default-esm',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testEnvironment: 'node',
  // End-to-end tests start a real server and database; a loaded 2-core CI machine needs headroom.
  testTimeout: 30_000,
};

export default {
  // Also here: with `projects`, Jest 30 reads testTimeout from the top level, not from each project.
  testTimeout: 30_000,
  // At least two workers, even on two cores. Jest's default there is one, and with one it runs every
  // suite inside its own process, one after the other, which slows each suite as that process
  // accumulates the suites before it: measured on a 2-core machine, npm test took 14 min 23 s that
  // way and 4 min 8 s with two workers (scope-positions alone 31 s → 2 s). The latency test
  // (saml-dos) held its 100 ms budget beside the other worker (p99 65 ms, max 69 ms in that run).
  maxWorkers: Math.max(2, availableParallelism()),
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/eslint-rules/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
    },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.e2e-spec.ts'] },
  ],
};
