/**
 * The AWS implementation of the NetworkCloud port: discovery and convergence on EC2, readiness
 * facts from EC2 and SSM. Clients come from the same factories as the AwsCloudProvider, so tests
 * inject `mockClient(EC2Client)` the same way.
 */
import type { DrillVpc, DrillVpcDeletion, DrillVpcRequest } from '../../../network/drill-vpc.js';
import type { ReplicationPlan } from '../../../network/plan-types.js';
import type { ApplyResult, DrillIsolationProblem, NetworkCloud, VpcRange } from '../../../network/ports.js';
import type { VpcTopology } from '../../../network/topology.js';
import { type AwsClientFactories, AwsClients } from '../clients.js';
import { drillIsolationProblems } from '../drill-network.js';
import { AwsNetworkConverger } from './converge.js';
import { discoverTopology, listVpcRanges, listZones } from './discover.js';
import { createAwsDrillVpc, deleteAwsDrillVpcs } from './drill-vpc.js';
import { existingDocuments, offeredTypes, ssmManaged } from './readiness.js';

export interface AwsNetworkOptions {
  /** SDK client factories, one client per region; tests inject mocked clients here. */
  clients?: AwsClientFactories;
}

export class AwsNetworkCloud implements NetworkCloud {
  readonly name = 'aws';
  private readonly clients: AwsClients;

  constructor(options: AwsNetworkOptions = {}) {
    this.clients = new AwsClients(options.clients);
  }

  discover(region: string, subnetIds: readonly string[]): Promise<VpcTopology[]> {
    return discoverTopology(this.clients.ec2(region), region, subnetIds);
  }

  availabilityZones(region: string): Promise<string[]> {
    return listZones(this.clients.ec2(region), region);
  }

  vpcRanges(region: string): Promise<VpcRange[]> {
    return listVpcRanges(this.clients.ec2(region), region);
  }

  apply(plan: ReplicationPlan): Promise<ApplyResult> {
    return new AwsNetworkConverger(this.clients.ec2(plan.targetRegion), plan).run();
  }

  offeredInstanceTypes(region: string, types: readonly string[]): Promise<string[]> {
    return offeredTypes(this.clients.ec2(region), region, types);
  }

  ssmManagedInstances(region: string, instanceIds: readonly string[]): Promise<string[]> {
    return ssmManaged(this.clients.ssm(region), region, instanceIds);
  }

  existingDocuments(region: string, names: readonly string[]): Promise<string[]> {
    return existingDocuments(this.clients.ssm(region), region, names);
  }

  /** The same check a TEST launch makes before RunInstances (drill-network.ts). */
  drillIsolation(region: string, subnetIds: readonly string[]): Promise<DrillIsolationProblem[]> {
    return drillIsolationProblems(this.clients.ec2(region), region, subnetIds);
  }

  /** The run's isolated drill VPC (drill-vpc.ts): found by its tag, else created. */
  createDrillVpc(request: DrillVpcRequest): Promise<DrillVpc> {
    return createAwsDrillVpc(this.clients.ec2(request.region), request);
  }

  deleteDrillVpcs(region: string, runId: string): Promise<DrillVpcDeletion> {
    return deleteAwsDrillVpcs(this.clients.ec2(region), region, runId);
  }
}

export function createAwsNetwork(options: AwsNetworkOptions = {}): AwsNetworkCloud {
  return new AwsNetworkCloud(options);
}
