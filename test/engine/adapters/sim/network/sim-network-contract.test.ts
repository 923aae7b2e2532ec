/** The NetworkCloud contract against the sim's SimNetwork (the seeded us-east-1 VPC → us-west-2). */
import { FakeClock, SeededRandom } from '../../../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../../../engine/adapters/memory/store.js';
import { loadSimNetworkSeed, SimNetwork } from '../../../../../engine/adapters/sim/network/index.js';
import { SimCloud } from '../../../../../engine/adapters/sim/sim-cloud.js';
import { loadWorld } from '../../../../../engine/adapters/sim/world-load.js';
import { describeNetworkCloudContract } from '../../../network/network-contract.js';
import { worldText } from './world-network.js';

describeNetworkCloudContract('sim', async () => {
  const text = worldText();
  const world = loadWorld(text);
  const target = world.regions['us-west-2'];
  if (target) target.unavailableTypes = ['p5.48xlarge'];
  const clock = new FakeClock();
  const cloud = new SimCloud({ world, clock, random: new SeededRandom(1) });
  const network = new SimNetwork({ world, seed: loadSimNetworkSeed(text) });
  return {
    input: {
      network,
      store: new MemoryRunStore(),
      clock,
      runbook: 'app-tier',
      sourceRegion: 'us-east-1',
      targetRegion: 'us-west-2',
      instances: await cloud.listProtected({ tags: { 'dr-tier': 'app' } }, 'us-east-1'),
      cidrRemap: { from: '10.0.0.0/16', to: '20.0.0.0/16' },
    },
    writes: () => network.snapshot().creates,
    offeredType: 't3.large',
    unofferedType: 'p5.48xlarge',
  };
});
