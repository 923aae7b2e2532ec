/**
 * network.drillVpc / network.deleteDrillVpc / ec2.launch drillNetwork on the sim: the VPC is
 * created once per run in the zones the copies need, the launch places the copies in it, the
 * deletion waits while a copy is still inside, and each refusal says what to do.
 */
import { describe, expect, it } from 'vitest';
import { createCloudActions } from '../../../engine/actions/registry.js';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { loadSimNetworkSeed, SimNetwork } from '../../../engine/adapters/sim/network/index.js';
import { SimCloud } from '../../../engine/adapters/sim/sim-cloud.js';
import { loadWorld } from '../../../engine/adapters/sim/world-load.js';
import { drillZones, pickDrillCidr } from '../../../engine/network/drill-vpc.js';
import { worldText } from '../adapters/sim/network/world-network.js';
import { RUNBOOK, runAction } from './fixtures.js';

function setup() {
  const text = worldText();
  const world = loadWorld(text);
  const clock = new FakeClock();
  const network = new SimNetwork({ world, seed: loadSimNetworkSeed(text) });
  const sim = new SimCloud({ world, clock, random: new SeededRandom(7), network });
  const actions = createCloudActions({ cloud: sim, network });
  return { clock, sim, network, actions };
}

async function drillVpc(env: ReturnType<typeof setup>, runId = 'run-1') {
  return (await runAction(env.actions['network.drillVpc']!, env.clock, {}, { runId })).result.outputs!;
}

describe('network.drillVpc', () => {
  it("creates one VPC per run, reused by a second attempt, in the protected zones' letters", async () => {
    const env = setup();
    const first = await drillVpc(env);
    const again = await drillVpc(env);
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.vpcId).toBe(first.vpcId);
    expect(env.network.snapshot().drillVpcsCreated).toBe(1);
    const zones = Object.keys((first.network as { subnets: Record<string, string> }).subnets);
    const protectedZones = (await env.sim.listProtected({ tags: { 'dr-tier': 'app' } }, 'us-east-1')).map(
      (i) => i.zone,
    );
    expect(zones).toEqual(drillZones(protectedZones, await env.network.availabilityZones('us-west-2')));
  });

  it('refuses outside a drill and without a network cloud that can create one', async () => {
    const env = setup();
    await expect(
      runAction(env.actions['network.drillVpc']!, env.clock, {}, { mode: 'failover' }),
    ).rejects.toMatchObject({ code: 'DRILL_VPC_NOT_DRILL' });
    const bare = createCloudActions({ cloud: env.sim });
    await expect(runAction(bare['network.drillVpc']!, env.clock, {})).rejects.toMatchObject({
      code: 'DRILL_VPC_UNAVAILABLE',
      action: expect.stringContaining('drbot network replicate'),
    });
  });
});

describe('ec2.launch drillNetwork and network.deleteDrillVpc', () => {
  it("launches every TEST copy into the run's VPC; the deletion waits until they are terminated", async () => {
    const env = setup();
    const vpc = await drillVpc(env);
    const gate = await runAction(env.actions['recovery.latestPoint']!, env.clock, {});
    const launched = await runAction(env.actions['ec2.launch']!, env.clock, {
      launchType: 'TEST',
      from: gate.result.outputs!.points,
      drillNetwork: vpc.network,
    });
    const ids = launched.result.outputs!.instanceIds as string[];
    const copies = await env.sim.describe(ids, 'us-west-2');
    expect(copies.map((c) => c.subnetId).every((s) => (vpc.subnetIds as string[]).includes(s!))).toBe(true);
    expect(copies.every((c) => c.securityGroups?.join() === vpc.securityGroupId)).toBe(true);

    const remove = env.actions['network.deleteDrillVpc']!;
    const blocked = await remove.start({
      runId: 'run-1',
      stepId: 'delete-vpc',
      stepKey: 'cleanup:delete-vpc',
      attempt: 1,
      idempotencyKey: 'run-1:cleanup:delete-vpc:1',
      mode: 'drill',
      runbook: RUNBOOK,
      initiator: 'alice',
      params: {},
      inputs: {},
      runStartedAt: env.clock.now(),
      now: () => env.clock.now(),
      note: () => undefined,
    });
    expect(blocked).toMatchObject({ status: 'pending', handle: { blockedBy: expect.arrayContaining(ids) } });
    await runAction(env.actions['ec2.terminate']!, env.clock, { runOwned: true });
    const { result } = await runAction(remove, env.clock, {});
    expect(result.outputs!.deleted).toContain(vpc.vpcId);
    expect(env.network.snapshot().topologies['us-west-2']!.some((t) => t.vpc.id === vpc.vpcId)).toBe(false);
    // resumed after it finished: nothing left, nothing to do
    expect((await runAction(remove, env.clock, {})).result.outputs!.deleted).toEqual([]);
  });

  it('refuses drillNetwork on a CUTOVER launch', async () => {
    const env = setup();
    const vpc = await drillVpc(env);
    await expect(
      runAction(
        env.actions['ec2.launch']!,
        env.clock,
        { launchType: 'CUTOVER', drillNetwork: vpc.network },
        { mode: 'failover' },
      ),
    ).rejects.toMatchObject({ code: 'DRILL_NETWORK_CUTOVER' });
  });
});

describe('drill VPC ranges and zones', () => {
  it('picks the first /16 that overlaps no VPC of the region', () => {
    expect(pickDrillCidr(['10.0.0.0/16'])).toBe('10.200.0.0/16');
    expect(pickDrillCidr(['10.200.0.0/16', '10.201.4.0/24'])).toBe('10.202.0.0/16');
    expect(pickDrillCidr(['10.0.0.0/8'])).toBe('172.16.0.0/16');
    expect(pickDrillCidr(['10.0.0.0/8', '172.16.0.0/12'])).toBeUndefined();
  });

  it('maps source zones to the same letter on the recovery side, else the first zone', () => {
    expect(drillZones(['us-east-1a', 'us-east-1b', 'us-east-1a'], ['us-west-2b', 'us-west-2a'])).toEqual([
      'us-west-2a',
      'us-west-2b',
    ]);
    expect(drillZones(['us-east-1f', undefined], ['us-west-2a', 'us-west-2b'])).toEqual(['us-west-2a']);
  });
});
