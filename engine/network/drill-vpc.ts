/**
 * A per-run isolated drill VPC (`network.drillVpc`, deleted by `network.deleteDrillVpc`): one VPC
 * with a subnet per zone the copies need and one security group that admits only its own members,
 * no internet gateway, peering or transit-gateway route, every resource tagged with the run id
 * and the drill TTL. The providers implement the port methods (NetworkCloud.createDrillVpc /
 * deleteDrillVpcs); this module holds what they share: the request, the names, the CIDR choice.
 */
import { cidrsOverlap, formatCidr, parseCidr } from './cidr.js';

/** The tag that marks a resource as part of a run's drill VPC (its value is the run id). */
export const DRILL_VPC_TAG = 'drbot:drill-vpc';
export const RUN_ID_TAG = 'drbot:run-id';
export const EXPIRES_TAG = 'drbot:expires';

/**
 * The regional services a drill copy may reach from its isolated VPC (network.drillVpc
 * `serviceEndpoints`): what the SSM agent needs to take drbot's commands. A closed list on
 * purpose: an endpoint reaches only the AWS service, never a production host, and a list a
 * runbook could extend would be a way out of the drill network.
 */
export const DRILL_SERVICE_ENDPOINTS = ['ssm', 'ssmmessages', 'ec2messages'] as const;
export type DrillServiceEndpoint = (typeof DRILL_SERVICE_ENDPOINTS)[number];

export interface DrillVpcRequest {
  region: string;
  runId: string;
  /** The VPC range; each zone gets the next subnet of `subnetPrefix`. */
  cidr: string;
  zones: string[];
  /** Epoch ms after which a sweeper may delete it (the drill TTL). */
  expiresAt: number;
  /**
   * Regional services the copies must reach without a route out (on AWS, the SSM agent's `ssm`,
   * `ssmmessages`, `ec2messages` interface endpoints). @default none
   */
  serviceEndpoints?: readonly DrillServiceEndpoint[];
}

/** What a TEST launch needs to place its copies in the drill VPC (ec2.launch `drillNetwork`). */
export interface DrillVpc {
  vpcId: string;
  cidr: string;
  /** Zone → subnet id. */
  subnets: Record<string, string>;
  securityGroupId: string;
  /** False when the run's VPC already existed (a resumed or retried step) and was reused. */
  created: boolean;
  /** The service endpoints in the VPC (`com.amazonaws.us-west-2.ssm` …), when any were asked. */
  serviceEndpoints?: string[];
}

export interface DrillVpcDeletion {
  /** Ids deleted by this call (endpoints, subnets, security groups, VPCs). */
  deleted: string[];
  /** Instances (or endpoints being deleted) still in the run's drill VPC: the deletion waits for them. */
  blockedBy: string[];
}

/** The tags every resource of the run's drill VPC carries. */
export function drillVpcTags(req: Pick<DrillVpcRequest, 'runId' | 'expiresAt'>): Record<string, string> {
  return {
    [RUN_ID_TAG]: req.runId,
    [DRILL_VPC_TAG]: req.runId,
    'drbot:mode': 'drill',
    [EXPIRES_TAG]: new Date(req.expiresAt).toISOString(),
    Name: `drbot-drill-${req.runId}`,
  };
}

export function drillSecurityGroupName(runId: string): string {
  return `drbot-drill-${runId}`;
}

/** The i-th subnet of the VPC range, 4 bits longer (a /16 gives /20s, up to 16 zones). */
export function drillSubnetCidr(vpcCidr: string, index: number): string {
  const vpc = parseCidr(vpcCidr);
  const prefix = Math.min(vpc.prefix + 4, 28);
  return formatCidr({ network: vpc.network + index * 2 ** (32 - prefix), prefix });
}

/** Candidate ranges, in order: 10.200.0.0/16 … 10.255.0.0/16, then 172.16.0.0/16 … 172.31.0.0/16. */
function candidates(): string[] {
  const out: string[] = [];
  for (let b = 200; b <= 255; b++) out.push(`10.${b}.0.0/16`);
  for (let b = 16; b <= 31; b++) out.push(`172.${b}.0.0/16`);
  return out;
}

/** The first candidate /16 that overlaps none of `used` (the region's VPC ranges), else undefined. */
export function pickDrillCidr(used: readonly string[]): string | undefined {
  const taken = used.filter((c) => !c.includes(':')).map(parseCidr);
  return candidates().find((c) => !taken.some((t) => cidrsOverlap(parseCidr(c), t)));
}

/**
 * The recovery-side zones the copies need: each source zone's letter in the recovery region
 * (us-east-1b → us-west-2b) when the region has it, else the region's first zone.
 */
export function drillZones(
  sourceZones: readonly (string | undefined)[],
  regionZones: readonly string[],
): string[] {
  const sorted = [...regionZones].sort();
  const out = new Set<string>();
  for (const zone of sourceZones) {
    const letter = zone?.slice(-1);
    const match = sorted.find((z) => letter !== undefined && z.endsWith(letter));
    const chosen = match ?? sorted[0];
    if (chosen) out.add(chosen);
  }
  if (out.size === 0 && sorted[0]) out.add(sorted[0]);
  return [...out].sort();
}

/** The drill subnet a copy of an instance in `sourceZone` goes to (same letter, else the first). */
export function drillSubnetFor(network: Pick<DrillVpc, 'subnets'>, sourceZone: string | undefined): string {
  const zones = Object.keys(network.subnets).sort();
  const letter = sourceZone?.slice(-1);
  const zone = zones.find((z) => letter !== undefined && z.endsWith(letter)) ?? zones[0]!;
  return network.subnets[zone]!;
}
