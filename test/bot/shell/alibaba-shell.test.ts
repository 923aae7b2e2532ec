import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runShell } from '../../../bot/shell/run-shell.js';

/** What a newcomer sees typing `lines` into the shell over the Alibaba fixture runbooks. */
async function shell(lines: string): Promise<string> {
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
  input.end(lines);
  expect(await exit).toBe(0);
  return text;
}

describe('drbot shell with Alibaba runbooks on the sim', () => {
  it('runs a drill of an Alibaba runbook (spec.provider: alibaba) to success: the sim stands in', async () => {
    const text = await shell('drill ecs-fixture-tier\nwait\nstatus\n');
    expect(text).toMatch(/ecs-fixture-tier .*SUCCEEDED/);
    expect(text).not.toContain('PROVIDER_NOT_CONFIGURED');
    // the type fallback names the copy it launched in cn-shanghai, not only the cn-hangzhou original
    expect(text).toMatch(/Launched i-uf1[0-9a-z]{17}, the copy of i-bp1ecsweb0000000001, as ecs\.g6\.large/);
  });

  it('doctor of an Alibaba tier asks for the network mapping, and the printed remedy, typed in the shell, replicates it', async () => {
    const text = await shell(
      'doctor ecs-fixture-tier\ndrbot network replicate ecs-fixture-tier\ndoctor ecs-fixture-tier\n',
    );
    // the shell's answers in order: the first doctor, the replication summary, the second doctor
    const replicated = text.indexOf('🌐 network of ecs-fixture-tier');
    expect(replicated).toBeGreaterThan(0);
    const before = text.slice(0, replicated);
    expect(before).toContain('[NO_NETWORK_MAPPING]');
    expect(before).toContain('remedy: Run `drbot network replicate ecs-fixture-tier`');
    // Alibaba replicates its VPC, vSwitches and security groups now: the second doctor is satisfied
    const second = text.slice(text.indexOf('ecs-fixture-tier:', replicated));
    expect(second).toMatch(/^ecs-fixture-tier: /);
    expect(second).not.toContain('NO_NETWORK_MAPPING');
  });
});
