/**
 * The network side of a cloud: what replication, blueprints and the doctor need beyond the
 * CloudProvider port. AWS (engine/adapters/aws/network), Alibaba Cloud (engine/adapters/alibaba/network)
 * and the sim (engine/adapters/sim/network) implement it; engine/network only talks to this interface.
 */
import type { DrillVpc, DrillVpcDeletion, DrillVpcRequest } from './drill-vpc.js';
import type { MappingEntry } from './mapping.js';
import type { ReplicationPlan } from './plan-types.js';
import type { VpcTopology } from './topology.js';

export interface AppliedResource {
  kind: MappingEntry['kind'];
  sourceId: string;
  targetId: string;
  /** False when an existing resource tagged with the source id was found and reused. */
  created: boolean;
}

export interface ApplyResult {
  /** A mapping entry per resource of the plan (zone entries are added from the plan). */
  entries: MappingEntry[];
  targetVpcId: string;
  resources: AppliedResource[];
  /** Sub-resource changes made (routes, rules, ACL entries, associations), for the summary. */
  changes: string[];
}

/** An IPv4 range used by a VPC of a region, with the source id when drbot created it. */
export interface VpcRange {
  vpcId: string;
  cidrs: string[];
  sourceId?: string;
}

export interface NetworkCloud {
  readonly name: string;
  /**
   * False when the provider has no network replication: the doctor then asks for no mapping,
   * since launches use the subnet of each blueprint. @default true
   */
  readonly replicates?: boolean;
  /**
   * False when drbot's agent needs no SSM interface endpoints in the replica (Alibaba Cloud: its
   * commands run through Cloud Assistant), so the plan adds none. @default true
   */
  readonly ssmEndpoints?: boolean;
  /** The VPCs holding these subnets (ids of that region), each with its whole topology. */
  discover(region: string, subnetIds: readonly string[]): Promise<VpcTopology[]>;
  availabilityZones(region: string): Promise<string[]>;
  vpcRanges(region: string): Promise<VpcRange[]>;
  /**
   * Converges the target region to the plan: describe-before-create by the `drbot:source-id` tag,
   * so a second apply creates nothing and returns the same mapping.
   */
  apply(plan: ReplicationPlan): Promise<ApplyResult>;
  /** The subset of `types` offered in the region (DescribeInstanceTypeOfferings, DescribeAvailableResource). */
  offeredInstanceTypes(region: string, types: readonly string[]): Promise<string[]>;
  /** The subset of `instanceIds` registered with SSM (SSM agent online, profile allows SSM). */
  ssmManagedInstances(region: string, instanceIds: readonly string[]): Promise<string[]>;
  /** The subset of SSM document `names` that exist in the region. */
  existingDocuments(region: string, names: readonly string[]): Promise<string[]>;
  /**
   * Why each of these subnets is not an isolated drill network (a route through peering, a
   * transit gateway or a VPN; a peered or attached VPC); empty when all are isolated. Providers
   * that enforce isolation at launch (AWS) implement it so the doctor reports the same refusal.
   */
  drillIsolation?(region: string, subnetIds: readonly string[]): Promise<DrillIsolationProblem[]>;
  /**
   * Named networks the region already offers to launches without a mapping (`drill`,
   * `production`: the sim world's ready-made networks). Optional: absent means none.
   */
  networkProfiles?(region: string): Promise<string[]>;
  /**
   * Providers whose commands run through Alibaba Cloud Assistant: the subset of `instanceIds`
   * whose Cloud Assistant client is not running (DescribeCloudAssistantStatus). The doctor reports
   * each as a blocker, since drbot's agent cannot run on it nor on its recovered copy.
   */
  cloudAssistantMissing?(region: string, instanceIds: readonly string[]): Promise<string[]>;
  /**
   * Creates (or finds, by the run's `drbot:drill-vpc` tag) the run's isolated drill VPC: a subnet
   * per zone, a security group admitting only its members, no gateway, peering or TGW route.
   */
  createDrillVpc?(request: DrillVpcRequest): Promise<DrillVpc>;
  /**
   * Deletes what carries the run's `drbot:drill-vpc` tag in the region (subnets, security groups,
   * VPCs), once no instance is left in it; idempotent (nothing left: nothing deleted).
   */
  deleteDrillVpcs?(region: string, runId: string): Promise<DrillVpcDeletion>;
}

/** One reason a subnet is not an isolated drill network. */
export interface DrillIsolationProblem {
  subnetId: string;
  reason: string;
}
