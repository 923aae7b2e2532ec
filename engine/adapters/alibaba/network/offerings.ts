/**
 * The instance types a region offers (ECS DescribeAvailableResource, DestinationResource
 * InstanceType, pay-as-you-go): a type counts when at least one Available zone has it Available
 * (not SoldOut), since a launch's vSwitch decides the zone later.
 */
import * as Ecs from '@alicloud/ecs20140526';
import type { EcsClient } from '../clients.js';
import { aliCall } from '../errors.js';

export async function offeredTypes(
  client: EcsClient,
  region: string,
  types: readonly string[],
): Promise<string[]> {
  if (types.length === 0) return [];
  const res = await aliCall(`ECS DescribeAvailableResource in ${region}`, () =>
    client.describeAvailableResource(
      new Ecs.DescribeAvailableResourceRequest({
        regionId: region,
        destinationResource: 'InstanceType',
        instanceChargeType: 'PostPaid',
      }),
    ),
  );
  const offered = new Set<string>();
  for (const zone of res.body?.availableZones?.availableZone ?? []) {
    if (zone.status !== 'Available') continue;
    for (const resource of zone.availableResources?.availableResource ?? []) {
      if (resource.type !== 'InstanceType') continue;
      for (const s of resource.supportedResources?.supportedResource ?? [])
        if (s.value && s.status === 'Available') offered.add(s.value);
    }
  }
  return [...new Set(types)].filter((t) => offered.has(t));
}
