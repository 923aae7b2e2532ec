import { describe, expect, it } from 'vitest';
import { NonRetryableError, RetryAfterError } from '../../../../engine/errors.js';
import { APP1, blueprintFor, launchRequest, makeSim, SOURCE, TARGET, WEB1 } from './fixtures.js';

describe('SimCloud EC2', () => {
  it('lists the protected fleet by tags, with volumes, subnet, IP and profile', async () => {
    const { sim } = makeSim();
    const app = await sim.listProtected({ tags: { 'dr-tier': 'app' } }, SOURCE);
    expect(app.map((i) => i.id).sort()).toEqual([WEB1, 'i-0a11web00000002', APP1].sort());
    const web1 = app.find((i) => i.id === WEB1)!;
    expect(web1).toMatchObject({
      privateIp: '10.0.1.11',
      subnetId: 'subnet-0e1a0001',
      instanceProfile: 'shop-app',
    });
    expect(web1.volumes[0]).toMatchObject({ device: '/dev/xvda', sizeGiB: 20 });
    expect(await sim.listProtected({ tags: { 'dr-tier': 'app' } }, TARGET)).toEqual([]);
  });

  it('launches pending, then running, then healthy as sim time passes', async () => {
    const { sim, clock } = makeSim();
    const [launched] = await sim.launch(launchRequest([await blueprintFor(sim, WEB1)]));
    const id = launched!.instanceId;
    expect((await sim.describe([id], TARGET))[0]).toMatchObject({ state: 'pending', healthy: false });
    clock.advance(20_000);
    expect((await sim.describe([id], TARGET))[0]).toMatchObject({ state: 'running', healthy: false });
    clock.advance(40_000);
    expect((await sim.describe([id], TARGET))[0]).toMatchObject({ state: 'running', healthy: true });
  });

  it('tags everything it launches with run id, mode and expiry', async () => {
    const { sim } = makeSim();
    const [launched] = await sim.launch(launchRequest([await blueprintFor(sim, WEB1)]));
    const [inst] = await sim.describe([launched!.instanceId], TARGET);
    expect(inst!.tags).toMatchObject({
      'drbot:run-id': 'run-1',
      'drbot:mode': 'drill',
      'drbot:expires': '2026-01-05T13:00:00.000Z',
      'drbot:source-instance': WEB1,
    });
  });

  it('returns the same instances for a repeated ClientToken and counts the duplicate', async () => {
    const { sim } = makeSim();
    const request = launchRequest([
      await blueprintFor(sim, WEB1),
      await blueprintFor(sim, 'i-0a11web00000002'),
    ]);
    const first = await sim.launch(request);
    const again = await sim.launch(request);
    expect(again).toEqual(first);
    expect(sim.counters.launches).toBe(2);
    expect(sim.counters.duplicateLaunchTokens).toBe(2);
    expect(sim.counters.idempotencyKeys['run-1:launch:1:0']).toBe(2);
  });

  it('falls back to the default type when the region lacks the requested one', async () => {
    const { sim } = makeSim();
    const bp = await blueprintFor(sim, APP1, { instanceType: 'm5.large', defaultInstanceType: 'm6i.large' });
    const [launched] = await sim.launch(launchRequest([bp]));
    expect(launched).toMatchObject({ instanceType: 'm6i.large', fellBackFrom: 'm5.large' });
    expect(sim.counters.fallbacks).toBe(1);
  });

  it('refuses an unavailable type without a default, launching nothing', async () => {
    const { sim } = makeSim();
    const ok = await blueprintFor(sim, WEB1);
    const bad = await blueprintFor(sim, APP1, { instanceType: 'm5.large' });
    await expect(sim.launch(launchRequest([ok, bad]))).rejects.toBeInstanceOf(NonRetryableError);
    expect(sim.counters.launches).toBe(0);
  });

  it('falls back on an injected capacity error, once per budgeted error', async () => {
    const { sim } = makeSim({ faults: { capacityErrors: { 't3.medium': 1 } } });
    const request = launchRequest([
      await blueprintFor(sim, WEB1, { defaultInstanceType: 't3.large' }),
      await blueprintFor(sim, 'i-0a11web00000002', { defaultInstanceType: 't3.large' }),
    ]);
    const launched = await sim.launch(request);
    expect(launched.map((l) => l.instanceType)).toEqual(['t3.large', 't3.medium']);
    expect(launched[0]!.fellBackFrom).toBe('t3.medium');
  });

  it('refuses, in a drill, to terminate or stop what the drill did not launch', async () => {
    const { sim } = makeSim();
    const guard = { runId: 'run-1', mode: 'drill' };
    const err = await sim.terminate([WEB1], SOURCE, guard).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err).toMatchObject({ code: 'DRILL_SAFETY' });
    await expect(sim.stop([WEB1], SOURCE, guard)).rejects.toMatchObject({ code: 'DRILL_SAFETY' });
    expect((await sim.describe([WEB1], SOURCE))[0]!.state).toBe('running');
  });

  it('terminates run-owned instances and finds them no more once terminated', async () => {
    const { sim, clock } = makeSim();
    const [launched] = await sim.launch(launchRequest([await blueprintFor(sim, WEB1)]));
    expect((await sim.findRunOwned('run-1', TARGET)).map((i) => i.id)).toEqual([launched!.instanceId]);
    await sim.terminate([launched!.instanceId], TARGET, { runId: 'run-1', mode: 'drill' });
    expect(sim.counters.terminations).toBe(1);
    clock.advance(10_000);
    expect(await sim.findRunOwned('run-1', TARGET)).toEqual([]);
    expect((await sim.describe([launched!.instanceId], TARGET))[0]!.state).toBe('terminated');
  });

  it('stops and starts protected instances outside drills', async () => {
    const { sim, clock } = makeSim();
    const guard = { runId: 'run-2', mode: 'failback' };
    await sim.stop([WEB1], SOURCE, guard);
    clock.advance(15_000);
    expect((await sim.describe([WEB1], SOURCE))[0]!.state).toBe('stopped');
    await sim.start([WEB1], SOURCE, guard);
    clock.advance(60_000);
    expect((await sim.describe([WEB1], SOURCE))[0]).toMatchObject({ state: 'running', healthy: true });
  });

  it('describes a whole fleet in one call per 1000 ids', async () => {
    const { sim } = makeSim();
    await sim.describe([WEB1, APP1], SOURCE);
    expect(sim.counters.calls.DescribeInstances).toBe(1);
    await expect(sim.describe(['i-0nothere'], SOURCE)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('throttles calls at the configured rate with RetryAfterError', async () => {
    const { sim } = makeSim({ faults: { throttleRate: 1 } });
    const err = await sim.describe([WEB1], SOURCE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryAfterError);
    expect((err as RetryAfterError).retryAfterMs).toBeGreaterThan(0);
    expect(sim.counters.throttled).toBe(1);
  });

  it('fails every call in a region under a simulated outage', async () => {
    const { sim } = makeSim({ faults: { regionOutage: [TARGET] } });
    await expect(sim.findRunOwned('run-1', TARGET)).rejects.toMatchObject({ code: 'REGION_UNAVAILABLE' });
    expect(await sim.describe([WEB1], SOURCE)).toHaveLength(1);
  });

  it('fails a launch request with an injected launch failure, creating nothing', async () => {
    const { sim } = makeSim({ faults: { launchFailures: 1 } });
    const request = launchRequest([await blueprintFor(sim, WEB1)]);
    await expect(sim.launch(request)).rejects.toMatchObject({ code: 'LAUNCH_FAILED' });
    expect(sim.counters.launches).toBe(0);
    expect(await sim.launch(request)).toHaveLength(1);
  });
});
