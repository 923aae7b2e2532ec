/**
 * The replica lag at promotion, read from CloudWatch GetMetricData (RDS's Describe calls carry no
 * lag): rds.promoteReplica reads `ReplicaLag`, aurora.switchover / aurora.failover read
 * `AuroraGlobalDBRPOLag` or `AuroraGlobalDBReplicationLag`, always before the promotion call.
 * RDS is aws-sdk-client-mock'ed; GetMetricData is a recorded fake with the API's exact shape.
 */
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsDatabase } from '../../../../engine/adapters/aws/rds/aws-database.js';
import {
  cloudWatchMetrics,
  type GetMetricDataInput,
  type GetMetricDataOutput,
  LAG_LOOKBACK_MS,
} from '../../../../engine/adapters/aws/rds/replica-lag.js';
import { FakeClock } from '../../../../engine/adapters/memory/clock.js';

const rds = mockClient(RDSClient);
const NOW = Date.UTC(2026, 11, 1, 9, 30);
const failover = { runId: 'run-1', mode: 'failover' };

/** GetMetricData fake: records each call (region, input) and the order against RDS calls. */
function metricsFake(output: GetMetricDataOutput) {
  const calls: { region: string; input: GetMetricDataInput; rdsCallsBefore: number }[] = [];
  const metrics = (region: string, input: GetMetricDataInput) => {
    calls.push({ region, input, rdsCallsBefore: rds.calls().length });
    return Promise.resolve(output);
  };
  return { metrics, calls };
}

function adapter(metrics: ReturnType<typeof metricsFake>['metrics']) {
  return createAwsDatabase({
    rds: (region) => new RDSClient({ region }),
    metrics,
    clock: new FakeClock(NOW),
    globalRegion: 'us-east-1',
  });
}

const t = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000);

beforeEach(() => rds.reset());

