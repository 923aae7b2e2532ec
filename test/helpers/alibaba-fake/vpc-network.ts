/**
 * The VPC operations of network replication: DescribeVpcs, DescribeVSwitches, DescribeZones,
 * CreateVpc (Pending for one describe, then Available), AssociateVpcCidrBlock, CreateVSwitch
 * (refused while its VPC is Pending, outside the VPC's range or overlapping a sibling),
 * DescribeRouteTableList (each VPC's system route table, plus seeded custom ones) and
 * DescribeRouteEntryList. Tags are the VPC API's `Tags.Tag[{ Key, Value }]`.
 */
import { cidrContains, cidrsOverlap, parseCidr } from '../../../engine/network/cidr.js';
import type { Handler } from './ecs-instances.js';
import type { EcsFakeState } from './ecs-state.js';
import { ApiError, matchesTags, type Params, page, required, tagParams } from './params.js';
import type { FakeVpc, VpcDnsFakeState } from './vpc-dns.js';

export interface FakeRouteTable {
  RouteTableId: string;
  VpcId: string;
  RegionId: string;
  RouteTableType: 'System' | 'Custom';
  VSwitchIds: string[];
}

export interface FakeRouteEntry {
  RouteTableId: string;
  DestinationCidrBlock: string;
  Type: 'System' | 'Custom';
  NextHopType?: string;
  NextHopId?: string;
}

const ZONES: Record<string, string[]> = {
  'cn-hangzhou': ['cn-hangzhou-h', 'cn-hangzhou-i', 'cn-hangzhou-j', 'cn-hangzhou-k'],
  'cn-shanghai': ['cn-shanghai-b', 'cn-shanghai-e', 'cn-shanghai-h', 'cn-shanghai-i'],
};

export class VpcNetworkFakeState {
  readonly routeTables = new Map<string, FakeRouteTable>();
  readonly routeEntries: FakeRouteEntry[] = [];
  constructor(
    readonly ecs: EcsFakeState,
    readonly net: VpcDnsFakeState,
  ) {}

  zones(region: string): string[] {
    return ZONES[region] ?? [`${region}-a`, `${region}-b`];
  }

  /** The VPC's system route table, made on first use (CreateVpc and seeded VPCs alike). */
  systemTable(vpc: FakeVpc): FakeRouteTable {
    const found = [...this.routeTables.values()].find(
      (t) => t.VpcId === vpc.VpcId && t.RouteTableType === 'System',
    );
    if (found) return found;
    const table: FakeRouteTable = {
      RouteTableId: this.ecs.id('vtb', vpc.RegionId),
      VpcId: vpc.VpcId,
      RegionId: vpc.RegionId,
      RouteTableType: 'System',
      VSwitchIds: [],
    };
    this.routeTables.set(table.RouteTableId, table);
    return table;
  }

  vpc(id: string | undefined, region: string | undefined): FakeVpc {
    const vpc = id ? this.net.vpcs.get(id) : undefined;
    if (!vpc || vpc.RegionId !== region)
      throw new ApiError(404, 'InvalidVpcId.NotFound', `The specified VpcId ${id} does not exist.`);
    return vpc;
  }

  vswitchCidr(id: string): string {
    const s = this.ecs.vswitches.get(id);
    return s?.CidrBlock ?? `${s?.prefix}.0/24`;
  }
}

