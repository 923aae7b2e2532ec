/**
 * Reads a VPC's topology from EC2 (every describe paginated) into the provider-neutral
 * VpcTopology the replication plan is built from.
 */
import {
  DescribeAvailabilityZonesCommand,
  DescribeDhcpOptionsCommand,
  type DescribeDhcpOptionsCommandInput,
  DescribeEgressOnlyInternetGatewaysCommand,
  type DescribeEgressOnlyInternetGatewaysCommandInput,
  DescribeInternetGatewaysCommand,
  type DescribeInternetGatewaysCommandInput,
  DescribeNatGatewaysCommand,
  type DescribeNatGatewaysCommandInput,
  DescribeNetworkAclsCommand,
  type DescribeNetworkAclsCommandInput,
  DescribeRouteTablesCommand,
  type DescribeRouteTablesCommandInput,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandInput,
  DescribeSubnetsCommand,
  type DescribeSubnetsCommandInput,
  DescribeVpcEndpointsCommand,
  type DescribeVpcEndpointsCommandInput,
  DescribeVpcsCommand,
  type DescribeVpcsCommandInput,
  type EC2Client,
  type IpPermission,
  type Route,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { SOURCE_ID_TAG } from '../../../network/plan-types.js';
import type { VpcRange } from '../../../network/ports.js';
import type { RouteTargetKind, SgRule, TopologyRoute, VpcTopology } from '../../../network/topology.js';
import { awsCall } from '../errors.js';
import { tagMap } from '../tags.js';
import { allPages, filter } from './pages.js';

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp' };

/** AWS answers `tcp` or `6` depending on the API: one spelling for comparisons. */
export function normalProtocol(protocol: string | undefined): string {
  const p = (protocol ?? '-1').toLowerCase();
  return PROTOCOL_NAMES[p] ?? p;
}

export function toRule(p: IpPermission): SgRule {
  return {
    protocol: normalProtocol(p.IpProtocol),
    ...(p.FromPort !== undefined ? { fromPort: p.FromPort } : {}),
    ...(p.ToPort !== undefined ? { toPort: p.ToPort } : {}),
    cidrs: (p.IpRanges ?? []).map((r) => r.CidrIp ?? '').filter(Boolean),
    ipv6Cidrs: (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? '').filter(Boolean),
    groupIds: (p.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? '').filter(Boolean),
    prefixListIds: (p.PrefixListIds ?? []).map((g) => g.PrefixListId ?? '').filter(Boolean),
    ...(p.IpRanges?.[0]?.Description ? { description: p.IpRanges[0].Description } : {}),
  };
}

function routeTarget(r: Route): { kind: RouteTargetKind; id: string } {
  if (r.GatewayId === 'local') return { kind: 'local', id: 'local' };
  if (r.GatewayId?.startsWith('igw-')) return { kind: 'internet-gateway', id: r.GatewayId };
  if (r.GatewayId?.startsWith('vpce-')) return { kind: 'vpc-endpoint', id: r.GatewayId };
  if (r.EgressOnlyInternetGatewayId)
    return { kind: 'egress-only-gateway', id: r.EgressOnlyInternetGatewayId };
  if (r.NatGatewayId) return { kind: 'nat-gateway', id: r.NatGatewayId };
  const id =
    r.GatewayId ??
    r.TransitGatewayId ??
    r.VpcPeeringConnectionId ??
    r.NetworkInterfaceId ??
    r.InstanceId ??
    r.CarrierGatewayId ??
    'unknown';
  return { kind: 'other', id };
}

function toRoute(r: Route): TopologyRoute {
  return {
    ...(r.DestinationCidrBlock ? { destination: r.DestinationCidrBlock } : {}),
    ...(r.DestinationIpv6CidrBlock ? { ipv6Destination: r.DestinationIpv6CidrBlock } : {}),
    ...(r.DestinationPrefixListId ? { prefixListId: r.DestinationPrefixListId } : {}),
    target: routeTarget(r),
  };
}

function vpcCidrs(vpc: Vpc): string[] {
  const associated = (vpc.CidrBlockAssociationSet ?? [])
    .filter((a) => a.CidrBlockState?.State === undefined || a.CidrBlockState.State === 'associated')
    .map((a) => a.CidrBlock ?? '')
    .filter(Boolean);
  return [...new Set([vpc.CidrBlock ?? '', ...associated].filter(Boolean))];
}

async function describeVpc(client: EC2Client, region: string, vpc: Vpc): Promise<VpcTopology> {
  const id = vpc.VpcId ?? '';
  const byVpc = [filter('vpc-id', id)];
  const op = (name: string) => `EC2 ${name} for ${id} in ${region}`;
  const subnets = await allPages(
    op('DescribeSubnets'),
    (i: DescribeSubnetsCommandInput) => client.send(new DescribeSubnetsCommand(i)),
    { Filters: byVpc },
    (o) => o.Subnets,
  );
  const tables = await allPages(
    op('DescribeRouteTables'),
    (i: DescribeRouteTablesCommandInput) => client.send(new DescribeRouteTablesCommand(i)),
    { Filters: byVpc },
    (o) => o.RouteTables,
  );
  const acls = await allPages(
    op('DescribeNetworkAcls'),
    (i: DescribeNetworkAclsCommandInput) => client.send(new DescribeNetworkAclsCommand(i)),
    { Filters: byVpc },
    (o) => o.NetworkAcls,
  );
  const groups = await allPages(
    op('DescribeSecurityGroups'),
    (i: DescribeSecurityGroupsCommandInput) => client.send(new DescribeSecurityGroupsCommand(i)),
    { Filters: byVpc },
    (o) => o.SecurityGroups,
  );
  const igws = await allPages(
    op('DescribeInternetGateways'),
    (i: DescribeInternetGatewaysCommandInput) => client.send(new DescribeInternetGatewaysCommand(i)),
    { Filters: [filter('attachment.vpc-id', id)] },
    (o) => o.InternetGateways,
  );
  const eigws = (
    await allPages(
      op('DescribeEgressOnlyInternetGateways'),
      (i: DescribeEgressOnlyInternetGatewaysCommandInput) =>
        client.send(new DescribeEgressOnlyInternetGatewaysCommand(i)),
      {},
      (o) => o.EgressOnlyInternetGateways,
    )
  ).filter((g) => g.Attachments?.some((a) => a.VpcId === id));
  const nats = await allPages(
    op('DescribeNatGateways'),
    (i: DescribeNatGatewaysCommandInput) => client.send(new DescribeNatGatewaysCommand(i)),
    { Filter: [...byVpc, filter('state', 'pending', 'available')] },
    (o) => o.NatGateways,
  );
  const endpoints = await allPages(
    op('DescribeVpcEndpoints'),
    (i: DescribeVpcEndpointsCommandInput) => client.send(new DescribeVpcEndpointsCommand(i)),
    { Filters: byVpc },
    (o) => o.VpcEndpoints,
  );
  const dhcp =
    vpc.DhcpOptionsId && vpc.DhcpOptionsId !== 'default'
      ? (
          await allPages(
            op('DescribeDhcpOptions'),
            (i: DescribeDhcpOptionsCommandInput) => client.send(new DescribeDhcpOptionsCommand(i)),
            { DhcpOptionsIds: [vpc.DhcpOptionsId] },
            (o) => o.DhcpOptions,
          )
        )[0]
      : undefined;
  return {
    region,
    vpc: {
      id,
      cidrs: vpcCidrs(vpc),
      ipv6Cidrs: (vpc.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlock ?? '').filter(Boolean),
      // not returned by DescribeVpcs; drbot always enables both on the replica (private DNS needs them)
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: tagMap(vpc.Tags),
    },
    ...(dhcp?.DhcpOptionsId
      ? {
          dhcpOptions: {
            id: dhcp.DhcpOptionsId,
            configurations: Object.fromEntries(
              (dhcp.DhcpConfigurations ?? []).map((c) => [
                c.Key ?? '',
                (c.Values ?? []).map((v) => v.Value ?? ''),
              ]),
            ),
          },
        }
      : {}),
    subnets: subnets.map((s) => ({
      id: s.SubnetId ?? '',
      zone: s.AvailabilityZone ?? '',
      cidr: s.CidrBlock ?? '',
      ...(s.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock
        ? { ipv6Cidr: s.Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock }
        : {}),
      mapPublicIpOnLaunch: s.MapPublicIpOnLaunch ?? false,
      tags: tagMap(s.Tags),
    })),
    ...(igws[0]?.InternetGatewayId ? { internetGateway: { id: igws[0].InternetGatewayId } } : {}),
    ...(eigws[0]?.EgressOnlyInternetGatewayId
      ? { egressOnlyGateway: { id: eigws[0].EgressOnlyInternetGatewayId } }
      : {}),
    natGateways: nats.map((n) => ({
      id: n.NatGatewayId ?? '',
      subnetId: n.SubnetId ?? '',
      connectivity: n.ConnectivityType === 'private' ? 'private' : 'public',
      tags: tagMap(n.Tags),
    })),
    routeTables: tables.map((t) => ({
      id: t.RouteTableId ?? '',
      main: t.Associations?.some((a) => a.Main) ?? false,
      subnetIds: (t.Associations ?? []).map((a) => a.SubnetId ?? '').filter(Boolean),
      routes: (t.Routes ?? []).map(toRoute),
      tags: tagMap(t.Tags),
    })),
    networkAcls: acls.map((a) => ({
      id: a.NetworkAclId ?? '',
      isDefault: a.IsDefault ?? false,
      subnetIds: (a.Associations ?? []).map((x) => x.SubnetId ?? '').filter(Boolean),
      entries: (a.Entries ?? []).map((e) => ({
        ruleNumber: e.RuleNumber ?? 0,
        egress: e.Egress ?? false,
        protocol: e.Protocol ?? '-1',
        action: e.RuleAction === 'deny' ? 'deny' : 'allow',
        ...(e.CidrBlock ? { cidr: e.CidrBlock } : {}),
        ...(e.Ipv6CidrBlock ? { ipv6Cidr: e.Ipv6CidrBlock } : {}),
        ...(e.PortRange?.From !== undefined ? { fromPort: e.PortRange.From } : {}),
        ...(e.PortRange?.To !== undefined ? { toPort: e.PortRange.To } : {}),
      })),
      tags: tagMap(a.Tags),
    })),
    securityGroups: groups.map((g) => ({
      id: g.GroupId ?? '',
      name: g.GroupName ?? '',
      description: g.Description ?? '',
      isDefault: g.GroupName === 'default',
      ingress: (g.IpPermissions ?? []).map(toRule),
      egress: (g.IpPermissionsEgress ?? []).map(toRule),
      tags: tagMap(g.Tags),
    })),
    endpoints: endpoints
      .filter(
        (e) => !['deleted', 'deleting', 'failed', 'rejected'].includes(String(e.State ?? '').toLowerCase()),
      )
      .map((e) => ({
        id: e.VpcEndpointId ?? '',
        service: e.ServiceName ?? '',
        type: String(e.VpcEndpointType ?? ''),
        subnetIds: e.SubnetIds ?? [],
        privateDns: e.PrivateDnsEnabled ?? false,
      })),
  };
}

/** The VPCs that hold `subnetIds`, each described whole. */
export async function discoverTopology(
  client: EC2Client,
  region: string,
  subnetIds: readonly string[],
): Promise<VpcTopology[]> {
  if (subnetIds.length === 0) return [];
  const subnets = await allPages(
    `EC2 DescribeSubnets in ${region}`,
    (i: DescribeSubnetsCommandInput) => client.send(new DescribeSubnetsCommand(i)),
    { SubnetIds: [...new Set(subnetIds)] },
    (o) => o.Subnets,
  );
  const vpcIds = [...new Set(subnets.map((s) => s.VpcId ?? '').filter(Boolean))].sort();
  if (vpcIds.length === 0) return [];
  const vpcs = await allPages(
    `EC2 DescribeVpcs in ${region}`,
    (i: DescribeVpcsCommandInput) => client.send(new DescribeVpcsCommand(i)),
    { VpcIds: vpcIds },
    (o) => o.Vpcs,
  );
  const out: VpcTopology[] = [];
  for (const vpc of vpcs) out.push(await describeVpc(client, region, vpc));
  return out;
}

/** The region's available zones, sorted. */
export async function listZones(client: EC2Client, region: string): Promise<string[]> {
  const { AvailabilityZones } = await awsCall(`EC2 DescribeAvailabilityZones in ${region}`, () =>
    client.send(
      new DescribeAvailabilityZonesCommand({
        Filters: [filter('state', 'available'), filter('zone-type', 'availability-zone')],
      }),
    ),
  );
  return (AvailabilityZones ?? [])
    .map((z) => z.ZoneName ?? '')
    .filter(Boolean)
    .sort();
}

/** Every VPC's IPv4 ranges in the region, with the source id of the ones drbot created. */
export async function listVpcRanges(client: EC2Client, region: string): Promise<VpcRange[]> {
  const vpcs = await allPages(
    `EC2 DescribeVpcs in ${region}`,
    (i: DescribeVpcsCommandInput) => client.send(new DescribeVpcsCommand(i)),
    {},
    (o) => o.Vpcs,
  );
  return vpcs.map((v) => {
    const sourceId = tagMap(v.Tags)[SOURCE_ID_TAG];
    return { vpcId: v.VpcId ?? '', cidrs: vpcCidrs(v), ...(sourceId ? { sourceId } : {}) };
  });
}
