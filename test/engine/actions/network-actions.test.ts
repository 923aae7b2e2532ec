import { describe, expect, it } from 'vitest';
import { createActionRegistry, createCloudActions } from '../../../engine/actions/registry.js';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import { loadSimNetworkSeed, SimNetwork } from '../../../engine/adapters/sim/network/index.js';
import { SimCloud } from '../../../engine/adapters/sim/sim-cloud.js';
import { loadWorld } from '../../../engine/adapters/sim/world-load.js';
import type { Instance } from '../../../engine/cloud/compute.js';
import { loadRunbookMapping } from '../../../engine/network/mapping-store.js';
import { worldText } from '../adapters/sim/network/world-network.js';
import { runAction } from './fixtures.js';

const REMAP = { from: '10.0.0.0/16', to: '20.0.0.0/16' };

function setup() {
  const text = worldText();
  const world = loadWorld(text);
  const clock = new FakeClock();
  const network = new SimNetwork({ world, seed: loadSimNetworkSeed(text) });
  const sim = new SimCloud({ world, clock, random: new SeededRandom(7), network });
  const store = new MemoryRunStore();
  const actions = createCloudActions({ cloud: sim, store, network });
  return { clock, sim, network, store, actions };
}

type Env = ReturnType<typeof setup>;

async function launch(env: Env, launchType: 'TEST' | 'CUTOVER', mode: 'drill' | 'failover' | 'failback') {
  const gate = await runAction(env.actions['recovery.latestPoint']!, env.clock, {}, { mode });
  const { result, notes } = await runAction(
    env.actions['ec2.launch']!,
    env.clock,
    { launchType, from: gate.result.outputs!.points },
    { mode, runId: `run-${mode}` },
  );
  const ids = result.outputs!.instanceIds as string[];
  const region = mode === 'failback' ? 'us-east-1' : 'us-west-2';
  return { result, notes, described: await env.sim.describe(ids, region) };
}

const originals = (env: Env) => env.sim.listProtected({ tags: { 'dr-tier': 'app' } }, 'us-east-1');
const source = (i: Instance) => i.tags['drbot:source-instance']!;

