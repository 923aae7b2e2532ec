import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { runShell } from '../../../bot/shell/run-shell.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/tiers');

it('prints a run’s waiting hint once when `wait` is followed by the end of input', {
  timeout: 60_000,
}, async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const exit = runShell({
    input,
    output,
    inMemory: true,
    runbooksDir: FIXTURES,
    latencyScale: 0.005,
    live: false,
    env: {},
  });
  input.end('failover db-tier\nwait\n');
  await exit;
  expect(text.match(/waits on people/g)).toHaveLength(1);
  // the hint names a local user who may approve, typed as it reads
  expect(text).toMatch(/\/as bob \(or carol, dave\) then approve [0-9A-Z]{6}/);
});
