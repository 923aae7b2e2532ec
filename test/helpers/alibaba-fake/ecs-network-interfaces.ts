/**
 * ECS DescribeNetworkInterfaces of the fake: the primary interface of each instance (its vSwitch
 * and private address), filtered by RegionId (required), VSwitchId and PrivateIpAddress.N (at most
 * 100), paged by MaxResults/NextToken, in the API reference's response shape.
 */
import type { Handler } from './ecs-instances.js';
import { ApiError, indexed, required } from './params.js';

const describeNetworkInterfaces: Handler = (state, p) => {
  required(p, 'DescribeNetworkInterfaces', ['RegionId']);
  const ips = indexed(p, 'PrivateIpAddress');
  if (ips.length > 100)
    throw new ApiError(400, 'InvalidParameter', 'PrivateIpAddress accepts at most 100 values.');
  const matching = [...state.instances.values()].filter(
    (i) =>
      i.RegionId === p.RegionId &&
      (!p.VSwitchId || i.VSwitchId === p.VSwitchId) &&
      (ips.length === 0 || ips.includes(i.PrivateIp)),
  );
  const size = Math.min(Number(p.MaxResults ?? 10), 100);
  const start = Number(p.NextToken ?? 0);
  const pageOf = matching.slice(start, start + size);
  const next = start + size < matching.length ? String(start + size) : '';
  return {
    NextToken: next,
    TotalCount: matching.length,
    NetworkInterfaceSets: {
      NetworkInterfaceSet: pageOf.map((i) => ({
        NetworkInterfaceId: `eni-${i.InstanceId.slice(2)}`,
        InstanceId: i.InstanceId,
        VSwitchId: i.VSwitchId,
        VpcId: i.VpcId,
        ZoneId: i.ZoneId,
        Type: 'Primary',
        Status: 'InUse',
        PrivateIpAddress: i.PrivateIp,
        PrivateIpSets: { PrivateIpSet: [{ PrivateIpAddress: i.PrivateIp, Primary: true }] },
      })),
    },
  };
};

export const NETWORK_INTERFACE_HANDLERS: Record<string, Handler> = {
  DescribeNetworkInterfaces: describeNetworkInterfaces,
};
