import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'clients/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'tests/browser/**'],
    globalSetup: ['src/server/testing/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: two test files at a time keep PGlite start-up and PostgreSQL busy without thrashing.
    maxWorkers: 2,
  },
});
