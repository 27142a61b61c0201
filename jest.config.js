// Three levels (DESIGN.md §7): unit specs beside the code, integration specs against the real
// PostgreSQL/Redis (and daemons), end-to-end tests over the real processes in e2e/.
// Transpile only (isolatedModules), file by file: `tsc` type-checks the sources when the test command builds.
// The Kubernetes client and schema packages ship only ES modules, which jest (on Node 20) cannot require:
// they are transpiled like our sources, and kubernetes-models' import-only exports are mapped to files.
const esmPackages = ['@kubernetes/client-node', '@kubernetes-models', 'kubernetes-models', 'openid-client', 'oauth4webapi', 'jose', 'jsonpath-plus', 'rfc4648', 'is-cidr', 'cidr-regex'];
const transform = { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] };
const moduleNameMapper = {
  '^(@kubernetes-models/apimachinery|kubernetes-models)/_schemas/(.*?)(\\.js)?$': '<rootDir>/node_modules/$1/_schemas/$2.js',
  '^@kubernetes-models/validate$': '<rootDir>/node_modules/@kubernetes-models/validate/dist/index.js',
};
const common = {
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};
// Slurm test files share one real cluster per run; the teardown stops it (test/support/shared-slurm.ts).
const sharedSlurm = { globalSetup: '<rootDir>/test/support/slurm-global-setup.ts', globalTeardown: '<rootDir>/test/support/slurm-global-teardown.ts' };
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/proxy/**/*.spec.ts', '<rootDir>/test/deploy/**/*.spec.ts'] },
    { ...common, ...sharedSlurm, displayName: 'integration', testMatch: ['<rootDir>/src/**/*.int-spec.ts', '<rootDir>/proxy/**/*.int-spec.ts', '<rootDir>/test/deploy/**/*.int-spec.ts'] },
    { ...common, ...sharedSlurm, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'] },
  ],
};
