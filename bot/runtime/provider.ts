/**
 * Chooses the cloud for local runs: the simulated world (default) or real AWS through the SDK's
 * standard configuration (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_<SERVICE> …).
 */

import { SimCloud } from '../../engine/adapters/sim/sim-cloud.js';
import type { DatabasePort } from '../../engine/cloud/database.js';
import type { ObjectStoragePort } from '../../engine/cloud/object-storage.js';
import type { CloudProvider } from '../../engine/cloud/provider.js';
import type { ReplicationPort } from '../../engine/cloud/replication.js';
import { NonRetryableError } from '../../engine/errors.js';
import type { NetworkCloud } from '../../engine/network/ports.js';
import { createLocalSim, createLocalSimData, type LocalSimOptions } from './sim-provider.js';

export type ProviderName = 'sim' | 'aws';
export const PROVIDERS: readonly ProviderName[] = ['sim', 'aws'];

export function parseProvider(value: string): ProviderName {
  if ((PROVIDERS as readonly string[]).includes(value)) return value as ProviderName;
  throw new NonRetryableError(`Unknown provider "${value}"`, {
    code: 'UNKNOWN_PROVIDER',
    explanation: 'drbot can run against the simulated cloud (sim) or real AWS (aws).',
    action: 'Use --provider sim or --provider aws.',
  });
}

export async function createProvider(name: ProviderName, sim: LocalSimOptions): Promise<CloudProvider> {
  if (name === 'aws') {
    // loaded on demand: the sim never needs the EC2/SSM/Route 53 SDK clients
    const { createAwsProvider } = await import('../../engine/adapters/aws/provider.js');
    return createAwsProvider({ clock: sim.clock });
  }
  return createLocalSim(sim);
}

/**
 * The network side of the chosen cloud (what `network.replicate`, blueprints and the doctor use):
 * the sim's own SimNetwork, so launches see the subnets replication created, or the AWS executor.
 */
export async function createNetworkCloud(
  name: ProviderName,
  cloud: CloudProvider,
): Promise<NetworkCloud | undefined> {
  if (name === 'aws') {
    const { createAwsNetwork } = await import('../../engine/adapters/aws/network/aws-network.js');
    return createAwsNetwork();
  }
  return cloud instanceof SimCloud ? cloud.network : undefined;
}

/** Elastic Disaster Recovery of the chosen cloud: the sim's own model, or the DRS SDK adapter. */
export async function createReplication(
  name: ProviderName,
  cloud: CloudProvider,
): Promise<ReplicationPort | undefined> {
  if (name === 'aws') {
    const { createAwsReplication } = await import('../../engine/adapters/aws/drs.js');
    return createAwsReplication();
  }
  return cloud instanceof SimCloud ? cloud.replication : undefined;
}

/** The data tier of the chosen cloud: the sim's databases and buckets, or RDS/S3 (+ Parameter Store). */
export async function createDataPorts(
  name: ProviderName,
  sim: LocalSimOptions,
): Promise<{ database: DatabasePort; objectStorage: ObjectStoragePort }> {
  if (name === 'aws') {
    const { createAwsDatabase } = await import('../../engine/adapters/aws/rds/aws-database.js');
    const { createAwsObjectStorage } = await import('../../engine/adapters/aws/s3/aws-object-storage.js');
    return { database: createAwsDatabase(), objectStorage: createAwsObjectStorage() };
  }
  return createLocalSimData(sim);
}
