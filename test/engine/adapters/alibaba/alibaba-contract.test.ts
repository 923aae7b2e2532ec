import { afterAll } from 'vitest';
import { ALIBABA_PROVIDER } from '../../../../engine/cloud/providers.js';
import { describeCloudProviderContract } from '../cloud-contract.js';
import { alibabaWorld, COMMAND, closeFakes, DOMAIN, RECORD, SOURCE, TARGET } from './fixture.js';

afterAll(closeFakes);

describeCloudProviderContract(
  'alibaba (ECS RunInstances/DescribeInstances/DeleteInstances, DescribeImages, InvokeCommand/DescribeInvocationResults, Alidns UpdateDomainRecord) against the loopback fake',
  async () => {
    const world = await alibabaWorld();
    return {
      cloud: world.cloud,
      source: SOURCE,
      target: TARGET,
      selector: { tags: { 'dr-tier': 'ecs' } },
      advance: (ms) => {
        world.fake.advance(ms);
        world.clock.advance(ms);
      },
      dns: { zone: DOMAIN, record: RECORD },
      document: COMMAND,
    };
  },
  ALIBABA_PROVIDER.capabilities,
);
