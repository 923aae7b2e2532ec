/**
 * Chooses the cloud for local runs: the simulated world (default), real AWS through the SDK's
 * standard configuration (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_<SERVICE> …), or real Alibaba
 * Cloud through its credentials chain (ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET, RAM roles …).
 */

import { SimCloud } from '../../engine/adapters/sim/sim-cloud.js';
import type { DatabasePort } from '../../engine/cloud/database.js';
import type { ObjectStoragePort } from '../../engine/cloud/object-storage.js';
import type { CloudProvider } from '../../engine/cloud/provider.js';
import type { ReplicationPort } from '../../engine/cloud/replication.js';
import { NonRetryableError } from '../../engine/errors.js';
import type { NetworkCloud } from '../../engine/network/ports.js';
import { createLocalSim, createLocalSimData, type LocalSimOptions } from './sim-provider.js';

export type ProviderName = 'sim' | 'aws' | 'alibaba';
export const PROVIDERS: readonly ProviderName[] = ['sim', 'aws', 'alibaba'];
/**
 * Providers with a network side (`drbot network replicate`, the doctor's network facts). Alibaba
 * Cloud's answers the doctor (Cloud Assistant) and refuses replication (not built yet).
 */
export const NETWORK_PROVIDERS: readonly ProviderName[] = ['sim', 'aws', 'alibaba'];

export function parseProvider(value: string): ProviderName {
  if ((PROVIDERS as readonly string[]).includes(value)) return value as ProviderName;
  throw new NonRetryableError(`Unknown provider "${value}"`, {
    code: 'UNKNOWN_PROVIDER',
    explanation:
      'drbot can run against the simulated cloud (sim), real AWS (aws) or real Alibaba Cloud (alibaba).',
    action: 'Use --provider sim, --provider aws or --provider alibaba.',
  });
}

export async function createProvider(name: ProviderName, sim: LocalSimOptions): Promise<CloudProvider> {
  if (name === 'aws') {
    // loaded on demand: the sim never needs the EC2/SSM/Route 53 SDK clients
    const { createAwsProvider } = await import('../../engine/adapters/aws/provider.js');
    return createAwsProvider({ clock: sim.clock });
  }
  if (name === 'alibaba') {
    const { createAlibabaProvider } = await import('../../engine/adapters/alibaba/provider.js');
    return createAlibabaProvider({ clock: sim.clock });
  }
  return createLocalSim(sim);
}

/**
 * The network side of the chosen cloud (what `network.replicate`, blueprints and the doctor use):
 * the sim's own SimNetwork, so launches see the subnets replication created, or the AWS or Alibaba
 * Cloud executor.
 */
export async function createNetworkCloud(
  name: ProviderName,
  cloud: CloudProvider,
): Promise<NetworkCloud | undefined> {
  if (name === 'aws') {
    const { createAwsNetwork } = await import('../../engine/adapters/aws/network/aws-network.js');
    return createAwsNetwork();
  }
  if (name === 'alibaba') {
    // the same clients as the provider, so launches read the mapping network.replicate stored
    const { AlibabaCloudProvider } = await import('../../engine/adapters/alibaba/provider.js');
    const { createAlibabaNetwork } = await import('../../engine/adapters/alibaba/network.js');
    return cloud instanceof AlibabaCloudProvider ? createAlibabaNetwork(cloud.clients) : undefined;
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
    const { awsReplicaLagMetrics } = await import('../../engine/adapters/aws/rds/cloudwatch-metrics.js');
    return {
      database: createAwsDatabase({ metrics: awsReplicaLagMetrics() }),
      objectStorage: createAwsObjectStorage(),
    };
  }
  if (name === 'alibaba') return { database: lacking('database'), objectStorage: lacking('objectStorage') };
  return createLocalSimData(sim);
}

/** A port Alibaba Cloud does not implement: every call is refused (lint refuses such runbooks first). */
function lacking<T extends object>(capability: string): T {
  return new Proxy({} as T, {
    get: (_target, method) =>
      // not a thenable: awaiting the port itself must not hang
      method === 'then'
        ? undefined
        : () =>
            Promise.reject(
              new NonRetryableError(`Alibaba Cloud has no ${capability} capability in drbot.`, {
                code: 'CAPABILITY_MISSING',
                explanation: `${String(method)} needs the ${capability} capability, which the Alibaba Cloud provider does not implement.`,
                action:
                  'Remove the step from the Alibaba runbook (drbot lint reports it) or run the tier on AWS.',
              }),
            ),
  });
}
