/** The NetworkCloud contract against the Alibaba Cloud provider and its loopback fake. */
import { afterAll } from 'vitest';
import { describeNetworkCloudContract } from '../../network/network-contract.js';
import { closeFakes, SOURCE, TARGET } from './fixture.js';
import { networkWorld, REMAP, RUNBOOK } from './network-fixture.js';

afterAll(closeFakes);

const WRITES = /^(Create|Associate|Authorize|Tag)/;

describeNetworkCloudContract('alibaba (loopback fake)', async () => {
  const w = await networkWorld();
  return {
    input: {
      network: w.network,
      store: w.store,
      clock: w.clock,
      runbook: RUNBOOK,
      sourceRegion: SOURCE,
      targetRegion: TARGET,
      instances: await w.cloud.listProtected({ tags: { 'dr-tier': 'ecs' } }, SOURCE),
      cidrRemap: REMAP,
    },
    writes: () => w.fake.calls.filter((c) => WRITES.test(c.action)).length,
    offeredType: 'ecs.g7.large',
    unofferedType: 'ecs.r9.huge',
  };
});
