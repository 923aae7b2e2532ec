import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runShell } from '../../../bot/shell/run-shell.js';

describe('drbot shell with Alibaba runbooks on the sim', () => {
  it('runs a drill of an Alibaba runbook (spec.provider: alibaba) to success: the sim stands in', async () => {
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
      runbooksDir: 'test/fixtures/alibaba',
      latencyScale: 0.005,
      live: false,
      env: {},
      schedules: false,
      waitAtEnd: true,
    });
    input.end('drill ecs-fixture-tier\nwait\nstatus\n');
    expect(await exit).toBe(0);
    expect(text).toMatch(/ecs-fixture-tier .*SUCCEEDED/);
    expect(text).not.toContain('PROVIDER_NOT_CONFIGURED');
  });
});
