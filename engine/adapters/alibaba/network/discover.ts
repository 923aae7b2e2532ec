/**
 * Reads an Alibaba Cloud VPC into the provider-neutral VpcTopology: DescribeVSwitches (the
 * protected instances' vSwitches, then all of their VPC's), DescribeVpcs, DescribeRouteTableList +
 * DescribeRouteEntryList, ECS DescribeSecurityGroups + DescribeSecurityGroupAttribute.
 *
 * What the topology has no place for is reported in `notes` (and so in the plan's summary), not
 * replicated: NAT gateways (with their EIPs and SNAT entries), DHCP options sets, network ACLs,
 * custom route tables, every non-system route entry (its next hop — a NAT gateway, an IPv4
 * gateway, an instance, a VPN, CEN or a peering connection — is not something drbot replicates,
 * so the entries map to route targets of kind `other`), Drop rules and rule priorities.
 * Alibaba has no internet gateway or default security group in the AWS sense, nor endpoints.
 */
import * as Vpc from '@alicloud/vpc20160428';
import { SOURCE_ID_TAG } from '../../../network/plan-types.js';
import type { VpcRange } from '../../../network/ports.js';
import type {
  SgRule,
  TopologyRoute,
  TopologyRouteTable,
  TopologySecurityGroup,
  TopologySubnet,
  VpcTopology,
} from '../../../network/topology.js';
import type { VpcClient } from '../clients.js';
import { aliCall } from '../errors.js';
import { tagMap } from '../tags.js';
import {
  describeRouteTables,
  describeVpcs,
  describeVSwitches,
  groupPermissions,
  type NetworkClients,
  type RawVpc,
  routeEntries,
  securityGroupsOf,
} from './describe.js';
import { copyableTags, vpcTagMap } from './pages.js';
import { toRule } from './rules.js';

async function routes(client: VpcClient, region: string, tableId: string): Promise<TopologyRoute[]> {
  return (await routeEntries(client, region, tableId)).map((e) => {
    const v6 = e.ipVersion?.toLowerCase() === 'ipv6';
    const where = v6 ? { ipv6Destination: e.destinationCidrBlock } : { destination: e.destinationCidrBlock };
    if (e.type === 'System') return { ...where, target: { kind: 'local' as const, id: 'local' } };
    const hop = e.nextHops?.nextHop?.[0];
    return {
      ...where,
      target: { kind: 'other' as const, id: `${hop?.nextHopId ?? '?'} (${hop?.nextHopType ?? 'unknown'})` },
    };
  });
}

async function groups(
  clients: NetworkClients,
  region: string,
  vpcId: string,
  notes: string[],
): Promise<TopologySecurityGroup[]> {
  const out: TopologySecurityGroup[] = [];
  for (const g of await securityGroupsOf(clients.ecs, region, { vpcId })) {
    const id = g.securityGroupId ?? '';
    const ingress: SgRule[] = [];
    const egress: SgRule[] = [];
    for (const p of await groupPermissions(clients.ecs, region, id)) {
      const rule = toRule(p);
      const what = `${p.direction ?? 'ingress'} rule ${p.ipProtocol ?? '?'} ${p.portRange ?? ''} of ${id}`;
      if (!rule)
        notes.push(`${what} is not copied: it is a Drop rule, and drbot replicates Accept rules only`);
      else (p.direction === 'egress' ? egress : ingress).push(rule);
      if (rule && p.priority && p.priority !== '1')
        notes.push(`${what} is copied with the default priority 1, not ${p.priority}`);
    }
    out.push({
      id,
      name: g.securityGroupName ?? id,
      description: g.description ?? '',
      isDefault: false,
      ingress,
      egress,
      tags: copyableTags(tagMap(g.tags)),
    });
  }
  return out;
}

