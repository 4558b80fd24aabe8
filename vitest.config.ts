import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'core/**/*.test.ts', 'bots/**/*.test.ts', 'jobs/**/*.test.ts', 'db/**/*.test.ts'],
    globalSetup: ['test/support/global.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // PGlite instances take ~1 GB each: two files at a time on these 2-core machines.
    maxWorkers: 2,
  },
});
