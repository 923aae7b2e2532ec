/**
 * The RDS clients of the data-tier adapter, one per region, and its options. Parameter Store
 * (SSM) is a separate part (parameters.ts), injected, so that the `protect` function, which
 * never hands off endpoints, links no SSM client (bench/cold-start.ts). Tests inject
 * `mockClient(RDSClient)`-backed factories; the defaults read the SDK's standard configuration
 * (AWS_REGION, AWS_ENDPOINT_URL_RDS, AWS_PROFILE …).
 */
import { RDSClient, type Tag } from '@aws-sdk/client-rds';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DatabasePort } from '../../../cloud/database.js';
import type { Clock } from '../../../ports.js';
import type { GetMetricData, ReplicaLagReader } from './replica-lag.js';

/** The endpoint hand-off of the data tier (Parameter Store on AWS). */
export type ParameterStore = Pick<DatabasePort, 'putParameter' | 'deleteParametersByPath'>;

export interface AwsDatabaseOptions {
  rds?: (region: string) => RDSClient;
  /** Parameter Store's client per region (createAwsDatabase's SsmParameterStore). @default `new SSMClient({ region })` */
  ssm?: (region: string) => SSMClient;
  /**
   * The endpoint hand-off. createAwsDatabase passes Parameter Store; `new AwsDatabase()` without
   * it (the `protect` function) refuses parameter writes. @default none
   */
  parameters?: ParameterStore;
  /**
   * Reads a replica's lag (ms) at promotion. RDS itself does not report it in Describe calls.
   * @default CloudWatch through `metrics` when given, else unknown (the action claims no RPO and notes why)
   */
  replicaLag?: ReplicaLagReader;
  /**
   * CloudWatch GetMetricData per region: the lag is read from `ReplicaLag` (read replicas) and
   * `AuroraGlobalDBRPOLag` / `AuroraGlobalDBReplicationLag` (Aurora secondaries). See replica-lag.ts.
   * @default none
   */
  metrics?: GetMetricData;
  /** Time source for the metrics window. @default systemClock */
  clock?: Clock;
  /** Region to call the (global) Aurora Global Database APIs in. @default the first region used */
  globalRegion?: string;
}

export class RdsClients {
  private readonly rdsClients = new Map<string, RDSClient>();

  constructor(private readonly options: AwsDatabaseOptions) {}

  rds(region: string): RDSClient {
    let client = this.rdsClients.get(region);
    if (!client) {
      client = this.options.rds ? this.options.rds(region) : new RDSClient({ region });
      this.rdsClients.set(region, client);
    }
    return client;
  }
}

export function rdsTagMap(tags: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

export function rdsTagList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** RDS "not found" faults: the resource simply does not exist (yet, or any more). */
export function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name ?? '';
  return /NotFound(Fault)?$/.test(name);
}
