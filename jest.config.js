// Three levels (DESIGN.md §7): unit specs beside the code, integration specs against the real
// PostgreSQL/Redis (and daemons), end-to-end tests over the real processes in e2e/.
// Transpile only (isolatedModules), file by file: `tsc` type-checks the sources when the test command builds.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] };
const common = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };
// Slurm test files share one real cluster per run; the teardown stops it (src/test-support/shared-slurm.ts).
const sharedSlurm = { globalSetup: '<rootDir>/src/test-support/slurm-global-setup.ts', globalTeardown: '<rootDir>/src/test-support/slurm-global-teardown.ts' };
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/proxy/**/*.spec.ts'] },
    { ...common, ...sharedSlurm, displayName: 'integration', testMatch: ['<rootDir>/src/**/*.int-spec.ts', '<rootDir>/proxy/**/*.int-spec.ts'] },
    { ...common, ...sharedSlurm, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'] },
  ],
};
