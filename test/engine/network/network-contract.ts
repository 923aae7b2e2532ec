/**
 * The NetworkCloud contract: what network.replicate relies on from every provider, run against
 * each one's test double (the sim's SimNetwork, the Alibaba loopback fake). A factory gives a
 * fresh world: the replication input (its `network` the provider under test) and a counter of
 * the provider's write calls, so "a second apply creates nothing" is checked on the wire.
 */
import { describe, expect, it } from 'vitest';
import { isIpv6 } from '../../../engine/network/cidr.js';
import { type ReplicateNetworkInput, replicateNetwork } from '../../../engine/network/replicate.js';

export interface NetworkContractFixture {
  input: ReplicateNetworkInput;
  /** How many create/authorize/associate calls the provider has made so far. */
  writes: () => number;
  /** An instance type the target region offers, and one it does not. */
  offeredType: string;
  unofferedType: string;
}

export function describeNetworkCloudContract(
  name: string,
  factory: () => NetworkContractFixture | Promise<NetworkContractFixture>,
): void {
  describe(`NetworkCloud contract: ${name}`, () => {
    it('apply: a second replication creates nothing and returns the same mapping', async () => {
      const f = await factory();
      const first = await replicateNetwork(f.input);
      expect(first.created).toBeGreaterThan(0);
      const writes = f.writes();
      const second = await replicateNetwork(f.input);
      expect(f.writes()).toBe(writes);
      expect(second.created).toBe(0);
      expect(second.mappings.map((m) => m.targetVpcId)).toEqual(first.mappings.map((m) => m.targetVpcId));
      expect(second.mappings[0]?.entries).toEqual(first.mappings[0]?.entries);
    });

    it('vpcRanges: the replica is listed with its source id and the planned range', async () => {
      const f = await factory();
      const { mappings, plans } = await replicateNetwork(f.input);
      const ranges = await f.input.network.vpcRanges(f.input.targetRegion);
      const replica = ranges.find((r) => r.vpcId === mappings[0]?.targetVpcId);
      expect(replica?.sourceId).toBe(plans[0]?.sourceVpcId);
      const planned = plans[0]?.steps.find((s) => s.kind === 'vpc');
      expect(replica?.cidrs.find((c) => !isIpv6(c))).toBe(planned?.kind === 'vpc' ? planned.cidr : undefined);
    });

    it('availabilityZones: every zone the plan maps to is one the target region offers', async () => {
      const f = await factory();
      const zones = await f.input.network.availabilityZones(f.input.targetRegion);
      const { plans } = await replicateNetwork(f.input);
      expect(zones.length).toBeGreaterThan(0);
      for (const zone of Object.values(plans[0]?.zones ?? {})) expect(zones).toContain(zone);
    });

    it('offeredInstanceTypes: the subset of the asked types the region offers', async () => {
      const f = await factory();
      const asked = [f.offeredType, f.unofferedType];
      expect(await f.input.network.offeredInstanceTypes(f.input.targetRegion, asked)).toEqual([
        f.offeredType,
      ]);
    });
  });
}
