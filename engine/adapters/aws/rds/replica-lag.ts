/**
 * Replica lag at the moment of promotion, measured by CloudWatch: RDS reports no lag in its
 * Describe calls (DescribeDBInstances has only the replication status, DescribeGlobalClusters
 * only each member's SynchronizationStatus). The metrics, all in the `AWS/RDS` namespace:
 * - a read replica: `ReplicaLag` (Seconds, dimension DBInstanceIdentifier; -1 = not replicating);
 * - an Aurora Global Database secondary: `AuroraGlobalDBRPOLag` (Milliseconds, Aurora PostgreSQL)
 *   or else `AuroraGlobalDBReplicationLag` (Milliseconds), dimension DBClusterIdentifier.
 *
 * The reader is written against the GetMetricData call as plain data, so the adapter does not
 * depend on the CloudWatch SDK client: `cloudWatchMetrics` wraps any client with `send`.
 */
import type { DbKind } from '../../../cloud/database.js';
import type { Clock } from '../../../ports.js';
import { awsCall } from '../errors.js';

/** One metric of a GetMetricData request (the API's `MetricDataQuery`). */
export interface MetricDataQuery {
  Id: string;
  MetricStat: {
    Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
    Period: number;
    Stat: string;
  };
  ReturnData: boolean;
}

/** The GetMetricData request the lag reader sends. */
export interface GetMetricDataInput {
  MetricDataQueries: MetricDataQuery[];
  StartTime: Date;
  EndTime: Date;
  ScanBy: 'TimestampDescending';
}

export interface GetMetricDataOutput {
  MetricDataResults?: { Id?: string; Timestamps?: Date[]; Values?: number[] }[];
}

/** CloudWatch GetMetricData in a region. */
export type GetMetricData = (region: string, input: GetMetricDataInput) => Promise<GetMetricDataOutput>;

/** Reads a replica's lag in ms, or undefined when no datapoint says. */
export type ReplicaLagReader = (id: string, region: string, kind: DbKind) => Promise<number | undefined>;

/** How far back a datapoint counts as "now": RDS publishes these metrics every minute. */
export const LAG_LOOKBACK_MS = 5 * 60_000;

interface LagMetric {
  id: string;
  name: string;
  /** Multiplier from the metric's unit to ms. */
  toMs: number;
}

const INSTANCE_METRICS: LagMetric[] = [{ id: 'replicaLag', name: 'ReplicaLag', toMs: 1000 }];
// the RPO lag (Aurora PostgreSQL) is the data a failover loses; the replication lag is the fallback
const CLUSTER_METRICS: LagMetric[] = [
  { id: 'rpoLag', name: 'AuroraGlobalDBRPOLag', toMs: 1 },
  { id: 'replicationLag', name: 'AuroraGlobalDBReplicationLag', toMs: 1 },
];

/** The GetMetricData request for a database's lag over the look-back window ending now. */
export function lagQuery(id: string, kind: DbKind, now: number): GetMetricDataInput {
  const dimension = kind === 'instance' ? 'DBInstanceIdentifier' : 'DBClusterIdentifier';
  return {
    MetricDataQueries: (kind === 'instance' ? INSTANCE_METRICS : CLUSTER_METRICS).map((m) => ({
      Id: m.id,
      MetricStat: {
        Metric: { Namespace: 'AWS/RDS', MetricName: m.name, Dimensions: [{ Name: dimension, Value: id }] },
        Period: 60,
        Stat: 'Maximum',
      },
      ReturnData: true,
    })),
    StartTime: new Date(now - LAG_LOOKBACK_MS),
    EndTime: new Date(now),
    ScanBy: 'TimestampDescending',
  };
}

/** The newest datapoint of the first metric that has one, in ms; a negative value means unknown. */
export function lagFromResults(kind: DbKind, out: GetMetricDataOutput): number | undefined {
  for (const metric of kind === 'instance' ? INSTANCE_METRICS : CLUSTER_METRICS) {
    const result = out.MetricDataResults?.find((r) => r.Id === metric.id);
    const values = result?.Values ?? [];
    if (values.length === 0) continue;
    // ScanBy TimestampDescending puts the newest first; pick by timestamp anyway
    const stamps = result?.Timestamps ?? [];
    let newest = 0;
    for (let i = 1; i < values.length; i++)
      if ((stamps[i]?.getTime() ?? 0) > (stamps[newest]?.getTime() ?? 0)) newest = i;
    const value = values[newest] as number;
    if (value < 0) return undefined; // ReplicaLag -1: replication is not running, no lag to claim
    return Math.round(value * metric.toMs);
  }
  return undefined;
}

/** A lag reader over CloudWatch GetMetricData. */
export function cloudWatchReplicaLag(getMetricData: GetMetricData, clock: Clock): ReplicaLagReader {
  return async (id, region, kind) => {
    const out = await awsCall('GetMetricData', () => getMetricData(region, lagQuery(id, kind, clock.now())));
    return lagFromResults(kind, out);
  };
}

/**
 * Wraps a CloudWatch SDK client factory and its GetMetricDataCommand into `GetMetricData`, e.g.
 * `cloudWatchMetrics((r) => new CloudWatchClient({ region: r }), GetMetricDataCommand)`.
 */
export function cloudWatchMetrics<C extends { send(command: never): Promise<unknown> }>(
  clientFor: (region: string) => C,
  Command: new (input: GetMetricDataInput) => unknown,
): GetMetricData {
  const clients = new Map<string, C>();
  return async (region, input) => {
    let client = clients.get(region);
    if (!client) {
      client = clientFor(region);
      clients.set(region, client);
    }
    return (await client.send(new Command(input) as never)) as GetMetricDataOutput;
  };
}
