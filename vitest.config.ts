import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // End-to-end suites start real processes; keep the machine (2 cores) from thrashing.
    maxWorkers: 2,
    setupFiles: ['test/support/setup.ts'],
  },
});
