/**
 * What `drbot network replicate` refuses before touching the target region: a cross-zone pair
 * (both sides in one region share their VPC: a copy there would be a second, unconnected
 * network), and protected subnets the network cloud does not describe (an empty plan used to
 * print "replicated, created 0" while the doctor kept asking for the mapping).
 */
import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import type { Instance } from '../../../engine/cloud/compute.js';
import type { NetworkCloud } from '../../../engine/network/ports.js';
import { planNetwork, type ReplicateNetworkInput } from '../../../engine/network/replicate.js';

const calls: string[] = [];
const network = {
  name: 'fake',
  discover: async () => {
    calls.push('discover');
    return [];
  },
  availabilityZones: async () => ['r2-a'],
  vpcRanges: async () => [],
  apply: async () => {
    calls.push('apply');
    throw new Error('must not apply');
  },
} as unknown as NetworkCloud;

const instance = {
  id: 'i-1',
  subnetId: 'vsw-1',
  securityGroups: [],
  tags: {},
  state: 'running',
} as unknown as Instance;
const input = (over: Partial<ReplicateNetworkInput>): ReplicateNetworkInput => ({
  network,
  store: new MemoryRunStore(),
  clock: { now: () => 0 },
  runbook: 'zone-tier',
  sourceRegion: 'r1',
  targetRegion: 'r2',
  instances: [instance],
  ...over,
});

describe('planNetwork refusals', () => {
  it('a cross-zone pair (one region): NETWORK_PLAN_INVALID, nothing described or applied', async () => {
    calls.length = 0;
    const err = await planNetwork(input({ targetRegion: 'r1' })).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'NETWORK_PLAN_INVALID',
      message: 'zone-tier needs no network replication: both sides are in r1',
    });
    expect((err as { action: string }).action).toContain('drbot blueprint zone-tier');
    expect(calls).toEqual([]);
  });

  it('no VPC found for the protected subnets: a refusal naming them, not an empty "replicated"', async () => {
    calls.length = 0;
    const err = await planNetwork(input({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NETWORK_PLAN_INVALID', context: { subnetIds: ['vsw-1'] } });
    expect((err as Error).message).toBe('Found no VPC holding the subnets of zone-tier in r1');
    expect(calls).toEqual(['discover']);
  });
});
