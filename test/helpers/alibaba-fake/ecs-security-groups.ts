/**
 * ECS security groups and instance type offerings of the fake: DescribeSecurityGroups (by VPC and
 * tags), DescribeSecurityGroupAttribute (Direction all/ingress/egress), CreateSecurityGroup (in an
 * existing VPC), AuthorizeSecurityGroup / AuthorizeSecurityGroupEgress (`Permissions.N.*`; a
 * referenced group must exist, ports must fit the protocol, an existing rule is kept once) and
 * DescribeAvailableResource (DestinationResource InstanceType, per zone, SoldOut for no stock).
 */
import type { Handler } from './ecs-instances.js';
import type { EcsFakeState } from './ecs-state.js';
import { ApiError, matchesTags, type Params, page, required, tagParams, tagSet } from './params.js';
import type { VpcNetworkFakeState } from './vpc-network.js';

export type FakePermission = Record<string, string> & { Direction: 'ingress' | 'egress' };

export interface FakeSecurityGroup {
  SecurityGroupId: string;
  RegionId: string;
  VpcId: string;
  SecurityGroupName: string;
  Description: string;
  tags: Record<string, string>;
  permissions: FakePermission[];
}

/** The fields naming a permission's other end (one of them is required). */
const ENDS = [
  'SourceCidrIp',
  'Ipv6SourceCidrIp',
  'SourceGroupId',
  'SourcePrefixListId',
  'DestCidrIp',
  'Ipv6DestCidrIp',
  'DestGroupId',
  'DestPrefixListId',
];
const FIELDS = ['IpProtocol', 'PortRange', 'Policy', 'Priority', 'Description', ...ENDS];

export class SecurityGroupFakeState {
  readonly groups = new Map<string, FakeSecurityGroup>();
  /** Region → instance types offered in each of its zones (DescribeAvailableResource). */
  readonly offered = new Map<string, string[]>();
  constructor(private readonly ecs: EcsFakeState) {}

  add(
    seed: Omit<FakeSecurityGroup, 'SecurityGroupId' | 'tags' | 'permissions'> & Partial<FakeSecurityGroup>,
  ): FakeSecurityGroup {
    const group: FakeSecurityGroup = {
      SecurityGroupId: this.ecs.id('sg', seed.RegionId),
      tags: {},
      permissions: [],
      ...seed,
    };
    this.groups.set(group.SecurityGroupId, group);
    return group;
  }

  get(id: string | undefined, region: string | undefined): FakeSecurityGroup {
    const g = id ? this.groups.get(id) : undefined;
    if (!g || g.RegionId !== region)
      throw new ApiError(
        404,
        'InvalidSecurityGroupId.NotFound',
        `The specified SecurityGroupId ${id} does not exist.`,
      );
    return g;
  }
}

function authorize(
  state: SecurityGroupFakeState,
  p: Params,
  direction: 'ingress' | 'egress',
  action: string,
) {
  required(p, action, ['RegionId', 'SecurityGroupId']);
  const group = state.get(p.SecurityGroupId, p.RegionId);
  const added: FakePermission[] = [];
  for (let i = 1; p[`Permissions.${i}.IpProtocol`] !== undefined; i++) {
    required(p, action, [`Permissions.${i}.IpProtocol`, `Permissions.${i}.PortRange`]);
    const perm = { Direction: direction } as FakePermission;
    for (const f of FIELDS) {
      const v = p[`Permissions.${i}.${f}`];
      if (v !== undefined && v !== '') perm[f] = v;
    }
    const proto = perm.IpProtocol?.toUpperCase();
    if (!['TCP', 'UDP', 'ICMP', 'ICMPV6', 'GRE', 'ALL'].includes(proto ?? ''))
      throw new ApiError(400, 'InvalidIpProtocol.Malformed', `IpProtocol ${perm.IpProtocol} is not valid.`);
    const [from, to] = (perm.PortRange ?? '').split('/').map(Number);
    const tcp = proto === 'TCP' || proto === 'UDP';
    if (tcp ? !(from! >= 1 && to! <= 65535 && from! <= to!) : perm.PortRange !== '-1/-1')
      throw new ApiError(
        400,
        'InvalidPortRange.Malformed',
        `PortRange ${perm.PortRange} is not valid for ${proto}.`,
      );
    const ref = perm.SourceGroupId ?? perm.DestGroupId;
    if (ref) state.get(ref, group.RegionId);
    if (!ENDS.some((s) => perm[s]))
      throw new ApiError(400, 'MissingParameter', `${action}: a permission needs a source or destination.`);
    perm.Policy = (perm.Policy ?? 'accept').toLowerCase() === 'drop' ? 'Drop' : 'Accept';
    perm.Priority ??= '1';
    const same = (a: FakePermission) =>
      FIELDS.filter((f) => f !== 'Description').every((f) => a[f] === perm[f]) && a.Direction === direction;
    if (!group.permissions.some(same)) added.push(perm);
  }
  group.permissions.push(...added);
  return {};
}

