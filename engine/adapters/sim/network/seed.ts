/**
 * The `network:` section of runbooks/sim/world.yaml: the VPCs of each simulated region, built on
 * the subnets and security groups the world's `regions:` already declare. Read from the raw YAML
 * because the world loader keeps only the sections it knows.
 */
import { parse } from 'yaml';
import { DrbotError } from '../../../errors.js';
import type { SgRule, VpcTopology } from '../../../network/topology.js';
import type { World } from '../world.js';

/** `ports: 443` or `ports: 8000-8080`; `protocol: tcp|udp|icmp|-1`. */
export interface SeedRule {
  protocol: string;
  ports?: number | string;
  cidrs?: string[];
  groups?: string[];
}

export interface SeedVpc {
  id: string;
  cidr: string;
  /** Subnet ids of `regions.<region>.subnets` (zone and CIDR come from there). */
  subnets: string[];
  internetGateway?: string;
  natGateways?: { id: string; subnet: string }[];
  routeTables?: {
    id: string;
    main?: boolean;
    subnets?: string[];
    routes?: { destination: string; target: string }[];
  }[];
  /** Group id (of `regions.<region>.securityGroups`) → its rules. */
  securityGroups?: Record<string, { ingress?: SeedRule[]; egress?: SeedRule[] }>;
  /** Interface endpoint services already present (`ssm`, `ec2messages`, `ssmmessages`). */
  endpoints?: string[];
}

export interface SimNetworkSeed {
  regions: Record<string, { zones?: string[]; vpcs?: SeedVpc[] }>;
  /** Instance profiles whose role lacks AmazonSSMManagedInstanceCore (the doctor flags them). */
  ssmUnmanagedProfiles?: string[];
  /** Extra SSM documents that exist (drbot's own `Drbot*` and `AWS-*` always do). */
  documents?: string[];
}

export class SimNetworkSeedError extends DrbotError {
  constructor(problem: string) {
    super(`The network section of the simulated world is invalid: ${problem}`, {
      code: 'SIM_NETWORK_INVALID',
      explanation: 'The sim builds its VPCs from the `network:` section and the subnets of `regions:`.',
      action:
        'Fix the `network:` section of runbooks/sim/world.yaml (see the README, "Network replication").',
    });
  }
}

function rule(r: SeedRule): SgRule {
  const [from, to] = String(r.ports ?? '')
    .split('-')
    .map((p) => (p === '' ? undefined : Number(p)));
  return {
    protocol: String(r.protocol ?? '-1'),
    ...(from !== undefined ? { fromPort: from, toPort: to ?? from } : {}),
    cidrs: r.cidrs ?? [],
    ipv6Cidrs: [],
    groupIds: r.groups ?? [],
    prefixListIds: [],
  };
}

function targetKind(id: string) {
  if (id.startsWith('igw-')) return 'internet-gateway' as const;
  if (id.startsWith('nat-')) return 'nat-gateway' as const;
  if (id.startsWith('eigw-')) return 'egress-only-gateway' as const;
  return 'other' as const;
}

/** The seeded VPCs of a region as topologies. */
export function seedTopologies(world: World, seed: SimNetworkSeed, region: string): VpcTopology[] {
  const worldRegion = world.regions[region];
  return (seed.regions[region]?.vpcs ?? []).map((v) => {
    const subnets = v.subnets.map((id) => {
      const s = worldRegion?.subnets.find((x) => x.id === id);
      if (!s)
        throw new SimNetworkSeedError(
          `${v.id} lists subnet ${id}, which regions.${region}.subnets does not define`,
        );
      return { id, zone: s.zone, cidr: s.cidr, mapPublicIpOnLaunch: false, tags: {} };
    });
    const groups = Object.entries(v.securityGroups ?? {}).map(([id, rules]) => ({
      id,
      name: worldRegion?.securityGroups.find((g) => g.id === id)?.name ?? id,
      description: worldRegion?.securityGroups.find((g) => g.id === id)?.name ?? id,
      isDefault: false,
      ingress: (rules.ingress ?? []).map(rule),
      egress: (rules.egress ?? [{ protocol: '-1', cidrs: ['0.0.0.0/0'] }]).map(rule),
      tags: {},
    }));
    return {
      region,
      vpc: {
        id: v.id,
        cidrs: [v.cidr],
        ipv6Cidrs: [],
        enableDnsSupport: true,
        enableDnsHostnames: true,
        tags: {},
      },
      subnets,
      ...(v.internetGateway ? { internetGateway: { id: v.internetGateway } } : {}),
      natGateways: (v.natGateways ?? []).map((n) => ({
        id: n.id,
        subnetId: n.subnet,
        connectivity: 'public' as const,
        tags: {},
      })),
      routeTables: (v.routeTables ?? [{ id: `rtb-${v.id.slice(4)}`, main: true }]).map((t) => ({
        id: t.id,
        main: t.main ?? false,
        subnetIds: t.subnets ?? [],
        routes: [
          { destination: v.cidr, target: { kind: 'local' as const, id: 'local' } },
          ...(t.routes ?? []).map((r) => ({
            destination: r.destination,
            target: { kind: targetKind(r.target), id: r.target },
          })),
        ],
        tags: {},
      })),
      networkAcls: [],
      securityGroups: groups,
      endpoints: (v.endpoints ?? []).map((s, i) => ({
        id: `vpce-${v.id.slice(4)}${i}`,
        service: `com.amazonaws.${region}.${s}`,
        type: 'Interface',
        subnetIds: [],
        privateDns: true,
      })),
    };
  });
}

/** Reads `network:` from the world YAML text; an absent section gives regions without VPCs. */
export function loadSimNetworkSeed(worldText: string): SimNetworkSeed {
  const raw = (parse(worldText) as { network?: unknown } | null)?.network;
  if (raw === undefined || raw === null) return { regions: {} };
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new SimNetworkSeedError('`network` must be a mapping');
  const { ssmUnmanagedProfiles, documents, ...regions } = raw as Record<string, unknown>;
  return {
    regions: regions as SimNetworkSeed['regions'],
    ...(Array.isArray(ssmUnmanagedProfiles)
      ? { ssmUnmanagedProfiles: ssmUnmanagedProfiles.map(String) }
      : {}),
    ...(Array.isArray(documents) ? { documents: documents.map(String) } : {}),
  };
}
