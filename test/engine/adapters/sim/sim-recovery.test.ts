import { describe, expect, it } from 'vitest';
import { APP1, makeSim, SOURCE, shopWorld, TARGET, WEB1 } from './fixtures.js';

describe('SimCloud recovery points', () => {
  it('seeds hourly points in the target region, the newest 20 minutes old', async () => {
    const { sim, clock } = makeSim();
    const points = await sim.recoveryPoints(WEB1, TARGET);
    expect(points).toHaveLength(3);
    expect(points.every((p) => p.state === 'available' && p.region === TARGET)).toBe(true);
    const latest = await sim.latestRecoveryPoint(WEB1, TARGET);
    expect(clock.now() - latest!.capturedAt).toBe(20 * 60_000);
    expect(await sim.latestRecoveryPoint(WEB1, SOURCE)).toBeUndefined();
  });

  it('runs the world protection job: a new point every hour of sim time', async () => {
    const { sim, clock } = makeSim();
    const before = await sim.latestRecoveryPoint(WEB1, TARGET);
    clock.advance(41 * 60_000); // the next hourly capture is 40 minutes after start; its copy takes ~70s
    clock.advance(2 * 60_000);
    const after = await sim.latestRecoveryPoint(WEB1, TARGET);
    expect(after!.capturedAt - before!.capturedAt).toBe(60 * 60_000);
  });

  it('captures a pending point whose copy time grows with volume size', async () => {
    const { sim, clock } = makeSim();
    const fleet = await sim.listProtected({ instanceIds: [WEB1, APP1] }, SOURCE);
    const { points } = await sim.protect({
      instances: fleet,
      sourceRegion: SOURCE,
      targetRegion: TARGET,
      retention: 24,
      captureKey: 'k1',
    });
    expect(points.map((p) => p.state)).toEqual(['pending', 'pending']);
    // web-1 has 20 GiB (30s + 40s), app-1 has 80 GiB (30s + 160s)
    clock.advance(70_000);
    const web = await sim.latestRecoveryPoint(WEB1, TARGET);
    const app = await sim.latestRecoveryPoint(APP1, TARGET);
    expect(web!.capturedAt).toBe(clock.now() - 70_000);
    expect(app!.capturedAt).toBeLessThan(clock.now() - 70_000);
    clock.advance(120_000);
    expect((await sim.latestRecoveryPoint(APP1, TARGET))!.id).toBe(points[1]!.id);
  });

  it('captures once per capture key and keeps only the newest N available points (plus the pending copy)', async () => {
    const { sim } = makeSim();
    const fleet = await sim.listProtected({ instanceIds: [WEB1] }, SOURCE);
    const request = {
      instances: fleet,
      sourceRegion: SOURCE,
      targetRegion: TARGET,
      retention: 2,
      captureKey: 'k2',
    };
    const first = await sim.protect(request);
    // 3 seeded available points + 1 pending: the pending copy does not count, so one goes.
    expect(first.pruned).toHaveLength(1);
    const again = await sim.protect(request);
    expect(again.points.map((p) => p.id)).toEqual(first.points.map((p) => p.id));
    expect(again.pruned).toEqual([]);
    expect(await sim.recoveryPoints(WEB1, TARGET)).toHaveLength(3);
    expect(sim.counters.calls.CreateSnapshots).toBe(1);
  });

  it('refuses to protect into the source region itself', async () => {
    const { sim } = makeSim();
    const fleet = await sim.listProtected({ instanceIds: [WEB1] }, SOURCE);
    await expect(
      sim.protect({
        instances: fleet,
        sourceRegion: SOURCE,
        targetRegion: SOURCE,
        retention: 2,
        captureKey: 'k3',
      }),
    ).rejects.toMatchObject({ code: 'SAME_REGION' });
  });

  it('loads the world file with both tiers and a fallback-exercising type gap', () => {
    const world = shopWorld();
    expect(world.instances.filter((i) => i.tags['dr-tier'] === 'app')).toHaveLength(3);
    expect(world.instances.filter((i) => i.tags['dr-tier'] === 'db')).toHaveLength(2);
    expect(world.regions[TARGET]!.unavailableTypes).toContain('m5.large');
  });
});
