/**
 * Loads the deployed artifact itself: packages the `slack` function, unpacks slack.zip as Lambda
 * would, imports the .mjs in a fresh node process and answers a signed request. This catches what
 * source-level tests cannot: ESM bundling, the require banner, the stubbed modules, and runbooks
 * missing from the package.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzip } from './unzip.js';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** Run inside the unpacked package: import the handler and feed it a signed url_verification. */
const INVOKE = `
import { createHmac } from 'node:crypto';
const { handler } = await import(process.env.HANDLER);
const body = JSON.stringify({ type: 'url_verification', challenge: 'bundled-ok' });
const ts = Math.floor(Date.now() / 1000);
const sig = 'v0=' + createHmac('sha256', 'bundle-secret').update('v0:' + ts + ':' + body).digest('hex');
const res = await handler({ version: '2.0', routeKey: 'POST /slack/events', rawPath: '/slack/events', rawQueryString: '',
  headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig },
  requestContext: { http: { method: 'POST', path: '/slack/events' } }, body, isBase64Encoded: false }, {});
console.log(JSON.stringify(res));
// Bolt verifies the token with auth.test in the background (no network here): do not wait for it.
process.exit(0);
`;

describe('the packaged slack function', () => {
  let out: string;
  let taskRoot: string;
  let entries: string[];

  beforeAll(async () => {
    out = mkdtempSync(join(root, '.esbuild', 'bundle-test-'));
    const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
    await run(join(root, 'node_modules/.bin/osls'), ['package', '--stage', 'ci', '--package', join(out, 'pkg')], {
      cwd: root,
      env,
      timeout: 240_000,
    });
    // Unpacked inside the repository so the AWS SDK (external, from the Lambda runtime in AWS)
    // resolves from node_modules here.
    taskRoot = join(out, 'task');
    entries = unzip(join(out, 'pkg', 'slack.zip'), taskRoot);
  }, 300_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('contains the ESM handler and the runbooks, and not the simulated world', () => {
    expect(entries).toContain('bot/lambda/slack.mjs');
    expect(entries).toContain('runbooks/app-tier.yaml');
    expect(entries.filter((e) => e.startsWith('runbooks/sim/'))).toEqual([]);
  });

  it('imports in a fresh node and answers a signed request', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', INVOKE], {
      cwd: taskRoot,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '',
        HANDLER: join(taskRoot, 'bot/lambda/slack.mjs'),
        LAMBDA_TASK_ROOT: taskRoot,
        AWS_REGION: 'us-west-2',
        DRBOT_TABLE: 'drbot-ci-RunTable',
        DRBOT_QUEUE_URL: 'https://sqs.us-west-2.amazonaws.com/123456789012/drbot-ci-WorkQueue',
        DRBOT_REGION: 'us-west-2',
        DRBOT_RUNBOOK_DIR: 'runbooks',
        SLACK_SIGNING_SECRET: 'bundle-secret',
        SLACK_BOT_TOKEN: 'xoxb-bundle',
      },
    });
    const response = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ challenge: 'bundled-ok' });
  });
});
