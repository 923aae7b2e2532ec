/**
 * The replication plan: an ordered list of steps, each naming the source resource it copies
 * (`sourceId`, also the `drbot:source-id` tag of what it creates) and referring to other resources
 * by SOURCE id (`…Ref`), which the executor resolves through the mapping built so far.
 */
import type { CidrRemap } from './cidr.js';
import type { AclEntry, RouteTargetKind, SgRule } from './topology.js';

/** The tag that makes replication idempotent: every created resource carries its source id. */
export const SOURCE_ID_TAG = 'drbot:source-id';
export const SOURCE_REGION_TAG = 'drbot:source-region';

/** The services drbot's agent needs to reach SSM from private subnets without internet. */
export const SSM_ENDPOINT_SERVICES = ['ssm', 'ec2messages', 'ssmmessages'] as const;
export type SsmEndpointService = (typeof SSM_ENDPOINT_SERVICES)[number];

export interface PlannedRoute {
  destination?: string;
  ipv6Destination?: string;
  target: { kind: Exclude<RouteTargetKind, 'local' | 'other' | 'vpc-endpoint'>; ref: string };
}

/** A security group rule whose `groupIds` are SOURCE group ids (resolved when applied). */
export type PlannedRule = SgRule;

interface StepBase {
  /** The source resource id (or a synthetic `drbot-…` id for what drbot adds). */
  sourceId: string;
  tags: Record<string, string>;
}

export type PlanStep =
  | (StepBase & {
      kind: 'vpc';
      cidr: string;
      secondaryCidrs: string[];
      /** Request an Amazon-provided IPv6 block (the source's own is never copied). */
      ipv6: boolean;
    })
  | (StepBase & { kind: 'dhcp-options'; vpcRef: string; configurations: Record<string, string[]> })
  | (StepBase & {
      kind: 'subnet';
      vpcRef: string;
      zone: string;
      cidr: string;
      ipv6: boolean;
      mapPublicIpOnLaunch: boolean;
    })
  | (StepBase & { kind: 'internet-gateway'; vpcRef: string })
  | (StepBase & { kind: 'egress-only-gateway'; vpcRef: string })
  | (StepBase & { kind: 'nat-gateway'; subnetRef: string; connectivity: 'public' | 'private' })
  | (StepBase & {
      kind: 'route-table';
      vpcRef: string;
      main: boolean;
      subnetRefs: string[];
      routes: PlannedRoute[];
    })
  | (StepBase & {
      kind: 'network-acl';
      vpcRef: string;
      isDefault: boolean;
      subnetRefs: string[];
      entries: AclEntry[];
    })
  | (StepBase & {
      kind: 'security-group';
      vpcRef: string;
      name: string;
      description: string;
      isDefault: boolean;
    })
  | (StepBase & {
      kind: 'security-group-rules';
      groupRef: string;
      ingress: PlannedRule[];
      egress: PlannedRule[];
    })
  | (StepBase & {
      kind: 'vpc-endpoint';
      vpcRef: string;
      service: SsmEndpointService;
      /** Full service name in the target region, e.g. com.amazonaws.us-west-2.ssm. */
      serviceName: string;
      subnetRefs: string[];
      securityGroupRef: string;
      privateDns: boolean;
    });

export type PlanStepKind = PlanStep['kind'];

export interface ReplicationPlan {
  sourceRegion: string;
  targetRegion: string;
  sourceVpcId: string;
  sourceCidrs: string[];
  cidrRemap?: CidrRemap;
  /** Source zone → target zone. */
  zones: Record<string, string>;
  steps: PlanStep[];
  /** What is not copied and why (peering routes, foreign group references …). */
  notes: string[];
}

/** The order steps are applied in; the plan builder emits them in this order. */
export const STEP_ORDER: readonly PlanStepKind[] = [
  'vpc',
  'dhcp-options',
  'subnet',
  'internet-gateway',
  'egress-only-gateway',
  'nat-gateway',
  'route-table',
  'network-acl',
  'security-group',
  'security-group-rules',
  'vpc-endpoint',
];
