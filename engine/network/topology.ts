/**
 * A VPC's network as drbot sees it, the same for AWS and the sim: what discovery reads in the
 * source region and what the replication plan is built from. Ids are the cloud's own ids.
 */

/** Where a route sends traffic; `other` targets (peering, transit gateway …) are not copied. */
export type RouteTargetKind =
  | 'local'
  | 'internet-gateway'
  | 'egress-only-gateway'
  | 'nat-gateway'
  | 'vpc-endpoint'
  | 'other';

export interface TopologyRoute {
  /** IPv4 destination; absent for IPv6-only routes. */
  destination?: string;
  ipv6Destination?: string;
  prefixListId?: string;
  target: { kind: RouteTargetKind; id: string };
}

export interface TopologyRouteTable {
  id: string;
  main: boolean;
  subnetIds: string[];
  routes: TopologyRoute[];
  tags: Record<string, string>;
}

export interface TopologySubnet {
  id: string;
  zone: string;
  cidr: string;
  ipv6Cidr?: string;
  mapPublicIpOnLaunch: boolean;
  tags: Record<string, string>;
}

export interface TopologyNatGateway {
  id: string;
  subnetId: string;
  connectivity: 'public' | 'private';
  tags: Record<string, string>;
}

export interface AclEntry {
  ruleNumber: number;
  egress: boolean;
  /** `-1` for all, else an IP protocol number as text (`6` TCP, `17` UDP). */
  protocol: string;
  action: 'allow' | 'deny';
  cidr?: string;
  ipv6Cidr?: string;
  fromPort?: number;
  toPort?: number;
}

export interface TopologyNetworkAcl {
  id: string;
  isDefault: boolean;
  subnetIds: string[];
  entries: AclEntry[];
  tags: Record<string, string>;
}

/** One permission of a security group: one protocol/port range, many sources. */
export interface SgRule {
  /** `-1` for all, `tcp`, `udp`, `icmp` or a number. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidrs: string[];
  ipv6Cidrs: string[];
  /** Other groups (ids) allowed; remapped to their target ids. */
  groupIds: string[];
  prefixListIds: string[];
  description?: string;
}

export interface TopologySecurityGroup {
  id: string;
  name: string;
  description: string;
  isDefault: boolean;
  ingress: SgRule[];
  egress: SgRule[];
  tags: Record<string, string>;
}

export interface TopologyDhcpOptions {
  id: string;
  /** `domain-name` → values, `domain-name-servers` → values … */
  configurations: Record<string, string[]>;
}

export interface TopologyEndpoint {
  id: string;
  /** Full service name, e.g. `com.amazonaws.us-east-1.ssm`. */
  service: string;
  type: 'Interface' | 'Gateway' | string;
  subnetIds: string[];
  privateDns: boolean;
}

export interface VpcTopology {
  region: string;
  vpc: {
    id: string;
    /** IPv4 blocks, primary first. */
    cidrs: string[];
    /** Amazon-provided IPv6 block, if any (a new one is requested in the target, never copied). */
    ipv6Cidrs: string[];
    enableDnsSupport: boolean;
    enableDnsHostnames: boolean;
    tags: Record<string, string>;
  };
  dhcpOptions?: TopologyDhcpOptions;
  subnets: TopologySubnet[];
  internetGateway?: { id: string };
  egressOnlyGateway?: { id: string };
  natGateways: TopologyNatGateway[];
  routeTables: TopologyRouteTable[];
  networkAcls: TopologyNetworkAcl[];
  securityGroups: TopologySecurityGroup[];
  endpoints: TopologyEndpoint[];
  /**
   * What discovery saw but this shape has no place for (Alibaba Cloud's NAT gateways, custom
   * route tables, Drop rules …): copied into the plan's notes, so the summary says it is not
   * replicated instead of dropping it silently.
   */
  notes?: string[];
}

/** Is the subnet's traffic to the internet routed through an IGW, a NAT gateway, or nowhere? */
export function subnetEgress(
  topology: VpcTopology,
  subnetId: string,
): 'internet-gateway' | 'nat-gateway' | 'none' {
  const table =
    topology.routeTables.find((t) => t.subnetIds.includes(subnetId)) ??
    topology.routeTables.find((t) => t.main);
  const defaultRoute = table?.routes.find((r) => r.destination === '0.0.0.0/0');
  if (defaultRoute?.target.kind === 'internet-gateway') return 'internet-gateway';
  if (defaultRoute?.target.kind === 'nat-gateway') return 'nat-gateway';
  return 'none';
}
