import { describe, expect, it } from 'vitest';
import type { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import { NotAllowedError } from '../../../engine/errors.js';
import type { RunStore } from '../../../engine/ports.js';
import type { Run } from '../../../engine/run.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness, type Harness } from '../executor/harness.js';

const tier = () =>
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
  });

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; action?: string }> {
  return promise.then(
    () => expect.fail('expected a refusal'),
    (err: Error & { code?: string }) => err,
  );
}

/** Starts a gated mode, approves it with alice and bob, drives it to its end. */
async function approved(h: Harness, mode: 'failover' | 'failback', gateStep: string): Promise<Run> {
  const run = await h.run(tier(), mode, 'olivia');
  expect(run.status).toBe('waiting');
  await h.engine.approve(run.id, gateStep, 'alice');
  await h.engine.approve(run.id, gateStep, 'bob');
  return (await h.driver.runUntilSettled(run.id)).run;
}

describe('tier lifecycle (engine)', () => {
  it('starts source-active, protecting source→target', async () => {
    const h = createHarness();
    const state = await h.engine.getTier(tier());
    expect(state).toMatchObject({ version: 0, active: { side: 'source', region: 'us-east-1' } });
    expect(state.protection).toMatchObject({ direction: 'source→target', state: 'protecting' });
  });

  it('refuses a drill and a second failover while a failover waits at its gate, and starts nothing', async () => {
    const h = createHarness();
    const waiting = await h.run(tier(), 'failover', 'olivia');
    const drill = await rejection(h.start(tier(), 'drill'));
    expect(drill).toMatchObject({ code: 'TIER_TRANSITION_IN_FLIGHT' });
    expect(drill.action).toContain(`abort ${waiting.id}`);
    const again = await rejection(h.start(tier(), 'failover', 'olivia'));
    expect(again).toMatchObject({ code: 'TIER_TRANSITION_IN_FLIGHT' });
    expect(await h.store.listRuns({})).toHaveLength(1);
  });

  it('walks failover → commit → reprotect → failback, refusing every early step with the next one', async () => {
    const h = createHarness();
    const failover = await approved(h, 'failover', 'cutover-approval');
    expect(failover.status).toBe('succeeded');
    let state = await h.engine.getTier(tier());
    expect(state.active).toMatchObject({ side: 'target', region: 'us-west-2', sinceRun: failover.id });
    expect(state.pendingCommit?.runId).toBe(failover.id);

    const second = await rejection(h.start(tier(), 'failover', 'olivia'));
    expect(second).toMatchObject({ code: 'TIER_UNCOMMITTED' });
    expect(second.action).toContain(`commit ${failover.id}`);
    // the state, the rule and the next step, each said once
    expect(second.message).toBe(
      `app-tier failed over to us-west-2 in run …${failover.id.slice(-4)} and waits to be committed.`,
    );
    expect((second as { explanation?: string }).explanation).toContain('nothing else starts on the tier');
    expect((await rejection(h.start(tier(), 'drill'))).code).toBe('TIER_UNCOMMITTED');
    expect((await rejection(h.start(tier(), 'failback', 'olivia'))).code).toBe('TIER_UNCOMMITTED');

    const byInitiator = await rejection(h.engine.commit(failover.id, 'olivia'));
    expect(byInitiator).toBeInstanceOf(NotAllowedError);
    expect(byInitiator.code).toBe('COMMIT_NOT_ALLOWED');
    state = await h.engine.commit(failover.id, 'alice');
    expect(state.pendingCommit).toBeUndefined();
    expect(state.committed).toMatchObject({ runId: failover.id, by: 'alice' });
    expect(h.published.some((e) => e.kind === 'tier.committed' && e.actor === 'alice')).toBe(true);

    const live = await rejection(h.start(tier(), 'failover', 'olivia'));
    expect(live.code).toBe('TIER_ALREADY_FAILED_OVER');
    expect(live.message).toMatch(/^app-tier is live in us-west-2 since run …\w{4}\.$/);
    expect(live.action).toBe('Next: `reprotect app-tier`, then `failback app-tier`.');
    expect((await rejection(h.start(tier(), 'failback', 'olivia'))).code).toBe('TIER_NOT_REPROTECTED');

    const drill = await h.run(tier(), 'drill');
    expect(drill.status).toBe('succeeded');
    expect((await h.engine.getTier(tier())).lastDrill?.runId).toBe(drill.id);

    state = await h.engine.reprotect(tier(), 'olivia');
    expect(state.protection).toMatchObject({ direction: 'target→source', state: 'protecting' });
    const failback = await approved(h, 'failback', 'failback-approval');
    expect(failback.status).toBe('succeeded');
    state = await h.engine.getTier(tier());
    expect(state.active).toMatchObject({ side: 'source', region: 'us-east-1', sinceRun: failback.id });
    expect(state.protection).toMatchObject({ direction: 'source→target', state: 'protecting' });
    expect(state.lastFailback?.outcome).toBe('succeeded');
    expect((await rejection(h.start(tier(), 'failback', 'olivia'))).code).toBe('TIER_NOT_FAILED_OVER');
    expect((await h.run(tier(), 'drill')).status).toBe('succeeded');
  });

  it('leaves the source active after a rejected failover', async () => {
    const h = createHarness();
    const run = await h.run(tier(), 'failover', 'olivia');
    await h.engine.reject(run.id, 'cutover-approval', 'alice', 'not now');
    const ended = (await h.driver.runUntilSettled(run.id)).run;
    expect(ended.status).toBe('failed');
    const state = await h.engine.getTier(tier());
    expect(state).toMatchObject({
      active: { side: 'source' },
      lastFailover: { runId: run.id, outcome: 'failed' },
    });
    expect(state.inFlight).toBeUndefined();
    // nothing waits to be committed: switch-point says so, with a next step about switching
    const refused = await rejection(h.engine.switchPoint(run.id, 'latest', 'olivia'));
    expect(refused.code).toBe('TIER_NOTHING_TO_SWITCH');
    expect(refused.action).toBe('Next: nothing to switch; `status app-tier` shows where it is live.');
  });

  it('of two failovers started at once from two workers, exactly one starts', async () => {
    const h = createHarness();
    const other = h.worker('worker-2');
    const results = await Promise.allSettled([
      h.engine.startRun({ runbook: tier(), mode: 'failover', initiator: 'olivia' }),
      other.startRun({ runbook: tier(), mode: 'failover', initiator: 'oscar' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await h.store.listRuns({})).toHaveLength(1);
  });

  it('reconciles the tier from the run on read when a crash fell between the run end and the tier write', async () => {
    const h = createHarness();
    let failNextTierSave = false;
    const flaky: RunStore = Object.create(h.store, {
      saveTier: {
        value: async (...args: Parameters<MemoryRunStore['saveTier']>) => {
          if (failNextTierSave) {
            failNextTierSave = false;
            throw new Error('worker killed');
          }
          return h.store.saveTier(...args);
        },
      },
    });
    const crashing = h.worker('worker-crash', flaky);
    const run = await h.run(tier(), 'failover', 'olivia');
    await h.engine.approve(run.id, 'cutover-approval', 'alice');
    await h.engine.approve(run.id, 'cutover-approval', 'bob');
    failNextTierSave = true;
    await expect(crashing.advance(run.id)).rejects.toThrow('worker killed');
    expect((await h.store.getRun(run.id))?.status).toBe('succeeded');
    expect((await h.store.getTier('app-tier'))?.active.side).toBe('source');
    const state = await h.worker('worker-3').getTier(tier());
    expect(state.active).toMatchObject({ side: 'target', sinceRun: run.id });
    expect(state.pendingCommit?.runId).toBe(run.id);
  });
});
