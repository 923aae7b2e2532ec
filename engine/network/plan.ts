/**
 * Builds the replication plan of one source VPC: VPC → DHCP options → subnets → internet and
 * egress-only gateways → NAT gateways → route tables and routes → network ACLs → security groups,
 * then their rules (group references remapped) → the SSM interface endpoints drbot's agent needs.
 * Pure: the same topology and options always give the same plan.
 */
import { type CidrRemap, isIdentityRemap, remapCidr } from './cidr.js';
import {
  type PlannedRoute,
  type PlannedRule,
  type PlanStep,
  type ReplicationPlan,
  SSM_ENDPOINT_SERVICES,
} from './plan-types.js';
import { assertRemapFits } from './remap-check.js';
import type { SgRule, TopologyRoute, VpcTopology } from './topology.js';
import { subnetEgress } from './topology.js';
import { mapZones } from './zones.js';

export interface PlanOptions {
  targetRegion: string;
  /** Zones the target region offers (DescribeAvailabilityZones). */
  targetZones: string[];
  cidrRemap?: CidrRemap;
  /** Source zone → target zone, overriding the by-letter mapping. */
  zoneOverrides?: Record<string, string>;
  /** Ranges already used in the target region, refused as remap targets. */
  avoidCidrs?: { cidr: string; label: string }[];
  /** Private IPs that must survive the remap (the protected instances'). */
  privateIps?: string[];
  /**
   * Add the SSM interface endpoints (and their security group) drbot's agent needs on AWS.
   * False for providers whose commands use another channel (Alibaba Cloud Assistant). @default true
   */
  ssmEndpoints?: boolean;
}

/** The synthetic source id of the security group drbot adds for its SSM endpoints. */
export function endpointGroupId(vpcId: string): string {
  return `drbot-ssm-endpoints-sg:${vpcId}`;
}

function copiedTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags).filter(([k]) => !k.startsWith('aws:') && !k.startsWith('drbot:')),
  );
}

/** The region's default DHCP domain name, which must follow the region rather than be copied. */
function defaultDomain(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}

function planRoute(
  route: TopologyRoute,
  remap: CidrRemap | undefined,
  notes: string[],
  tableId: string,
): PlannedRoute | undefined {
  const where = route.destination ?? route.ipv6Destination ?? route.prefixListId ?? '?';
  const { kind, id } = route.target;
  if (kind === 'local') return undefined;
  if (kind === 'other' || kind === 'vpc-endpoint' || route.prefixListId) {
    notes.push(
      `route ${where} → ${id} of ${tableId} is not copied: its target (${kind}) is not replicated by drbot`,
    );
    return undefined;
  }
  return {
    ...(route.destination ? { destination: remapCidr(route.destination, remap) } : {}),
    ...(route.ipv6Destination ? { ipv6Destination: route.ipv6Destination } : {}),
    target: { kind, ref: id },
  };
}

function planRule(
  rule: SgRule,
  groups: Set<string>,
  remap: CidrRemap | undefined,
  notes: string[],
  sg: string,
): PlannedRule {
  const foreign = rule.groupIds.filter((g) => !groups.has(g));
  for (const g of foreign)
    notes.push(`rule of ${sg} referring to ${g} is not copied: ${g} is not in the replicated VPC`);
  return {
    ...rule,
    cidrs: rule.cidrs.map((c) => remapCidr(c, remap)),
    groupIds: rule.groupIds.filter((g) => groups.has(g)),
  };
}

/** One subnet per target zone for the endpoints, preferring subnets without internet egress. */
function endpointSubnets(topology: VpcTopology, zones: Record<string, string>): string[] {
  const byZone = new Map<string, string>();
  const ranked = [...topology.subnets].sort((a, b) => {
    const rank = (id: string) => (subnetEgress(topology, id) === 'internet-gateway' ? 1 : 0);
    return rank(a.id) - rank(b.id) || a.id.localeCompare(b.id);
  });
  for (const s of ranked) {
    const zone = zones[s.zone] ?? s.zone;
    if (!byZone.has(zone)) byZone.set(zone, s.id);
  }
  return [...byZone.values()];
}