describe('network.replicate and ec2.launch over the mapping', () => {
  it('replicates through the action, keeping a stored remap when the step gives none', async () => {
    const env = setup();
    const first = await runAction(
      env.actions['network.replicate']!,
      env.clock,
      { cidrRemap: REMAP },
      { mode: 'failover' },
    );
    expect(first.result.outputs).toMatchObject({
      vpcs: { 'vpc-0e1shop': expect.stringMatching(/^vpc-sim/) },
    });
    expect(first.result.outputs!.created).toBeGreaterThan(10);
    const again = await runAction(env.actions['network.replicate']!, env.clock, {}, { mode: 'failover' });
    expect(again.result.outputs).toMatchObject({ created: 0, vpcs: first.result.outputs!.vpcs });
    expect((await loadRunbookMapping(env.store, 'app-tier')).vpcs[0]?.cidrRemap).toEqual(REMAP);
  });

  it('refuses to run in failback: the way home reads the mapping in reverse', async () => {
    const env = setup();
    await expect(
      runAction(env.actions['network.replicate']!, env.clock, {}, { mode: 'failback' }),
    ).rejects.toMatchObject({ code: 'NETWORK_REPLICATE_FAILBACK' });
  });

  it('launches a CUTOVER into the mapped subnets, groups and remapped addresses', async () => {
    const env = setup();
    await runAction(env.actions['network.replicate']!, env.clock, { cidrRemap: REMAP }, { mode: 'failover' });
    const mapping = await loadRunbookMapping(env.store, 'app-tier');
    const { described, result } = await launch(env, 'CUTOVER', 'failover');
    const byId = new Map((await originals(env)).map((i) => [i.id, i]));
    for (const i of described) {
      const original = byId.get(source(i))!;
      expect(i.subnetId).toBe(mapping.lookupTarget(original.subnetId!));
      expect(i.privateIp).toBe(mapping.targetIp(original.privateIp!));
      expect(i.securityGroups).toEqual(original.securityGroups.map((g) => mapping.lookupTarget(g)));
    }
    expect((result.outputs!.privateIps as string[]).every((ip) => ip.startsWith('20.0.'))).toBe(true);
    // m5.large is not offered in us-west-2: the blueprint chose the default and the output says so
    expect(result.outputs!.instances).toContainEqual(
      expect.objectContaining({
        sourceInstanceId: 'i-0a11app00000003',
        instanceType: 't3.large',
        fellBackFrom: 'm5.large',
      }),
    );
  });

  it('launches drill copies in the mapped subnets without production addresses', async () => {
    const env = setup();
    await runAction(env.actions['network.replicate']!, env.clock, { cidrRemap: REMAP }, { mode: 'failover' });
    const mapping = await loadRunbookMapping(env.store, 'app-tier');
    const { described, result } = await launch(env, 'TEST', 'drill');
    const production = new Set(
      (await originals(env)).flatMap((o) => [o.privateIp, o.privateIp?.replace(/^10\./, '20.')]),
    );
    for (const i of described) {
      expect(mapping.lookupSource(i.subnetId!)).toBeDefined();
      // the subnet gives the copy an address of its own (as EC2 does): never one production uses
      expect(i.privateIp).toBeDefined();
      expect(production.has(i.privateIp)).toBe(false);
    }
    expect(result.outputs!.privateIps).toHaveLength(3);
  });

  it('fails back through the reverse mapping onto the original subnets and addresses', async () => {
    const env = setup();
    await runAction(env.actions['network.replicate']!, env.clock, { cidrRemap: REMAP }, { mode: 'failover' });
    await launch(env, 'CUTOVER', 'failover');
    env.clock.advance(120_000);
    await runAction(env.actions['recovery.protect']!, env.clock, {}, { mode: 'failback' });
    const before = await originals(env);
    // The old site's instances are gone before this failback lands on their addresses (the next
    // test covers a failback while they still hold them).
    await env.sim.terminate(
      before.map((i) => i.id),
      'us-east-1',
      { runId: 'run-failback', mode: 'failback' },
    );
    env.clock.advance(60_000);
    const { described } = await launch(env, 'CUTOVER', 'failback');
    const byIp = new Map(before.map((i) => [i.privateIp, i]));
    expect(described).toHaveLength(3);
    for (const i of described) {
      const original = byIp.get(i.privateIp)!;
      expect(original).toBeDefined();
      expect(i.subnetId).toBe(original.subnetId);
      expect(i.securityGroups).toEqual(original.securityGroups);
    }
  });

  it('fails back onto the original subnets while the originals still hold their addresses: fresh ones, said in the audit', async () => {
    const env = setup();
    await runAction(env.actions['network.replicate']!, env.clock, { cidrRemap: REMAP }, { mode: 'failover' });
    await launch(env, 'CUTOVER', 'failover');
    env.clock.advance(120_000);
    await runAction(env.actions['recovery.protect']!, env.clock, {}, { mode: 'failback' });
    const before = await originals(env);
    // EC2 gives an address of a subnet to one instance (InvalidIPAddress.InUse): asking for the
    // originals' addresses would fail the failback at the worst moment
    const { described, notes } = await launch(env, 'CUTOVER', 'failback');
    expect(described).toHaveLength(3);
    const held = new Set(before.map((o) => o.privateIp));
    const subnets = new Set(before.map((o) => o.subnetId));
    for (const i of described) {
      expect(subnets.has(i.subnetId)).toBe(true);
      expect(i.privateIp).toBeDefined();
      expect(held.has(i.privateIp)).toBe(false);
    }
    expect(notes.filter((n) => n.includes('is still held by'))).toHaveLength(3);
    // the originals are left as they were: retiring them is the operator's choice
    const after = await env.sim.describe(
      before.map((o) => o.id),
      'us-east-1',
    );
    expect(after.map((o) => [o.state, o.privateIp])).toEqual(before.map((o) => [o.state, o.privateIp]));
  });

  it('without a mapping launches into the network profile, never at the source addresses, no extra notes', async () => {
    const env = setup();
    const { described, result, notes } = await launch(env, 'TEST', 'drill');
    expect(described.every((i) => i.subnetId === 'subnet-0w2d0003')).toBe(true);
    const ips = result.outputs!.privateIps as string[];
    expect(ips).toHaveLength(3);
    for (const production of ['10.0.1.11', '10.0.2.12', '10.0.1.21']) expect(ips).not.toContain(production);
    expect(notes.filter((n) => n.includes('no mapping'))).toEqual([]);
    expect(notes.some((n) => n.includes('as t3.large') && n.includes('m5.large'))).toBe(true);
  });

  it('registers network.replicate only with a network and a store, saying what is missing otherwise', async () => {
    const env = setup();
    const full = createActionRegistry({ cloud: env.sim, network: env.network, store: env.store });
    expect(full.get('network.replicate')?.spec.mutating).toBe(true);
    const bare = createActionRegistry({ cloud: env.sim });
    await expect(
      runAction(bare.get('network.replicate')!.handler!, env.clock, {}, { mode: 'failover' }),
    ).rejects.toMatchObject({ code: 'NETWORK_UNAVAILABLE' });
  });
});
