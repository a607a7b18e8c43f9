// Mutation testing of @flagbridge/core's exposure pipeline, user mapping and evaluation
// (`pnpm test:mutation`, kept out of `pnpm test`: it takes minutes). See TESTING.md.
import { fileURLToPath } from 'node:url'

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // pnpm keeps the runner beside the root's node_modules, not beside @stryker-mutator/core, where
  // Stryker looks for `@stryker-mutator/*` plugins by default: name it by its resolved path.
  plugins: [fileURLToPath(import.meta.resolve('@stryker-mutator/vitest-runner'))],
  vitest: { configFile: 'test/mutation/vitest.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: [
    'packages/core/src/exposureTracker.ts',
    'packages/core/src/exposureLedger.ts',
    'packages/core/src/exposure.ts',
    'packages/core/src/segmentDestination.ts',
    'packages/core/src/heapDestination.ts',
    'packages/core/src/heapEventProperties.ts',
    'packages/core/src/user.ts',
    'packages/core/src/flagStore.ts',
    'packages/core/src/evaluateFlag.ts',
    'packages/core/src/evaluation.ts',
    'packages/core/src/launchDarklyContext.ts',
    'packages/core/src/launchDarklyContextSwitch.ts',
  ],
  // The sandbox needs only what the core tests import: the core sources and test/core.
  ignorePatterns: [
    '/*',
    '!/package.json',
    '!/tsconfig*.json',
    '!/packages',
    '/packages/*',
    '!/packages/core',
    '/packages/core/dist',
    '!/test',
    '/test/*',
    '!/test/core',
    '!/test/mutation',
  ],
  // Shared 2-core machine.
  concurrency: 1,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  timeoutMS: 10_000,
  cleanTempDir: 'always',
}
