import { describe, expect, it } from 'vitest';
import { APP1, blueprintFor, launchRequest, makeSim, SOURCE, TARGET, WEB1 } from './fixtures.js';

describe('the sim is as strict as the cloud', () => {
  it('retention never counts or deletes pending points (as the AWS adapter)', async () => {
    const { sim } = makeSim();
    const before = await sim.recoveryPoints(WEB1, TARGET);
    expect(before.filter((p) => p.state === 'available')).toHaveLength(3);
    const fleet = await sim.listProtected({ instanceIds: [WEB1] }, SOURCE);
    const { points, pruned } = await sim.protect({
      instances: fleet,
      sourceRegion: SOURCE,
      targetRegion: TARGET,
      retention: 1,
      captureKey: 'strict-1',
    });
    expect(points.map((p) => p.state)).toEqual(['pending']);
    const after = await sim.recoveryPoints(WEB1, TARGET);
    // The newest available point stays launchable while the new copy is still pending.
    expect(after.filter((p) => p.state === 'available').map((p) => p.id)).toEqual([before[0]!.id]);
    expect(after.filter((p) => p.state === 'pending').map((p) => p.id)).toEqual([points[0]!.id]);
    expect(pruned).toEqual(before.slice(1).map((p) => p.id));
    expect(await sim.latestRecoveryPoint(WEB1, TARGET)).toMatchObject({ id: before[0]!.id });
  });

  it('refuses a private IP that a live instance of the subnet holds (InvalidIPAddress.InUse)', async () => {
    const { sim } = makeSim();
    const subnetId = 'subnet-0w2a0001';
    const first = await blueprintFor(sim, WEB1, { subnetId, privateIp: '10.1.1.50' });
    await sim.launch(launchRequest([first], 'run-1:a:1'));
    const second = await blueprintFor(sim, APP1, { subnetId, privateIp: '10.1.1.50' });
    await expect(sim.launch(launchRequest([second], 'run-1:b:1'))).rejects.toMatchObject({
      code: 'IP_ADDRESS_IN_USE',
      message: expect.stringContaining('InvalidIPAddress.InUse'),
    });
    expect(sim.counters.launches).toBe(1);
  });

  it('refuses one IP twice in one launch and creates nothing', async () => {
    const { sim } = makeSim();
    const subnetId = 'subnet-0w2a0001';
    const blueprints = [
      await blueprintFor(sim, WEB1, { subnetId, privateIp: '10.1.1.60' }),
      await blueprintFor(sim, APP1, { subnetId, privateIp: '10.1.1.60' }),
    ];
    await expect(sim.launch(launchRequest(blueprints))).rejects.toMatchObject({ code: 'IP_ADDRESS_IN_USE' });
    expect(sim.counters.launches).toBe(0);
  });

  it('frees the address once the holder is terminated, and other subnets are separate', async () => {
    const { sim, clock } = makeSim();
    const subnetId = 'subnet-0w2a0001';
    const [held] = await sim.launch(
      launchRequest([await blueprintFor(sim, WEB1, { subnetId, privateIp: '10.1.1.70' })], 'run-1:a:1'),
    );
    clock.advance(60_000);
    await sim.terminate([held!.instanceId], TARGET, { runId: 'run-1', mode: 'drill' });
    clock.advance(60_000);
    const again = await sim.launch(
      launchRequest([await blueprintFor(sim, APP1, { subnetId, privateIp: '10.1.1.70' })], 'run-1:b:1'),
    );
    expect(again[0]?.privateIp).toBe('10.1.1.70');
  });
});
