import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // worker threads and real servers: keep files from fighting over 2 cores
    fileParallelism: false,
    pool: 'forks',
  },
});
