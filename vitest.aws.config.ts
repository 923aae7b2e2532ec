import { defineConfig } from 'vitest/config';

/**
 * `npm run test:aws` (through test/aws/run.mjs, which skips it when no AWS_ENDPOINT_URL* is set):
 * protect → drill → cleanup against a real AWS-compatible endpoint. Its files end in `.aws.ts`, so
 * `npm test` (vitest.config.ts: test/**\/*.test.ts) never picks them up.
 */
export default defineConfig({
  test: {
    include: ['test/aws/**/*.aws.ts'],
    // real copies and launches take minutes on AWS
    testTimeout: 30 * 60_000,
    hookTimeout: 10 * 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
