import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../../../engine/driver/local-driver.js';
import type { Run } from '../../../engine/run.js';
import type { CommitPolicy, Runbook } from '../../../engine/runbook/types.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness, type Harness } from '../executor/harness.js';

const HOUR = 3_600_000;

const tier = (commit?: CommitPolicy) =>
  makeRunbook({
    steps: [{ id: 'check', action: 'test.ok' }],
    modes: {
      failover: {
        steps: [
          { id: 'cutover-approval', action: 'approval', with: { gate: 'cutover' } },
          { id: 'launch', action: 'test.ok', needs: ['cutover-approval'] },
        ],
      },
      failback: {
        steps: [
          { id: 'failback-approval', action: 'approval', with: { gate: 'cutover' } },
          { id: 'launch', action: 'test.ok', needs: ['failback-approval'] },
        ],
      },
    },
    approvals: { cutover: { required: 2, excludeInitiator: true, approvers: { groups: ['SRE'] } } },
    ...(commit ? { commit } : {}),
  });

async function approved(
  h: Harness,
  runbook: Runbook,
  mode: 'failover' | 'failback',
  gate: string,
): Promise<Run> {
  const run = await h.run(runbook, mode, 'olivia');
  await h.engine.approve(run.id, gate, 'alice');
  await h.engine.approve(run.id, gate, 'bob');
  return (await h.driver.runUntilSettled(run.id)).run;
}

async function refusalCode(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => expect.fail('expected a refusal'),
    (err: { code?: string }) => err.code,
  );
}

