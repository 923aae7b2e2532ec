import { describe, expect, it } from 'vitest';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import { loadSimNetworkSeed, SimNetwork } from '../../../engine/adapters/sim/network/index.js';
import { SimCloud } from '../../../engine/adapters/sim/sim-cloud.js';
import { loadWorld } from '../../../engine/adapters/sim/world-load.js';
import type { CidrRemap } from '../../../engine/network/cidr.js';
import { loadRunbookMapping, MAPPING_DOC_KIND, mappingKey } from '../../../engine/network/mapping-store.js';
import { replicateNetwork } from '../../../engine/network/replicate.js';
import { worldText } from '../adapters/sim/network/world-network.js';

const REMAP = { from: '10.0.0.0/16', to: '20.0.0.0/16' };

function setup() {
  const text = worldText();
  const world = loadWorld(text);
  const clock = new FakeClock();
  const network = new SimNetwork({ world, seed: loadSimNetworkSeed(text) });
  const sim = new SimCloud({ world, clock, random: new SeededRandom(7), network });
  const store = new MemoryRunStore();
  const replicate = async (cidrRemap?: CidrRemap) =>
    replicateNetwork({
      network,
      store,
      clock,
      runbook: 'app-tier',
      sourceRegion: 'us-east-1',
      targetRegion: 'us-west-2',
      instances: await sim.listProtected({ tags: { 'dr-tier': 'app' } }, 'us-east-1'),
      ...(cidrRemap ? { cidrRemap } : {}),
    });
  const replicaRange = async (vpcId: string) =>
    (await network.vpcRanges('us-west-2')).find((r) => r.vpcId === vpcId)?.cidrs[0];
  return { store, network, replicate, replicaRange };
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ code?: string; message: string; action?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string; message: string; action?: string };
  }
  throw new Error('expected a rejection');
}

describe('network replicate: the stored mapping matches the real replica', () => {
  it('refuses a remap onto a replica created without it, with the remedy, and changes nothing', async () => {
    const env = setup();
    const first = await env.replicate();
    const vpc = first.mappings[0]!.targetVpcId;
    expect(await env.replicaRange(vpc)).toBe('10.0.0.0/16');
    const err = await rejection(env.replicate(REMAP));
    expect(err.code).toBe('REPLICA_CIDR_MISMATCH');
    expect(err.message).toContain('has 10.0.0.0/16, but this replication plans 20.0.0.0/16');
    expect(err.action).toContain(`delete ${vpc}`);
    const mapping = await loadRunbookMapping(env.store, 'app-tier');
    expect(mapping.vpcs[0]?.cidrRemap).toBeUndefined();
    expect(await env.replicaRange(vpc)).toBe('10.0.0.0/16');
  });

  it('keeps the remap of a remapped replica when replicating again without one', async () => {
    const env = setup();
    const first = await env.replicate(REMAP);
    const again = await env.replicate();
    expect(again.created).toBe(0);
    expect(again.mappings[0]?.cidrRemap).toEqual(REMAP);
    expect(again.notes.join('\n')).toContain('Kept the CIDR remap 10.0.0.0/16 → 20.0.0.0/16');
    expect(await env.replicaRange(first.mappings[0]!.targetVpcId)).toBe('20.0.0.0/16');
  });

  it('infers the remap from the replica when the stored mapping lost it', async () => {
    const env = setup();
    const first = await env.replicate(REMAP);
    const doc = first.mappings[0]!;
    const { cidrRemap: _, ...lost } = doc;
    await env.store.putDoc(MAPPING_DOC_KIND, mappingKey(doc.sourceRegion, doc.sourceVpcId), lost);
    const again = await env.replicate();
    expect((await loadRunbookMapping(env.store, 'app-tier')).vpcs[0]?.cidrRemap).toEqual(REMAP);
    expect(again.mappings[0]?.targetVpcId).toBe(doc.targetVpcId);
  });

  it('refuses an explicit identity remap onto a remapped replica', async () => {
    const env = setup();
    await env.replicate(REMAP);
    const err = await rejection(env.replicate({ from: '10.0.0.0/16', to: '10.0.0.0/16' }));
    expect(err.code).toBe('REPLICA_CIDR_MISMATCH');
    expect(err.action).toContain('--cidr-remap 10.0.0.0/16=20.0.0.0/16');
  });
});
