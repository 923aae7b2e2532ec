import { FakeClock } from '../../../../engine/adapters/memory/clock.js';
import { SIM_PROVIDER } from '../../../../engine/cloud/providers.js';
import { describeCloudProviderContract } from '../cloud-contract.js';
import { makeSim } from './fixtures.js';

describeCloudProviderContract(
  'sim',
  () => {
    const clock = new FakeClock();
    const { sim } = makeSim({ clock });
    return {
      cloud: sim,
      source: 'us-east-1',
      target: 'us-west-2',
      selector: { tags: { 'dr-tier': 'app' } },
      advance: (ms) => clock.advance(ms),
      dns: { zone: 'Z0DRBOTSHOP', record: 'shop.example.com' },
      document: 'AWS-RunShellScript',
    };
  },
  SIM_PROVIDER.capabilities,
);