export function securityGroupHandlers(
  state: SecurityGroupFakeState,
  net: VpcNetworkFakeState,
): Record<string, Handler> {
  return {
    DescribeSecurityGroups: (_s, p) => {
      required(p, 'DescribeSecurityGroups', ['RegionId']);
      const tags = tagParams(p);
      const found = [...state.groups.values()].filter(
        (g) => g.RegionId === p.RegionId && (!p.VpcId || g.VpcId === p.VpcId) && matchesTags(g.tags, tags),
      );
      const { items, ...paging } = page(p, found, 50);
      return {
        SecurityGroups: {
          SecurityGroup: items.map((g) => ({
            SecurityGroupId: g.SecurityGroupId,
            SecurityGroupName: g.SecurityGroupName,
            Description: g.Description,
            VpcId: g.VpcId,
            SecurityGroupType: 'normal',
            Tags: tagSet(g.tags),
          })),
        },
        RegionId: p.RegionId,
        ...paging,
      };
    },
    DescribeSecurityGroupAttribute: (_s, p) => {
      required(p, 'DescribeSecurityGroupAttribute', ['RegionId', 'SecurityGroupId']);
      const g = state.get(p.SecurityGroupId, p.RegionId);
      const direction = p.Direction ?? 'all';
      return {
        SecurityGroupId: g.SecurityGroupId,
        SecurityGroupName: g.SecurityGroupName,
        VpcId: g.VpcId,
        RegionId: g.RegionId,
        InnerAccessPolicy: 'Accept',
        Permissions: {
          Permission: g.permissions.filter((x) => direction === 'all' || x.Direction === direction),
        },
      };
    },
    CreateSecurityGroup: (_s, p) => {
      required(p, 'CreateSecurityGroup', ['RegionId']);
      if (p.VpcId) net.vpc(p.VpcId, p.RegionId);
      const group = state.add({
        RegionId: p.RegionId as string,
        VpcId: p.VpcId ?? '',
        SecurityGroupName: p.SecurityGroupName ?? '',
        Description: p.Description ?? '',
        tags: tagParams(p),
      });
      return { SecurityGroupId: group.SecurityGroupId };
    },
    AuthorizeSecurityGroup: (_s, p) => authorize(state, p, 'ingress', 'AuthorizeSecurityGroup'),
    AuthorizeSecurityGroupEgress: (_s, p) => authorize(state, p, 'egress', 'AuthorizeSecurityGroupEgress'),
    DescribeAvailableResource: (s, p) => {
      required(p, 'DescribeAvailableResource', ['RegionId', 'DestinationResource']);
      if (p.DestinationResource !== 'InstanceType')
        throw new ApiError(
          400,
          'InvalidParameter',
          'The fake answers DestinationResource InstanceType only.',
        );
      const region = p.RegionId as string;
      const types = state.offered.get(region) ?? ['ecs.g7.large', 'ecs.g6.large'];
      return {
        AvailableZones: {
          AvailableZone: net.zones(region).map((ZoneId) => ({
            ZoneId,
            RegionId: region,
            Status: 'Available',
            AvailableResources: {
              AvailableResource: [
                {
                  Type: 'InstanceType',
                  SupportedResources: {
                    SupportedResource: types.map((Value) => ({
                      Value,
                      Status: s.noStock.get(region)?.has(Value) ? 'SoldOut' : 'Available',
                    })),
                  },
                },
              ],
            },
          })),
        },
      };
    },
  };
}