export function buildReplicationPlan(topology: VpcTopology, options: PlanOptions): ReplicationPlan {
  const remap = isIdentityRemap(options.cidrRemap) ? undefined : options.cidrRemap;
  const { vpc } = topology;
  if (remap) {
    assertRemapFits(remap, {
      vpcCidrs: vpc.cidrs,
      subnetCidrs: topology.subnets.map((s) => s.cidr),
      privateIps: options.privateIps,
      avoid: options.avoidCidrs,
    });
  }
  const zones = mapZones(
    topology.subnets.map((s) => s.zone),
    options.targetZones,
    options.zoneOverrides,
  );
  const notes: string[] = [...(topology.notes ?? [])];
  const steps: PlanStep[] = [];
  const ssm = options.ssmEndpoints !== false;
  const vpcRef = vpc.id;
  const [primary, ...secondary] = vpc.cidrs.map((c) => remapCidr(c, remap));
  steps.push({
    kind: 'vpc',
    sourceId: vpc.id,
    cidr: primary ?? '',
    secondaryCidrs: secondary,
    ipv6: vpc.ipv6Cidrs.length > 0,
    tags: copiedTags(vpc.tags),
  });
  if (topology.dhcpOptions) {
    const configurations = { ...topology.dhcpOptions.configurations };
    const domain = configurations['domain-name'];
    if (domain?.length === 1 && domain[0] === defaultDomain(topology.region)) {
      configurations['domain-name'] = [defaultDomain(options.targetRegion)];
    }
    steps.push({ kind: 'dhcp-options', sourceId: topology.dhcpOptions.id, vpcRef, configurations, tags: {} });
  }
  for (const s of topology.subnets) {
    steps.push({
      kind: 'subnet',
      sourceId: s.id,
      vpcRef,
      zone: zones[s.zone]!,
      cidr: remapCidr(s.cidr, remap),
      ipv6: s.ipv6Cidr !== undefined,
      mapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
      tags: copiedTags(s.tags),
    });
  }
  if (topology.internetGateway) {
    steps.push({ kind: 'internet-gateway', sourceId: topology.internetGateway.id, vpcRef, tags: {} });
  }
  if (topology.egressOnlyGateway) {
    steps.push({ kind: 'egress-only-gateway', sourceId: topology.egressOnlyGateway.id, vpcRef, tags: {} });
  }
  for (const nat of topology.natGateways) {
    steps.push({
      kind: 'nat-gateway',
      sourceId: nat.id,
      subnetRef: nat.subnetId,
      connectivity: nat.connectivity,
      tags: copiedTags(nat.tags),
    });
  }
  for (const table of topology.routeTables) {
    const routes = table.routes
      .map((r) => planRoute(r, remap, notes, table.id))
      .filter((r) => r !== undefined);
    steps.push({
      kind: 'route-table',
      sourceId: table.id,
      vpcRef,
      main: table.main,
      subnetRefs: table.subnetIds,
      routes,
      tags: copiedTags(table.tags),
    });
  }
  for (const acl of topology.networkAcls) {
    const entries = acl.entries
      .filter((e) => e.ruleNumber < 32767) // the catch-all deny exists in every ACL
      .map((e) => (e.cidr ? { ...e, cidr: remapCidr(e.cidr, remap) } : e));
    steps.push({
      kind: 'network-acl',
      sourceId: acl.id,
      vpcRef,
      isDefault: acl.isDefault,
      subnetRefs: acl.subnetIds,
      entries,
      tags: copiedTags(acl.tags),
    });
  }
  const groupIds = new Set(topology.securityGroups.map((g) => g.id));
  for (const sg of topology.securityGroups) {
    steps.push({
      kind: 'security-group',
      sourceId: sg.id,
      vpcRef,
      name: sg.name,
      description: sg.description,
      isDefault: sg.isDefault,
      tags: copiedTags(sg.tags),
    });
  }
  const endpointSg = endpointGroupId(vpc.id);
  if (ssm)
    steps.push({
      kind: 'security-group',
      sourceId: endpointSg,
      vpcRef,
      name: 'drbot-ssm-endpoints',
      description: 'drbot: HTTPS from the VPC to the SSM interface endpoints',
      isDefault: false,
      tags: { Name: 'drbot-ssm-endpoints' },
    });
  for (const sg of topology.securityGroups) {
    steps.push({
      kind: 'security-group-rules',
      sourceId: sg.id,
      groupRef: sg.id,
      ingress: sg.ingress.map((r) => planRule(r, groupIds, remap, notes, sg.id)),
      egress: sg.egress.map((r) => planRule(r, groupIds, remap, notes, sg.id)),
      tags: {},
    });
  }
  if (ssm)
    steps.push({
      kind: 'security-group-rules',
      sourceId: endpointSg,
      groupRef: endpointSg,
      ingress: [
        {
          protocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          cidrs: [primary ?? ''],
          ipv6Cidrs: [],
          groupIds: [],
          prefixListIds: [],
          description: 'HTTPS from the VPC (SSM agent)',
        },
      ],
      egress: [],
      tags: {},
    });
  const subnetRefs = ssm ? endpointSubnets(topology, zones) : [];
  for (const service of ssm ? SSM_ENDPOINT_SERVICES : []) {
    steps.push({
      kind: 'vpc-endpoint',
      sourceId: `drbot-endpoint:${vpc.id}:${service}`,
      vpcRef,
      service,
      serviceName: `com.amazonaws.${options.targetRegion}.${service}`,
      subnetRefs,
      securityGroupRef: endpointSg,
      privateDns: true,
      tags: { Name: `drbot-${service}` },
    });
  }
  if (vpc.ipv6Cidrs.length > 0) {
    notes.push(
      `IPv6 ranges (${vpc.ipv6Cidrs.join(', ')}) are not copied: the target VPC gets its own Amazon-provided block`,
    );
  }
  return {
    sourceRegion: topology.region,
    targetRegion: options.targetRegion,
    sourceVpcId: vpc.id,
    sourceCidrs: vpc.cidrs,
    ...(remap ? { cidrRemap: remap } : {}),
    zones,
    steps,
    notes,
  };
}
