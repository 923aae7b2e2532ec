import { describe, expect, it } from 'vitest';
import { FakeClock, SeededRandom } from '../../../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../../../engine/adapters/memory/store.js';
import { loadSimNetworkSeed, SimNetwork } from '../../../../../engine/adapters/sim/network/index.js';
import { SimCloud } from '../../../../../engine/adapters/sim/sim-cloud.js';
import { loadWorld } from '../../../../../engine/adapters/sim/world-load.js';
import { createBlueprintSource } from '../../../../../engine/network/blueprint-source.js';
import { diagnose } from '../../../../../engine/network/doctor.js';
import { gatherDoctorFacts } from '../../../../../engine/network/doctor-facts.js';
import { loadRunbookMapping } from '../../../../../engine/network/mapping-store.js';
import { replicateNetwork } from '../../../../../engine/network/replicate.js';
import { worldText } from './world-network.js';

function setup() {
  const text = worldText();
  const world = loadWorld(text);
  const clock = new FakeClock();
  const cloud = new SimCloud({ world, clock, random: new SeededRandom(1) });
  const network = new SimNetwork({ world, seed: loadSimNetworkSeed(text) });
  const store = new MemoryRunStore();
  return { world, clock, cloud, network, store };
}

const runbook = {
  metadata: { name: 'app-tier' },
  spec: {
    source: { region: 'us-east-1' },
    target: { region: 'us-west-2' },
    objectives: { rto: '15m', rpo: '1h' },
    protect: { tags: { 'dr-tier': 'app' } },
    defaults: { instanceType: 't3.large' },
    modes: {},
  },
} as never;

describe('SimNetwork', () => {
  it('replicates the seeded VPC with a remap, converges on a second run, and stores the mapping', async () => {
    const { cloud, network, store, clock } = setup();
    const instances = await cloud.listProtected({ tags: { 'dr-tier': 'app' } }, 'us-east-1');
    const input = {
      network,
      store,
      clock,
      runbook: 'app-tier',
      sourceRegion: 'us-east-1',
      targetRegion: 'us-west-2',
      instances,
      cidrRemap: { from: '10.0.0.0/16', to: '20.0.0.0/16' },
    };
    const first = await replicateNetwork(input);
    expect(first.created).toBeGreaterThan(10);
    const creates = network.snapshot().creates;
    const second = await replicateNetwork(input);
    expect(second.created).toBe(0);
    expect(network.snapshot().creates).toBe(creates);
    expect(second.mappings[0]?.entries).toEqual(first.mappings[0]?.entries);

    const mapping = await loadRunbookMapping(store, 'app-tier');
    const target = mapping.lookupTarget('subnet-0e1b0002')!;
    expect(network.subnet('us-west-2', target)).toMatchObject({ cidr: '20.0.2.0/24', zone: 'us-west-2b' });
    expect(mapping.lookupSource(target)).toBe('subnet-0e1b0002');
    expect(mapping.targetIp('10.0.2.12')).toBe('20.0.2.12');
  });

  it('blueprints fall back from m5.large (not offered in us-west-2) and read the mapping both ways', async () => {
    const { cloud, network, store, clock } = setup();
    const instances = await cloud.listProtected({ tags: { 'dr-tier': 'app' } }, 'us-east-1');
    await replicateNetwork({
      network,
      store,
      clock,
      runbook: 'app-tier',
      sourceRegion: 'us-east-1',
      targetRegion: 'us-west-2',
      instances,
    });
    const source = createBlueprintSource({ store, network });
    const blueprints = await source.blueprints({
      runbook,
      mode: 'drill',
      instances,
      points: {},
      region: 'us-west-2',
    });
    const app = blueprints.find((b) => b.sourceInstanceId === 'i-0a11app00000003');
    expect(app).toMatchObject({ instanceType: 't3.large', fellBackFrom: 'm5.large', privateIp: '10.0.1.21' });
    expect(app?.notes[0]).toMatch(/m5\.large is not offered in us-west-2/);
    const mapping = await loadRunbookMapping(store, 'app-tier');
    expect(mapping.lookupSource(app!.subnetId!)).toBe('subnet-0e1a0001');
    expect(app?.securityGroups?.map((g) => mapping.lookupSource(g))).toEqual(['sg-0e1app']);
  });

  it('the doctor warns before replication (the sim has ready-made networks) and only about the type fallback after it', async () => {
    const { cloud, network, store, clock } = setup();
    const before = diagnose(await gatherDoctorFacts({ cloud, network, store, runbook, now: clock.now() }));
    // the sim's ready-made drill and production networks take launches without a mapping
    expect(before.findings.find((f) => f.code === 'NO_NETWORK_MAPPING')?.severity).toBe('warning');
    const instances = await cloud.listProtected({ tags: { 'dr-tier': 'app' } }, 'us-east-1');
    await replicateNetwork({
      network,
      store,
      clock,
      runbook: 'app-tier',
      sourceRegion: 'us-east-1',
      targetRegion: 'us-west-2',
      instances,
    });
    const after = diagnose(await gatherDoctorFacts({ cloud, network, store, runbook, now: clock.now() }));
    expect(after.findings.map((f) => [f.code, f.severity])).toEqual([
      ['INSTANCE_TYPE_UNAVAILABLE', 'warning'],
    ]);
    expect(after.blocking).toBe(false);
  });
});