describe('replica lag at promotion (CloudWatch)', () => {
  it('GetMetricData ReplicaLag, then PromoteReadReplica: the newest datapoint, seconds → ms', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'shop-db-replica',
          ReadReplicaSourceDBInstanceIdentifier: 'arn:src',
          TagList: [],
        },
      ],
    });
    rds.on(PromoteReadReplicaCommand).resolves({});
    const { metrics, calls } = metricsFake({
      MetricDataResults: [{ Id: 'replicaLag', Timestamps: [t(1), t(2)], Values: [12.5, 3] }],
    });
    const out = await adapter(metrics).promoteReadReplica('shop-db-replica', 'us-west-2', failover);
    expect(out).toEqual({ lagMs: 12_500 });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.region).toBe('us-west-2');
    expect(calls[0]?.input).toEqual({
      MetricDataQueries: [
        {
          Id: 'replicaLag',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'ReplicaLag',
              Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'shop-db-replica' }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
          ReturnData: true,
        },
      ],
      StartTime: new Date(NOW - LAG_LOOKBACK_MS),
      EndTime: new Date(NOW),
      ScanBy: 'TimestampDescending',
    });
    // measured before the promotion: only the describe had been sent
    expect(calls[0]?.rdsCallsBefore).toBe(1);
    expect(rds.commandCalls(PromoteReadReplicaCommand)).toHaveLength(1);
  });

  it('claims no lag when ReplicaLag is -1 (replication not running) or has no datapoint', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: 'r', ReadReplicaSourceDBInstanceIdentifier: 'arn:src', TagList: [] },
      ],
    });
    rds.on(PromoteReadReplicaCommand).resolves({});
    const stopped = metricsFake({
      MetricDataResults: [{ Id: 'replicaLag', Timestamps: [t(1)], Values: [-1] }],
    });
    expect(await adapter(stopped.metrics).promoteReadReplica('r', 'us-west-2', failover)).toEqual({});
    const empty = metricsFake({ MetricDataResults: [{ Id: 'replicaLag', Timestamps: [], Values: [] }] });
    expect(await adapter(empty.metrics).promoteReadReplica('r', 'us-west-2', failover)).toEqual({});
  });

  const global = {
    GlobalClusters: [
      {
        GlobalClusterIdentifier: 'orders-global',
        Status: 'available',
        GlobalClusterMembers: [
          { DBClusterArn: 'arn:aws:rds:us-east-1:1:cluster:orders-east', IsWriter: true },
          { DBClusterArn: 'arn:aws:rds:us-west-2:1:cluster:orders-west', IsWriter: false },
        ],
      },
    ],
  };
  const west = {
    DBClusters: [
      {
        DBClusterIdentifier: 'orders-west',
        DBClusterArn: 'arn:aws:rds:us-west-2:1:cluster:orders-west',
        Status: 'available',
      },
    ],
  };
  const move = { globalId: 'orders-global', targetClusterId: 'orders-west', region: 'us-west-2' };

  it('GetMetricData AuroraGlobalDBRPOLag / AuroraGlobalDBReplicationLag, then SwitchoverGlobalCluster', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(global);
    rds.on(DescribeDBClustersCommand).resolves(west);
    rds.on(SwitchoverGlobalClusterCommand).resolves({});
    const { metrics, calls } = metricsFake({
      MetricDataResults: [
        { Id: 'rpoLag', Timestamps: [t(1)], Values: [850] },
        { Id: 'replicationLag', Timestamps: [t(1)], Values: [400] },
      ],
    });
    const out = await adapter(metrics).moveGlobalWriter({ ...move, allowDataLoss: false }, failover);
    expect(out).toEqual({ lagMs: 850 });
    const queries = calls[0]?.input.MetricDataQueries ?? [];
    expect(
      queries.map((q) => [q.Id, q.MetricStat.Metric.MetricName, q.MetricStat.Metric.Dimensions]),
    ).toEqual([
      ['rpoLag', 'AuroraGlobalDBRPOLag', [{ Name: 'DBClusterIdentifier', Value: 'orders-west' }]],
      [
        'replicationLag',
        'AuroraGlobalDBReplicationLag',
        [{ Name: 'DBClusterIdentifier', Value: 'orders-west' }],
      ],
    ]);
    expect(calls[0]?.region).toBe('us-west-2');
    expect(rds.commandCalls(SwitchoverGlobalClusterCommand)).toHaveLength(1);
    expect(calls[0]?.rdsCallsBefore).toBeLessThan(rds.calls().length);
  });

  it('FailoverGlobalCluster reports the replication lag when the RPO lag is not published (Aurora MySQL)', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(global);
    rds.on(DescribeDBClustersCommand).resolves(west);
    rds.on(FailoverGlobalClusterCommand).resolves({});
    const { metrics } = metricsFake({
      MetricDataResults: [
        { Id: 'rpoLag', Timestamps: [], Values: [] },
        { Id: 'replicationLag', Timestamps: [t(2), t(1)], Values: [300, 1_200] },
      ],
    });
    const out = await adapter(metrics).moveGlobalWriter({ ...move, allowDataLoss: true }, failover);
    expect(out).toEqual({ lagMs: 1_200 });
    expect(rds.commandCalls(FailoverGlobalClusterCommand)[0]?.args[0].input).toMatchObject({
      AllowDataLoss: true,
    });
  });

  it('cloudWatchMetrics wraps an SDK client per region and sends GetMetricData with the input', async () => {
    const sent: { region: string; input: unknown }[] = [];
    class FakeCommand {
      constructor(readonly input: GetMetricDataInput) {}
    }
    const getMetricData = cloudWatchMetrics(
      (region) => ({
        send: (command: never) => {
          sent.push({ region, input: (command as FakeCommand).input });
          return Promise.resolve({ MetricDataResults: [] });
        },
      }),
      FakeCommand,
    );
    const input: GetMetricDataInput = {
      MetricDataQueries: [],
      StartTime: t(5),
      EndTime: t(0),
      ScanBy: 'TimestampDescending',
    };
    expect(await getMetricData('us-west-2', input)).toEqual({ MetricDataResults: [] });
    expect(sent).toEqual([{ region: 'us-west-2', input }]);
  });
});