async function describeVpc(clients: NetworkClients, region: string, vpc: RawVpc): Promise<VpcTopology> {
  const vpcId = vpc.vpcId ?? '';
  const notes: string[] = [];
  const vswitches = await describeVSwitches(clients.vpc, region, { vpcId });
  const subnets: TopologySubnet[] = vswitches.map((v) => ({
    id: v.vSwitchId ?? '',
    zone: v.zoneId ?? '',
    cidr: v.cidrBlock ?? '',
    ...(v.ipv6CidrBlock ? { ipv6Cidr: v.ipv6CidrBlock } : {}),
    mapPublicIpOnLaunch: false, // ECS assigns public IPs per instance, not per vSwitch
    tags: copyableTags(vpcTagMap(v.tags)),
  }));
  for (const acl of new Set(vswitches.map((v) => v.networkAclId).filter(Boolean)))
    notes.push(`network ACL ${acl} is not replicated: the replica's vSwitches have no network ACL`);
  for (const nat of vpc.natGatewayIds?.natGatewayIds ?? [])
    notes.push(
      `NAT gateway ${nat} is not replicated (nor its EIPs and SNAT entries): create one in the replica VPC if the recovered instances need outbound internet`,
    );
  if (vpc.dhcpOptionsSetId)
    notes.push(`DHCP options set ${vpc.dhcpOptionsSetId} is not replicated: the replica uses the default`);
  const tables = await describeRouteTables(clients.vpc, region, vpcId);
  const custom = new Set<string>();
  const routeTables: TopologyRouteTable[] = [];
  for (const t of tables) {
    const id = t.routeTableId ?? '';
    const attached = t.vSwitchIds?.vSwitchId ?? [];
    if (t.routeTableType !== 'System') {
      for (const s of attached) custom.add(s);
      notes.push(
        `custom route table ${id} is not replicated: its vSwitches (${attached.join(', ') || 'none'}) use the replica VPC's system route table`,
      );
      continue;
    }
    routeTables.push({
      id,
      main: true,
      subnetIds: [],
      routes: await routes(clients.vpc, region, id),
      tags: {},
    });
  }
  for (const t of routeTables) t.subnetIds = subnets.map((s) => s.id).filter((s) => !custom.has(s));
  const ipv6 = vpc.ipv6CidrBlocks?.ipv6CidrBlock?.map((b) => b.ipv6CidrBlock ?? '').filter(Boolean) ?? [];
  return {
    region,
    vpc: {
      id: vpcId,
      cidrs: [vpc.cidrBlock ?? '', ...(vpc.secondaryCidrBlocks?.secondaryCidrBlock ?? [])].filter(Boolean),
      ipv6Cidrs: ipv6.length ? ipv6 : vpc.ipv6CidrBlock ? [vpc.ipv6CidrBlock] : [],
      enableDnsSupport: true,
      enableDnsHostnames: vpc.dnsHostnameStatus === 'ENABLED',
      tags: copyableTags(vpcTagMap(vpc.tags)),
    },
    subnets,
    natGateways: [],
    routeTables,
    networkAcls: [],
    securityGroups: await groups(clients, region, vpcId, notes),
    endpoints: [],
    notes,
  };
}

/** The VPCs that hold `vSwitchIds`, each described whole. */
export async function discoverTopology(
  clients: NetworkClients,
  region: string,
  vSwitchIds: readonly string[],
): Promise<VpcTopology[]> {
  const vpcIds = new Set<string>();
  for (const vSwitchId of new Set(vSwitchIds)) {
    for (const v of await describeVSwitches(clients.vpc, region, { vSwitchId }))
      if (v.vpcId) vpcIds.add(v.vpcId);
  }
  const out: VpcTopology[] = [];
  for (const vpcId of [...vpcIds].sort()) {
    for (const vpc of await describeVpcs(clients.vpc, region, { vpcId }))
      out.push(await describeVpc(clients, region, vpc));
  }
  return out;
}

/** The region's zones (VPC DescribeZones), e.g. cn-shanghai-b, sorted. */
export async function listZones(client: VpcClient, region: string): Promise<string[]> {
  const res = await aliCall(`VPC DescribeZones in ${region}`, () =>
    client.describeZones(new Vpc.DescribeZonesRequest({ regionId: region })),
  );
  return (res.body?.zones?.zone ?? [])
    .map((z) => z.zoneId ?? '')
    .filter(Boolean)
    .sort();
}

/** Every VPC's IPv4 ranges in the region, with the source id of the ones drbot created. */
export async function listVpcRanges(client: VpcClient, region: string): Promise<VpcRange[]> {
  return (await describeVpcs(client, region)).map((v) => {
    const sourceId = vpcTagMap(v.tags)[SOURCE_ID_TAG];
    const cidrs = [v.cidrBlock ?? '', ...(v.secondaryCidrBlocks?.secondaryCidrBlock ?? [])].filter(Boolean);
    return { vpcId: v.vpcId ?? '', cidrs, ...(sourceId ? { sourceId } : {}) };
  });
}
