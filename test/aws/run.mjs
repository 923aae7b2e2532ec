#!/usr/bin/env node
// `npm run test:aws`: the opt-in integration suite against a real AWS-compatible endpoint. It runs
// only when AWS_ENDPOINT_URL or an AWS_ENDPOINT_URL_<SERVICE> names one; otherwise it says so and
// exits 0, so it is safe in any pipeline. It is never part of `npm test` (vitest.aws.config.ts).
import { spawnSync } from 'node:child_process';

export function configuredEndpoints(env) {
  return Object.entries(env)
    .filter(
      ([key, value]) => (key === 'AWS_ENDPOINT_URL' || key.startsWith('AWS_ENDPOINT_URL_')) && value?.trim(),
    )
    .map(([key, value]) => `${key}=${value}`);
}

const endpoints = configuredEndpoints(process.env);
if (endpoints.length === 0) {
  process.stdout.write(
    'drbot test:aws: no endpoint configured, nothing to run.\n' +
      'Set AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_SSM …) to an AWS-compatible endpoint,\n' +
      'with AWS_REGION and credentials it accepts, then run `npm run test:aws` again.\n',
  );
  process.exit(0);
}
process.stdout.write(`drbot test:aws: against ${endpoints.join(', ')}\n`);
const result = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--config', 'vitest.aws.config.ts', ...process.argv.slice(2)],
  { stdio: 'inherit', env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env } },
);
process.exit(result.status ?? 1);