const vpcTags = (tags: Record<string, string> = {}) => ({
  Tag: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

function status(vpc: FakeVpc): string {
  if (!vpc.pendingDescribes) return 'Available';
  vpc.pendingDescribes -= 1;
  return 'Pending';
}

export function vpcNetworkHandlers(state: VpcNetworkFakeState): Record<string, Handler> {
  const { ecs, net } = state;
  return {
    DescribeVpcs: (_s, p) => {
      required(p, 'DescribeVpcs', ['RegionId']);
      const tags = tagParams(p);
      const found = [...net.vpcs.values()].filter(
        (v) =>
          v.RegionId === p.RegionId &&
          (!p.VpcId || p.VpcId.split(',').includes(v.VpcId)) &&
          matchesTags(v.tags ?? {}, tags),
      );
      const { items, ...paging } = page(p, found, 50);
      return {
        Vpcs: {
          Vpc: items.map((v) => ({
            VpcId: v.VpcId,
            RegionId: v.RegionId,
            CidrBlock: v.CidrBlock,
            VpcName: v.VpcName,
            Status: status(v),
            SecondaryCidrBlocks: { SecondaryCidrBlock: v.SecondaryCidrBlocks ?? [] },
            NatGatewayIds: { NatGatewayIds: v.NatGatewayIds ?? [] },
            Tags: vpcTags(v.tags),
            VSwitchIds: {
              VSwitchId: [...ecs.vswitches].filter(([, s]) => s.VpcId === v.VpcId).map(([id]) => id),
            },
          })),
        },
        ...paging,
      };
    },
    DescribeVSwitches: (_s, p) => {
      const tags = tagParams(p);
      const found = [...ecs.vswitches].filter(
        ([id, s]) =>
          (!p.RegionId || s.RegionId === p.RegionId) &&
          (!p.VpcId || s.VpcId === p.VpcId) &&
          (!p.VSwitchId || p.VSwitchId === id) &&
          matchesTags(s.tags ?? {}, tags),
      );
      const { items, ...paging } = page(p, found, 50);
      return {
        VSwitches: {
          VSwitch: items.map(([VSwitchId, s]) => ({
            VSwitchId,
            VpcId: s.VpcId,
            ZoneId: s.ZoneId,
            CidrBlock: state.vswitchCidr(VSwitchId),
            Status: 'Available',
            Tags: vpcTags(s.tags),
          })),
        },
        ...paging,
      };
    },
    DescribeZones: (_s, p) => {
      required(p, 'DescribeZones', ['RegionId']);
      return {
        Zones: { Zone: state.zones(p.RegionId as string).map((ZoneId) => ({ ZoneId, LocalName: ZoneId })) },
      };
    },
    CreateVpc: (_s, p) => {
      required(p, 'CreateVpc', ['RegionId', 'CidrBlock']);
      const region = p.RegionId as string;
      parseCidr(p.CidrBlock as string);
      const VpcId = ecs.id('vpc', region);
      const vpc: FakeVpc = {
        VpcId,
        RegionId: region,
        CidrBlock: p.CidrBlock as string,
        VpcName: p.VpcName ?? VpcId,
        tags: tagParams(p),
        pendingDescribes: 1,
      };
      net.vpcs.set(VpcId, vpc);
      const table = state.systemTable(vpc);
      return {
        VpcId,
        VRouterId: ecs.id('vrt', region),
        RouteTableId: table.RouteTableId,
        ResourceGroupId: 'rg-default',
      };
    },
    AssociateVpcCidrBlock: (_s, p) => {
      required(p, 'AssociateVpcCidrBlock', ['RegionId', 'VpcId', 'SecondaryCidrBlock']);
      const vpc = state.vpc(p.VpcId, p.RegionId);
      vpc.SecondaryCidrBlocks = [...(vpc.SecondaryCidrBlocks ?? []), p.SecondaryCidrBlock as string];
      return {};
    },
    CreateVSwitch: (_s, p) => createVSwitch(state, p),
    DescribeRouteTableList: (_s, p) => {
      required(p, 'DescribeRouteTableList', ['RegionId']);
      for (const v of net.vpcs.values()) if (v.RegionId === p.RegionId) state.systemTable(v);
      const found = [...state.routeTables.values()].filter(
        (t) =>
          t.RegionId === p.RegionId &&
          (!p.VpcId || t.VpcId === p.VpcId) &&
          (!p.RouteTableType || t.RouteTableType === p.RouteTableType),
      );
      const { items, ...paging } = page(p, found, 50);
      return {
        RouterTableList: {
          RouterTableListType: items.map((t) => ({
            RouteTableId: t.RouteTableId,
            VpcId: t.VpcId,
            RouteTableType: t.RouteTableType,
            Status: 'Available',
            VSwitchIds: { VSwitchId: t.VSwitchIds },
            Tags: vpcTags(),
          })),
        },
        ...paging,
      };
    },
    DescribeRouteEntryList: (_s, p) => {
      required(p, 'DescribeRouteEntryList', ['RegionId', 'RouteTableId']);
      const table = state.routeTables.get(p.RouteTableId as string);
      if (!table)
        throw new ApiError(
          404,
          'InvalidRouteTableId.NotFound',
          `The route table ${p.RouteTableId} does not exist.`,
        );
      // the system table's local routes: one per vSwitch of the VPC
      const local = [...ecs.vswitches]
        .filter(([, s]) => s.VpcId === table.VpcId && table.RouteTableType === 'System')
        .map(([id]) => ({
          DestinationCidrBlock: state.vswitchCidr(id),
          Type: 'System',
          NextHops: { NextHop: [] },
        }));
      const custom = state.routeEntries
        .filter((e) => e.RouteTableId === table.RouteTableId)
        .map((e) => ({
          DestinationCidrBlock: e.DestinationCidrBlock,
          Type: e.Type,
          IpVersion: 'IPv4',
          NextHops: { NextHop: [{ NextHopType: e.NextHopType, NextHopId: e.NextHopId }] },
        }));
      const all = [...local, ...custom].map((e) => ({
        ...e,
        RouteTableId: table.RouteTableId,
        Status: 'Available',
      }));
      return { RouteEntrys: { RouteEntry: all }, TotalCount: all.length, NextToken: '' };
    },
  };
}

function createVSwitch(state: VpcNetworkFakeState, p: Params): Record<string, unknown> {
  required(p, 'CreateVSwitch', ['RegionId', 'VpcId', 'ZoneId', 'CidrBlock']);
  const vpc = state.vpc(p.VpcId, p.RegionId);
  if (vpc.pendingDescribes)
    throw new ApiError(
      400,
      'IncorrectVpcStatus',
      'The current status of the VPC does not support this operation.',
    );
  if (!state.zones(vpc.RegionId).includes(p.ZoneId as string))
    throw new ApiError(400, 'InvalidZoneId.NotFound', `The specified zone ${p.ZoneId} does not exist.`);
  const cidr = parseCidr(p.CidrBlock as string);
  if (![vpc.CidrBlock, ...(vpc.SecondaryCidrBlocks ?? [])].some((c) => cidrContains(parseCidr(c), cidr)))
    throw new ApiError(400, 'InvalidCidrBlock.Malformed', `${p.CidrBlock} is not inside the VPC's ranges.`);
  for (const [id, s] of state.ecs.vswitches)
    if (s.VpcId === vpc.VpcId && cidrsOverlap(parseCidr(state.vswitchCidr(id)), cidr))
      throw new ApiError(400, 'InvalidCidrBlock.Overlapped', `${p.CidrBlock} overlaps ${id}.`);
  const id = state.ecs.id('vsw', vpc.RegionId);
  state.ecs.vswitches.set(id, {
    ZoneId: p.ZoneId as string,
    VpcId: vpc.VpcId,
    RegionId: vpc.RegionId,
    prefix: (p.CidrBlock as string).split('.').slice(0, 3).join('.'),
    CidrBlock: p.CidrBlock as string,
    tags: tagParams(p),
  });
  return { VSwitchId: id };
}
