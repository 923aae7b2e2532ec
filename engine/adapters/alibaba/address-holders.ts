/**
 * Who holds a private address in a vSwitch (CloudProvider.addressHolders), on ECS: one paged
 * DescribeNetworkInterfaces per vSwitch and 100 addresses (the API's limit of PrivateIpAddress.N).
 * Interfaces, not instances, because anything may hold an address (a stopped copy, an SLB, an
 * RDS endpoint); an attached interface answers its instance id.
 */
import * as Ecs from '@alicloud/ecs20140526';
import { addressKey, type SubnetAddress } from '../../cloud/compute.js';
import { chunk, unique } from '../aws/batching.js';
import type { EcsClient } from './clients.js';
import { aliCall } from './errors.js';

const ADDRESSES_PER_CALL = 100;

export async function alibabaAddressHolders(
  client: EcsClient,
  region: string,
  addresses: readonly SubnetAddress[],
): Promise<Record<string, string>> {
  const wanted = new Set(addresses.map(addressKey));
  const held: Record<string, string> = {};
  for (const vSwitchId of unique(addresses.map((a) => a.subnetId))) {
    const ips = unique(addresses.filter((a) => a.subnetId === vSwitchId).map((a) => a.ip));
    for (const batch of chunk(ips, ADDRESSES_PER_CALL)) {
      let nextToken: string | undefined;
      do {
        const res = await aliCall(`ECS DescribeNetworkInterfaces in ${region}`, () =>
          client.describeNetworkInterfaces(
            new Ecs.DescribeNetworkInterfacesRequest({
              regionId: region,
              vSwitchId,
              privateIpAddress: batch,
              maxResults: ADDRESSES_PER_CALL,
              ...(nextToken ? { nextToken } : {}),
            }),
          ),
        );
        for (const eni of res.body?.networkInterfaceSets?.networkInterfaceSet ?? []) {
          const ipsOfEni = [
            eni.privateIpAddress,
            ...(eni.privateIpSets?.privateIpSet ?? []).map((p) => p.privateIpAddress),
          ].filter((ip): ip is string => Boolean(ip));
          for (const ip of ipsOfEni) {
            const key = addressKey({ subnetId: eni.vSwitchId ?? vSwitchId, ip });
            if (wanted.has(key)) held[key] = eni.instanceId || (eni.networkInterfaceId ?? 'an interface');
          }
        }
        nextToken = res.body?.nextToken || undefined;
      } while (nextToken);
    }
  }
  return held;
}
