import { configDefaults, defineConfig } from 'vitest/config';

// Timeouts are generous because the machine the suite runs on is shared: a property test that takes
// 2 s alone can take 20 s under load. Nothing here asserts on time (performance lives in test/bench/).
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    exclude: [...configDefaults.exclude, '.bench/**'],
  },
});
