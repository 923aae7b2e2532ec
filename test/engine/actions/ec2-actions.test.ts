import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../../engine/errors.js';
import { runAction, setup } from './fixtures.js';

async function drillLaunch(env: ReturnType<typeof setup>) {
  const gate = await runAction(env.actions['recovery.latestPoint']!, env.clock, {});
  const launch = await runAction(env.actions['ec2.launch']!, env.clock, {
    launchType: 'TEST',
    from: gate.result.outputs!.points,
    network: 'drill',
  });
  return { ...launch, notes: [...gate.notes, ...launch.notes] };
}

describe('ec2 actions', () => {
  it('launches the protected fleet on the recovery side, tagged, in the drill network', async () => {
    const env = setup();
    const { result } = await drillLaunch(env);
    const ids = result.outputs!.instanceIds as string[];
    expect(ids).toHaveLength(3);
    // addresses of the isolated drill subnet (10.99.9.0/24), never the production ones
    const ips = result.outputs!.privateIps as string[];
    expect(ips).toHaveLength(3);
    expect(ips.every((ip) => ip.startsWith('10.99.9.'))).toBe(true);
    const described = await env.sim.describe(ids, 'us-west-2');
    for (const instance of described) {
      expect(instance.subnetId).toBe('subnet-0w2d0003');
      expect(instance.tags).toMatchObject({
        'drbot:run-id': 'run-1',
        'drbot:mode': 'drill',
        'dr-tier': 'app',
      });
      expect(Date.parse(instance.tags['drbot:expires']!)).toBe(env.clock.now() + 4 * 3_600_000);
    }
  });

  it('falls back to spec.defaults.instanceType and notes it in the audit', async () => {
    const env = setup();
    const { result, notes } = await drillLaunch(env);
    const app = (
      result.outputs!.instances as { sourceInstanceId: string; instanceType: string; fellBackFrom?: string }[]
    ).find((i) => i.sourceInstanceId === 'i-0a11app00000003');
    expect(app).toMatchObject({ instanceType: 't3.large', fellBackFrom: 'm5.large' });
    expect(notes.some((n) => n.includes('fell back') && n.includes('m5.large'))).toBe(true);
  });

  it('launches nothing twice when started again with the same idempotency key', async () => {
    const env = setup();
    const first = await drillLaunch(env);
    const again = await drillLaunch(env);
    expect(again.result.outputs!.instanceIds).toEqual(first.result.outputs!.instanceIds);
    expect(env.sim.counters.launches).toBe(3);
    expect(env.sim.counters.duplicateLaunchTokens).toBe(3);
  });

  it('refuses a CUTOVER launch in a drill', async () => {
    const env = setup();
    await expect(
      runAction(env.actions['ec2.launch']!, env.clock, { launchType: 'CUTOVER' }),
    ).rejects.toMatchObject({
      code: 'DRILL_SAFETY',
    });
    expect(env.sim.counters.launches).toBe(0);
  });

  it('waits until healthy with one batched describe per poll round', async () => {
    const env = setup();
    const { result } = await drillLaunch(env);
    const before = env.sim.counters.calls.DescribeInstances ?? 0;
    const waited = await runAction(env.actions['ec2.waitHealthy']!, env.clock, {
      instances: result.outputs!.instanceIds,
    });
    expect(waited.result.outputs!.instanceIds).toEqual(result.outputs!.instanceIds);
    expect(env.sim.counters.calls.DescribeInstances! - before).toBe(waited.polls + 1);
  });

  it('absorbs throttling by polling again with the same key, noting each retry', async () => {
    const env = setup({ throttleRate: 0.5 });
    const { result, notes } = await drillLaunch(env);
    expect(result.outputs!.instanceIds).toHaveLength(3);
    expect(env.sim.counters.throttled).toBeGreaterThan(0);
    expect(notes.some((n) => n.includes('throttled'))).toBe(true);
    expect(env.sim.counters.launches).toBe(3);
  });

  it('terminates every run-owned instance in cleanup and waits until terminated', async () => {
    const env = setup();
    const { result } = await drillLaunch(env);
    const done = await runAction(env.actions['ec2.terminate']!, env.clock, { runOwned: true });
    expect((done.result.outputs!.instanceIds as string[]).sort()).toEqual(
      (result.outputs!.instanceIds as string[]).sort(),
    );
    expect(env.sim.counters.terminations).toBe(3);
    expect(await env.sim.findRunOwned('run-1', 'us-west-2')).toEqual([]);
  });

  it('refuses, in a drill, to terminate the protected production instances', async () => {
    const env = setup();
    const err = await runAction(env.actions['ec2.terminate']!, env.clock, { protected: true }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err).toMatchObject({ code: 'DRILL_SAFETY' });
    expect(env.sim.counters.terminations).toBe(0);
  });

  it('stops the protected instances outside drills and waits until stopped', async () => {
    const env = setup();
    const { result } = await runAction(
      env.actions['ec2.stop']!,
      env.clock,
      { protected: true },
      { mode: 'failover' },
    );
    expect(result.outputs!.instanceIds).toHaveLength(3);
    const states = await env.sim.describe(result.outputs!.instanceIds as string[], 'us-east-1');
    expect(states.every((i) => i.state === 'stopped')).toBe(true);
  });

  it('asks which instances when a lifecycle step names none', async () => {
    const env = setup();
    await expect(runAction(env.actions['ec2.stop']!, env.clock, {})).rejects.toMatchObject({
      code: 'NO_TARGET',
    });
  });
});
