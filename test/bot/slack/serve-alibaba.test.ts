/**
 * `drbot serve --provider alibaba` acts on Alibaba Cloud and never for another cloud's runbooks;
 * `drbot serve` on the sim runs Alibaba runbooks end to end (the sim stands in for every cloud).
 * Slack's Web API is faked on loopback; requests are signed as Slack signs them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ended, type Harness, runIdOf, startHarness } from '../support/served.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('drbot serve and Alibaba Cloud runbooks', () => {
  it('serve --provider alibaba wires the Alibaba clients and refuses an AWS runbook (PROVIDER_NOT_CONFIGURED)', async () => {
    h = await startHarness({ provider: 'alibaba', runbookDir: 'test/fixtures/tiers' });
    expect(h.served.runtime.provider).toEqual({ name: 'alibaba' });
    expect(h.served.runtime.cloud.name).toBe('alibaba');
    const ack = await h.slash('drill app-tier', 'alice');
    expect(ack.text).toContain('app-tier runs on aws');
    expect(ack.text).toContain('this drbot acts on alibaba');
    expect(await h.served.runtime.store.listRuns({})).toEqual([]);
  });

  it('serve on the sim runs a drill of an Alibaba runbook to success', async () => {
    h = await startHarness({ runbookDir: 'test/fixtures/alibaba' });
    expect(h.served.runtime.provider).toEqual({ name: 'sim' });
    const runId = runIdOf(await h.slash('drill ecs-fixture-tier', 'alice'));
    const run = await h.waitForRun(runId, ended);
    expect(run.status).toBe('succeeded');
    expect(run.provider).toEqual({ name: 'sim' });
  });
});
