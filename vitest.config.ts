import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // dynalite and child-process tests need headroom on 2-core CI machines
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
