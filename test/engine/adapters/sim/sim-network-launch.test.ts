import { describe, expect, it } from 'vitest';
import { FakeClock, SeededRandom } from '../../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../../engine/adapters/memory/store.js';
import { loadSimNetworkSeed, SimNetwork } from '../../../../engine/adapters/sim/network/index.js';
import { SimCloud } from '../../../../engine/adapters/sim/sim-cloud.js';
import { loadWorld } from '../../../../engine/adapters/sim/world-load.js';
import { loadRunbookMapping } from '../../../../engine/network/mapping-store.js';
import { replicateNetwork } from '../../../../engine/network/replicate.js';
import { blueprintFor, launchRequest, SOURCE, TARGET, WEB1 } from './fixtures.js';
import { worldText } from './network/world-network.js';

/** A sim holding its network, with the app tier's VPC replicated to us-west-2 (remapped to 20.0/16). */
async function replicated(withNetwork = true) {
  const text = worldText();
  const world = loadWorld(text);
  const clock = new FakeClock();
  const network = new SimNetwork({ world, seed: loadSimNetworkSeed(text) });
  const sim = new SimCloud({
    world,
    clock,
    random: new SeededRandom(1),
    ...(withNetwork ? { network } : {}),
  });
  const store = new MemoryRunStore();
  await replicateNetwork({
    network,
    store,
    clock,
    runbook: 'app-tier',
    sourceRegion: SOURCE,
    targetRegion: TARGET,
    instances: await sim.listProtected({ tags: { 'dr-tier': 'app' } }, SOURCE),
    cidrRemap: { from: '10.0.0.0/16', to: '20.0.0.0/16' },
  });
  const mapping = await loadRunbookMapping(store, 'app-tier');
  return { sim, network, mapping };
}

describe('SimCloud launches into its network', () => {
  it('accepts a replicated subnet and takes the zone from the network', async () => {
    const { sim, network, mapping } = await replicated();
    expect(sim.network).toBe(network);
    const subnet = mapping.lookupTarget('subnet-0e1b0002')!;
    const group = mapping.lookupTarget('sg-0e1web')!;
    const bp = await blueprintFor(sim, WEB1, {
      subnetId: subnet,
      privateIp: '20.0.2.12',
      securityGroups: [group],
    });
    const [launched] = await sim.launch(launchRequest([bp]));
    const [instance] = await sim.describe([launched!.instanceId], TARGET);
    expect(instance).toMatchObject({
      subnetId: subnet,
      zone: 'us-west-2b',
      privateIp: '20.0.2.12',
      securityGroups: [group],
    });
  });

  it('still refuses a subnet that neither the world nor the network knows, launching nothing', async () => {
    const { sim } = await replicated();
    const bp = await blueprintFor(sim, WEB1, { subnetId: 'subnet-nowhere' });
    await expect(sim.launch(launchRequest([bp]))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(sim.counters.launches).toBe(0);
  });

  it('refuses a replicated subnet when the sim was built without the network', async () => {
    const { sim, mapping } = await replicated(false);
    expect(sim.network).toBeUndefined();
    const bp = await blueprintFor(sim, WEB1, { subnetId: mapping.lookupTarget('subnet-0e1a0001')! });
    await expect(sim.launch(launchRequest([bp]))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('places a world subnet in its world zone, as before', async () => {
    const { sim } = await replicated();
    const [launched] = await sim.launch(
      launchRequest([await blueprintFor(sim, WEB1, { subnetId: 'subnet-0w2b0002' })]),
    );
    const [instance] = await sim.describe([launched!.instanceId], TARGET);
    expect(instance).toMatchObject({ subnetId: 'subnet-0w2b0002', zone: 'us-west-2b' });
  });
});
