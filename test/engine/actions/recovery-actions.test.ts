import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../../engine/errors.js';
import { RUNBOOK, runAction, setup } from './fixtures.js';

describe('recovery.latestPoint and recovery.protect', () => {
  it('picks the newest point of every protected instance and claims its age as the RPO', async () => {
    const { clock, actions } = setup();
    const { result } = await runAction(actions['recovery.latestPoint']!, clock, { maxAge: '1h' });
    const points = result.outputs!.points as Record<string, string>;
    expect(Object.keys(points)).toHaveLength(3);
    expect(result.outputs!.ageMs).toBe(20 * 60_000);
    expect(result.outputs!.oldestCapturedAt).toBe(clock.now() - 20 * 60_000);
    expect(result.measures).toEqual({ rpoClaimedMs: 20 * 60_000 });
  });

  it('fails the RPO gate, without retry, when a point is older than maxAge', async () => {
    const { clock, actions } = setup();
    const err = await runAction(actions['recovery.latestPoint']!, clock, { maxAge: '10m' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err).toMatchObject({ code: 'RPO_EXCEEDED' });
    expect((err as NonRetryableError).action).toContain('drbot protect app-tier');
  });

  it('recovers from the point the start names: an id pins the moment, an ISO time takes the newest before it', async () => {
    const { clock, sim, actions } = setup();
    const [web] = await sim.listProtected(RUNBOOK.spec.protect, 'us-east-1');
    const points = (await sim.recoveryPoints(web!.id, 'us-west-2')).sort(
      (a, b) => b.capturedAt - a.capturedAt,
    );
    const earlier = points[1]!;
    const byId = await runAction(
      actions['recovery.latestPoint']!,
      clock,
      { maxAge: '1h' },
      { params: { point: earlier.id } },
    );
    expect(byId.result.outputs!.ageMs).toBe(80 * 60_000);
    expect((byId.result.outputs!.points as Record<string, string>)[web!.id]).toBe(earlier.id);
    expect(byId.result.outputs!.chosenPoint).toMatchObject({
      id: expect.any(String),
      capturedAt: earlier.capturedAt,
    });
    // over the RPO, but chosen on purpose: a note, not a refusal
    expect(byId.notes.join(' ')).toContain('over the 1h RPO');
    const iso = new Date(earlier.capturedAt + 60_000).toISOString();
    const byTime = await runAction(actions['recovery.latestPoint']!, clock, {}, { params: { point: iso } });
    expect(byTime.result.outputs!.ageMs).toBe(80 * 60_000);
    const bad = await runAction(
      actions['recovery.latestPoint']!,
      clock,
      {},
      { params: { point: 'no such!' } },
    ).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'BAD_POINT' });
    const consistent = await runAction(
      actions['recovery.latestPoint']!,
      clock,
      {},
      { params: { point: 'latest-app-consistent' } },
    ).catch((e: unknown) => e);
    expect(consistent).toMatchObject({ code: 'NO_RECOVERY_POINT' });
  });

  it('measures the point age at declaration time, not at step time', async () => {
    const { clock, actions } = setup();
    const declared = clock.now();
    clock.advance(5 * 60_000);
    const { result } = await runAction(actions['recovery.latestPoint']!, clock, {}, { startedAt: declared });
    expect(result.outputs!.ageMs).toBe(20 * 60_000);
  });

  it('protects the fleet and waits for every copy to complete', async () => {
    const { clock, sim, actions } = setup();
    const { result, polls } = await runAction(actions['recovery.protect']!, clock, { retention: 2 });
    const points = result.outputs!.points as Record<string, string>;
    expect(Object.keys(points)).toHaveLength(3);
    // 3 seeded available points each; the new copies are pending and do not count: one goes each.
    expect((result.outputs!.pruned as string[]).length).toBe(3);
    expect(polls).toBeGreaterThan(0);
    expect(sim.counters.calls.CreateSnapshots).toBe(3);
  });

  it('protects the recovered side back home in a failback', async () => {
    const { clock, sim, actions } = setup();
    const err = await runAction(actions['recovery.protect']!, clock, {}, { mode: 'failback' }).catch(
      (e: unknown) => e,
    );
    // nothing runs in us-west-2 before a failover: the selector matches no instance there
    expect(err).toMatchObject({ code: 'NO_PROTECTED_INSTANCES' });
    expect((err as NonRetryableError).message).toContain('us-west-2');
    expect(sim.counters.calls.CreateSnapshots).toBeUndefined();
  });

  it('names the instances that have no recovery point', async () => {
    const { clock, actions } = setup();
    const runbook = { ...RUNBOOK, spec: { ...RUNBOOK.spec, target: { region: 'eu-west-1' } } };
    const err = await runAction(actions['recovery.latestPoint']!, clock, {}, { runbook }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'NO_RECOVERY_POINT' });
  });
});
