import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Process-level tests spawn real daemons; two cores do not like many at once.
    maxWorkers: 2,
  },
});
