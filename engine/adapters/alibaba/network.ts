/**
 * The Alibaba Cloud slice of the NetworkCloud port, as far as drbot implements it: the doctor's
 * Cloud Assistant check (DescribeCloudAssistantStatus). Replicating the VPC, vSwitches, security
 * groups and route tables to the target region is not built yet: those calls refuse clearly
 * (NETWORK_REPLICATION_UNSUPPORTED) instead of acting half-way, and lint already refuses
 * `network.replicate` in Alibaba runbooks. Launches use the vSwitch of the blueprint.
 */
import { NonRetryableError } from '../../errors.js';
import type { ApplyResult, NetworkCloud, VpcRange } from '../../network/ports.js';
import type { VpcTopology } from '../../network/topology.js';
import type { AlibabaClients } from './clients.js';
import { missingCloudAssistant } from './cloud-assistant.js';

function unsupported(what: string): NonRetryableError {
  return new NonRetryableError(`drbot cannot ${what} on Alibaba Cloud yet`, {
    code: 'NETWORK_REPLICATION_UNSUPPORTED',
    explanation:
      'The Alibaba Cloud provider has no network replication (VPC, vSwitches, security groups, route tables) yet; it launches into the vSwitch and security groups of each blueprint.',
    action:
      'Create the target VPC and vSwitches in the target region yourself and set them in the blueprints (`drbot blueprint`), or run the tier on AWS for replicated networks.',
  });
}

export class AlibabaNetwork implements NetworkCloud {
  readonly name = 'alibaba';
  readonly replicates = false;

  constructor(private readonly clients: AlibabaClients) {}

  discover(_region: string, _subnetIds: readonly string[]): Promise<VpcTopology[]> {
    return Promise.reject(unsupported('read a VPC topology'));
  }

  availabilityZones(_region: string): Promise<string[]> {
    return Promise.reject(unsupported('list the zones for network replication'));
  }

  vpcRanges(_region: string): Promise<VpcRange[]> {
    return Promise.reject(unsupported('read VPC ranges for network replication'));
  }

  apply(): Promise<ApplyResult> {
    return Promise.reject(unsupported('replicate a network'));
  }

  offeredInstanceTypes(region: string, _types: readonly string[]): Promise<string[]> {
    return Promise.reject(
      new NonRetryableError(`Instance type offerings in ${region} are not checked on Alibaba Cloud yet`, {
        code: 'CHECK_UNSUPPORTED',
        explanation: 'drbot does not call DescribeAvailableResource yet.',
        action:
          'Check the instance types of the tier in the ECS console of the target zone, or set defaults.instanceType.',
      }),
    );
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

export function createAlibabaNetwork(clients: AlibabaClients): AlibabaNetwork {
  return new AlibabaNetwork(clients);
}
