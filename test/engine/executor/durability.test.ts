import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import { NotAllowedError, NotFoundError } from '../../../engine/errors.js';
import type { Run } from '../../../engine/run.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness } from './harness.js';

/** Dies (throws) on the Nth saveRun from now, like a process killed before persisting. */
class CrashingStore extends MemoryRunStore {
  crashOnSave = 0;
  override async saveRun(run: Run, expectedVersion: number): Promise<void> {
    if (this.crashOnSave > 0 && --this.crashOnSave === 0) throw new Error('process died');
    return super.saveRun(run, expectedVersion);
  }
}

const failover = makeRunbook({ modes: { failover: { steps: [{ id: 'launch', action: 'test.slow' }] } } });
/** The same tier's failover, failing: the source stays live, so another failover may start after it. */
const failingFailover = makeRunbook({
  modes: { failover: { steps: [{ id: 'launch', action: 'test.fail', with: { error: 'nonretryable' } }] } },
});

describe('executor: durability, leases and locks', () => {
  it('a second failover is refused, naming the holder run, and the lock is freed when the run ends', async () => {
    const h = createHarness();
    const first = await h.start(failingFailover, 'failover', 'olivia');
    expect(first.lock).toBe('runbook:app-tier');
    const refused = await h.start(failover, 'failover', 'oscar').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'TIER_TRANSITION_IN_FLIGHT' });
    expect((refused as Error & { action: string }).action).toContain(first.id);
    expect(await h.store.acquireLock('runbook:app-tier', 'someone', 0)).toEqual({
      acquired: false,
      holder: first.id,
    });
    const other = makeRunbook({ name: 'other-tier', steps: [{ id: 'a', action: 'test.ok' }] });
    const drill = await h.start(other, 'drill', 'oscar');
    expect(drill.lock).toBeUndefined();
    expect((await h.driver.runUntilSettled(first.id)).run.status).toBe('failed');
    const second = await h.start(failover, 'failover', 'oscar');
    expect(second.lock).toBe('runbook:app-tier');
  });

  it('refuses a mode the runbook lacks, listing its modes, and a user without access', async () => {
    const h = createHarness();
    const runbook = makeRunbook({ steps: [{ id: 'a', action: 'test.ok' }] });
    const missing = await h.start(runbook, 'failback').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).explanation).toContain('drill');
    const denied = await h.start(failover, 'failover', 'mallory').catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(NotAllowedError);
    expect((denied as NotAllowedError).explanation).toContain('groups OPS');
  });

  it('a crash after the side effect but before the result is saved: resume acts exactly once', async () => {
    const store = new CrashingStore();
    const h = createHarness({ leaseMs: 30_000 });
    const crashing = h.worker('worker-a', store);
    const runbook = makeRunbook({ steps: [{ id: 'launch', action: 'test.effect' }] });
    const run = await crashing.startRun({ runbook, mode: 'drill', initiator: 'ian' });
    // Save 1 persists the intent; save 2 (the result) "dies".
    store.crashOnSave = 2;
    await expect(crashing.advance(run.id)).rejects.toThrow('process died');
    const stored = await store.getRun(run.id);
    expect(stored?.steps.launch?.intent).toMatchObject({ acknowledged: false, key: `${run.id}:launch:1` });
    expect([...h.actions.effects.keys()]).toEqual([`${run.id}:launch:1`]);

    const fresh = h.worker('worker-b', store);
    const resumed = await fresh.advance(run.id);
    expect(resumed.status).toBe('succeeded');
    expect(h.actions.calls.filter((c) => c.action === 'test.effect').map((c) => c.key)).toEqual([
      `${run.id}:launch:1`,
      `${run.id}:launch:1`,
    ]);
    expect(h.actions.effects.get(`${run.id}:launch:1`)).toBe(1);
    expect(h.actions.effects.size).toBe(1);
  });

  it('a crash between saving a transition and appending its audit loses no events', async () => {
    const h = createHarness();
    const run = await h.start(makeRunbook({ steps: [{ id: 'a', action: 'test.ok' }] }));
    let failNext = true;
    const original = h.store.appendAudit.bind(h.store);
    h.store.appendAudit = async (events) => {
      if (failNext) {
        failNext = false;
        throw new Error('process died');
      }
      return original(events);
    };
    await expect(h.engine.advance(run.id)).rejects.toThrow('process died');
    await h.driver.runUntilSettled(run.id);
    const audit = await h.store.listAudit(run.id);
    expect(audit.map((e) => e.seq)).toEqual(audit.map((_, i) => i + 1));
    expect(audit.map((e) => e.kind)).toEqual([
      'run.started',
      'step.started',
      'step.succeeded',
      'run.succeeded',
    ]);
  });

  it('a crash after the final save, before the last audit append: reading the ended run repairs the trail', async () => {
    const h = createHarness();
    const run = await h.start(makeRunbook({ steps: [{ id: 'a', action: 'test.ok' }] }));
    const original = h.store.appendAudit.bind(h.store);
    // The append of the run's last events "dies": the run is saved as ended, its end event only in the outbox.
    h.store.appendAudit = async (events) => {
      if (events.some((e) => e.kind === 'run.succeeded')) throw new Error('process died');
      return original(events);
    };
    await h.engine.advance(run.id).catch(() => undefined);
    expect((await h.store.getRun(run.id))?.status).toBe('succeeded');
    expect((await h.store.listAudit(run.id)).map((e) => e.kind)).not.toContain('run.succeeded');
    h.store.appendAudit = original;
    // Resumers skip ended runs; a read (status, Slack refresh) repairs the trail.
    await h.engine.getRun(run.id);
    const audit = await h.store.listAudit(run.id);
    expect(audit.map((e) => e.seq)).toEqual(audit.map((_, i) => i + 1));
    expect(audit.at(-1)?.kind).toBe('run.succeeded');
  });

  it('a lock left by a run that ended (its worker died before releasing it) does not block the next failover', async () => {
    const h = createHarness();
    const first = await h.start(failingFailover, 'failover', 'olivia');
    await h.driver.runUntilSettled(first.id);
    expect((await h.store.getRun(first.id))?.status).toBe('failed');
    // Simulate the dead worker: the ended run still holds the lock.
    expect(await h.store.acquireLock('runbook:app-tier', first.id, 0)).toEqual({ acquired: true });
    const second = await h.start(failover, 'failover', 'oscar');
    expect(second.lock).toBe('runbook:app-tier');
    // A live holder is still respected: the lock names it, and the tier refuses a third start.
    expect(await h.store.acquireLock('runbook:app-tier', 'someone', 0)).toEqual({
      acquired: false,
      holder: second.id,
    });
    const third = await h.start(failover, 'failover', 'olivia').catch((e: unknown) => e);
    expect((third as Error & { action: string }).action).toContain(second.id);
  });

  it('a lease held by a dead worker blocks others until it expires, then is taken over', async () => {
    const h = createHarness({ leaseMs: 60_000 });
    const run = await h.start(makeRunbook({ steps: [{ id: 'a', action: 'test.ok' }] }));
    expect(await h.store.acquireLease(run.id, 'dead-worker', h.clock.now(), 60_000)).toBe(true);
    const blocked = await h.engine.advance(run.id);
    expect(blocked.advanced).toBe(false);
    expect(h.actions.calls).toHaveLength(0);
    h.clock.advance(60_000);
    const taken = await h.engine.advance(run.id);
    expect(taken).toMatchObject({ advanced: true, status: 'succeeded' });
    expect(await h.store.acquireLease(run.id, 'someone', h.clock.now(), 1000)).toBe(true);
  });

  it('every transition is audited with gapless seqs, after the save that caused it', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({
        steps: [
          { id: 'a', action: 'test.slow', with: { polls: 2 } },
          {
            id: 'b',
            action: 'test.fail',
            needs: ['a'],
            with: { failTimes: 1 },
            retry: { maxAttempts: 2, initialInterval: '1s', backoffCoefficient: 2 },
          },
        ],
      }),
    );
    const audit = await h.store.listAudit(run.id);
    expect(audit.map((e) => e.seq)).toEqual(audit.map((_, i) => i + 1));
    expect(run.auditSeq).toBe(audit.length);
    expect(h.published.map((e) => e.seq)).toEqual(audit.map((e) => e.seq));
    expect(audit.map((e) => `${e.kind}${e.stepKey ? ` ${e.stepKey}` : ''}`)).toEqual([
      'run.started',
      'step.started a',
      'step.succeeded a',
      'step.started b',
      'step.retrying b',
      'step.started b',
      'step.succeeded b',
      'run.succeeded',
    ]);
  });

  it('measures RTO from declaredAt to the rto:end step and keeps RPO from results', async () => {
    const h = createHarness();
    const declared = h.clock.now() - 120_000;
    const run = await h.run(
      makeRunbook({
        modes: {
          failover: {
            steps: [
              { id: 'point', action: 'test.ok', with: { measures: { rpoClaimedMs: 42_000 } } },
              { id: 'health', action: 'test.slow', needs: ['point'], with: { pollMs: 60_000 }, rto: 'end' },
              { id: 'report', action: 'test.slow', needs: ['health'], with: { pollMs: 30_000 } },
            ],
          },
        },
      }),
      'failover',
      'ian',
      { declaredAt: new Date(declared).toISOString() },
    );
    expect(run.measures).toMatchObject({
      objectives: { rtoMs: 15 * 60_000, rpoMs: 3_600_000 },
      rtoMs: 180_000,
      rpoClaimedMs: 42_000,
      durationMs: 90_000,
    });
  });

  it("a mode with its own RTO (objectives.failover.rto) records that objective on its runs; other modes keep the tier's", async () => {
    const h = createHarness();
    const steps = [{ id: 'a', action: 'test.ok' }];
    const runbook = makeRunbook({
      objectives: { rto: '15m', rpo: '1h', failover: { rto: '45m' } },
      modes: { drill: { steps }, failover: { steps } },
    });
    expect((await h.run(runbook, 'drill', 'ian')).measures.objectives).toEqual({
      rtoMs: 15 * 60_000,
      rpoMs: 3_600_000,
    });
    expect((await h.run(runbook, 'failover', 'olivia')).measures.objectives).toEqual({
      rtoMs: 45 * 60_000,
      rpoMs: 3_600_000,
    });
  });

  it('runs what it started with: the runbook snapshot, not a later edit', async () => {
    const h = createHarness();
    const run = await h.start(makeRunbook({ steps: [{ id: 'a', action: 'test.ok' }] }));
    const snapshot = await h.engine.runbookOf(run);
    expect(snapshot.hash).toBe(run.runbook.hash);
    expect(snapshot.spec.modes.drill?.steps.map((s) => s.id)).toEqual(['a']);
  });
});
