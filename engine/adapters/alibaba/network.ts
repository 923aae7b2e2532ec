/**
 * The Alibaba Cloud implementation of the NetworkCloud port: discovery (network/discover.ts) and
 * convergence (network/converge.ts) of VPCs, vSwitches, the system route table and security
 * groups over the VPC and ECS APIs, the region's zones and VPC ranges, instance type offerings
 * (DescribeAvailableResource), and the doctor's Cloud Assistant check. The provider-neutral
 * planning, remap checks and mapping store are engine/network's. The plan adds no SSM endpoints:
 * drbot's agent commands run through Cloud Assistant.
 */
import type { ReplicationPlan } from '../../network/plan-types.js';
import type { ApplyResult, NetworkCloud, VpcRange } from '../../network/ports.js';
import type { VpcTopology } from '../../network/topology.js';
import type { AlibabaClients } from './clients.js';
import { missingCloudAssistant } from './cloud-assistant.js';
import { AlibabaNetworkConverger, type ConvergeOptions } from './network/converge.js';
import type { NetworkClients } from './network/describe.js';
import { discoverTopology, listVpcRanges, listZones } from './network/discover.js';
import { offeredTypes } from './network/offerings.js';

export class AlibabaNetwork implements NetworkCloud {
  readonly name = 'alibaba';
  readonly replicates = true;
  readonly ssmEndpoints = false;

  constructor(
    private readonly clients: AlibabaClients,
    private readonly options: ConvergeOptions = {},
  ) {}

  private network(region: string): NetworkClients {
    return { vpc: this.clients.vpc(region), ecs: this.clients.ecs(region) };
  }

  /** `subnetIds` are vSwitch ids. */
  discover(region: string, subnetIds: readonly string[]): Promise<VpcTopology[]> {
    return discoverTopology(this.network(region), region, subnetIds);
  }

  availabilityZones(region: string): Promise<string[]> {
    return listZones(this.clients.vpc(region), region);
  }

  vpcRanges(region: string): Promise<VpcRange[]> {
    return listVpcRanges(this.clients.vpc(region), region);
  }

  apply(plan: ReplicationPlan): Promise<ApplyResult> {
    return new AlibabaNetworkConverger(this.network(plan.targetRegion), plan, this.options).run();
  }

  offeredInstanceTypes(region: string, types: readonly string[]): Promise<string[]> {
    return offeredTypes(this.clients.ecs(region), region, types);
  }

  /** Not an Alibaba concept: commands run through Cloud Assistant (see cloudAssistantMissing). */
  ssmManagedInstances(): Promise<string[]> {
    return Promise.resolve([]);
  }

  /** Cloud Assistant commands are created at first use (ensureDocuments): none is required beforehand. */
  existingDocuments(_region: string, names: readonly string[]): Promise<string[]> {
    return Promise.resolve([...names]);
  }

  /** The instances (of `ids`) whose Cloud Assistant client is not running (DescribeCloudAssistantStatus). */
  cloudAssistantMissing(region: string, instanceIds: readonly string[]): Promise<string[]> {
    return missingCloudAssistant(this.clients.ecs(region), region, [...instanceIds]);
  }
}

export function createAlibabaNetwork(clients: AlibabaClients, options: ConvergeOptions = {}): AlibabaNetwork {
  return new AlibabaNetwork(clients, options);
}