describe('commit policy (spec.commit)', () => {
  it('an ended failover waiting for commit wakes at its commit deadline', async () => {
    const h = createHarness();
    const runbook = tier({ timeout: '4h', onTimeout: 'commit' });
    const failover = await approved(h, runbook, 'failover', 'cutover-approval');
    expect(failover.status).toBe('succeeded');
    const since = (await h.engine.getTier(runbook)).pendingCommit!.since;
    const result = await h.engine.advance(failover.id);
    expect(result.wakeAt).toBe(since + 4 * HOUR);
  });

  it('without a policy an ended failover has no wake-up', async () => {
    const h = createHarness();
    const runbook = tier();
    const failover = await approved(h, runbook, 'failover', 'cutover-approval');
    expect((await h.engine.advance(failover.id)).wakeAt).toBeUndefined();
    h.clock.advance(30 * 24 * HOUR);
    await h.engine.advance(failover.id);
    expect((await h.engine.getTier(runbook)).pendingCommit?.runId).toBe(failover.id);
  });

  it('onTimeout commit: the local driver timer commits it as drbot after the timeout, in the audit trail', async () => {
    const h = createHarness();
    const runbook = tier({ timeout: '4h', onTimeout: 'commit' });
    const failover = await approved(h, runbook, 'failover', 'cutover-approval');
    const timers: { fn: () => void; ms: number }[] = [];
    const driver = new LocalDriver({
      engine: h.engine,
      clock: h.clock,
      schedule: (fn, ms) => {
        timers.push({ fn, ms });
        return () => undefined;
      },
    });
    // as after a restart: the ended failover is kicked once, and its advance arms the deadline
    driver.kick(failover.id);
    for (let i = 0; i < 1000 && timers.length === 0; i++) await new Promise((r) => setImmediate(r));
    expect(timers.map((t) => t.ms)).toEqual([4 * HOUR]);
    expect((await h.engine.getTier(runbook)).pendingCommit?.runId).toBe(failover.id);
    const since = (await h.engine.getTier(runbook)).pendingCommit!.since;

    h.clock.advance(4 * HOUR);
    timers[0]!.fn();
    await driver.stop();

    const state = await h.engine.getTier(runbook);
    expect(state.pendingCommit).toBeUndefined();
    expect(state.committed).toMatchObject({ runId: failover.id, by: 'drbot', auto: true });
    const event = h.published.find((e) => e.kind === 'tier.committed');
    expect(event).toMatchObject({ actor: 'drbot', runId: failover.id });
    expect(event!.at).toBeGreaterThanOrEqual(since + 4 * HOUR);
    expect(state.committed!.at).toBeGreaterThanOrEqual(since + 4 * HOUR);
    expect(event!.message).toContain('after its commit timeout of 4h');
    // committed: the next step is reprotect, which is allowed now
    const reprotected = await h.engine.reprotect(runbook, 'olivia');
    expect(reprotected.protection.direction).toBe('target→source');
  });

  it('a commit before the timeout wins; the deadline then does nothing', async () => {
    const h = createHarness();
    const runbook = tier({ timeout: '1h', onTimeout: 'rollback' });
    const failover = await approved(h, runbook, 'failover', 'cutover-approval');
    await h.engine.commit(failover.id, 'alice');
    h.clock.advance(2 * HOUR);
    expect((await h.engine.advance(failover.id)).wakeAt).toBeUndefined();
    const state = await h.engine.getTier(runbook);
    expect(state.committed).toMatchObject({ by: 'alice' });
    expect(state.pendingCommit).toBeUndefined();
    expect(h.published.some((e) => e.kind === 'tier.commit-timed-out')).toBe(false);
  });

  it('onTimeout rollback: nothing is committed, drbot posts that a failback is needed, and failback starts without reprotect behind its gate', async () => {
    const h = createHarness();
    const runbook = tier({ timeout: '30m', onTimeout: 'rollback' });
    const failover = await approved(h, runbook, 'failover', 'cutover-approval');
    h.clock.advance(29 * 60_000);
    await h.engine.advance(failover.id);
    expect((await h.engine.getTier(runbook)).pendingCommit?.rollbackDue).toBeUndefined();
    h.clock.advance(60_000);
    expect((await h.engine.advance(failover.id)).wakeAt).toBeUndefined();

    let state = await h.engine.getTier(runbook);
    expect(state.committed).toBeUndefined();
    expect(state.pendingCommit).toMatchObject({ runId: failover.id, rollbackDue: {} });
    expect(state.active.side).toBe('target');
    const posted = h.published.find((e) => e.kind === 'tier.commit-timed-out');
    expect(posted).toMatchObject({ actor: 'drbot', runId: failover.id });
    expect(posted!.message).toContain('`failback app-tier`');
    expect(h.published.some((e) => e.kind === 'tier.committed')).toBe(false);

    expect(await refusalCode(h.start(runbook, 'drill'))).toBe('TIER_ROLLBACK_DUE');
    expect(await refusalCode(h.start(runbook, 'failover', 'olivia'))).toBe('TIER_ROLLBACK_DUE');

    const failback = await h.run(runbook, 'failback', 'olivia');
    // the failback is behind its own two-person gate: nothing ran past it yet
    expect(failback.status).toBe('waiting');
    expect(failback.steps.launch?.status).toBe('pending');
    await h.engine.approve(failback.id, 'failback-approval', 'alice');
    await h.engine.approve(failback.id, 'failback-approval', 'bob');
    expect((await h.driver.runUntilSettled(failback.id)).run.status).toBe('succeeded');
    state = await h.engine.getTier(runbook);
    expect(state.active).toMatchObject({ side: 'source', region: 'us-east-1' });
    expect(state.pendingCommit).toBeUndefined();
    expect(h.published.filter((e) => e.kind === 'tier.commit-timed-out')).toHaveLength(1);
  });

  it('a due rollback may reprotect first, protecting the recovered copies, and stays uncommitted', async () => {
    const h = createHarness();
    const runbook = tier({ timeout: '30m', onTimeout: 'rollback' });
    const failover = await approved(h, runbook, 'failover', 'cutover-approval');
    expect(await refusalCode(h.engine.reprotect(runbook, 'olivia'))).toBe('TIER_UNCOMMITTED');
    h.clock.advance(30 * 60_000);
    await h.engine.advance(failover.id);
    const state = await h.engine.reprotect(runbook, 'olivia');
    expect(state.protection).toMatchObject({ direction: 'target→source', state: 'protecting' });
    expect(state.protection.inventory).toEqual(state.pendingCommit?.instances);
    expect(state.pendingCommit?.rollbackDue).toBeDefined();
    expect(state.committed).toBeUndefined();
  });

  it('a switch-point restarts the commit window from the new cutover', async () => {
    const h = createHarness();
    const runbook = tier({ timeout: '4h', onTimeout: 'commit' });
    const first = await approved(h, runbook, 'failover', 'cutover-approval');
    h.clock.advance(3 * HOUR);
    const second = await h.engine.switchPoint(first.id, 'latest', 'olivia');
    await h.driver.runUntilSettled(second.id);
    await h.engine.approve(second.id, 'cutover-approval', 'alice');
    await h.engine.approve(second.id, 'cutover-approval', 'bob');
    expect((await h.driver.runUntilSettled(second.id)).run.status).toBe('succeeded');
    h.clock.advance(2 * HOUR);
    // the first run's deadline has passed, but it is no longer the pending one
    expect((await h.engine.advance(first.id)).wakeAt).toBeUndefined();
    const result = await h.engine.advance(second.id);
    expect(result.wakeAt).toBe((await h.engine.getTier(runbook)).pendingCommit!.since + 4 * HOUR);
    expect((await h.engine.getTier(runbook)).committed).toBeUndefined();
  });
});
