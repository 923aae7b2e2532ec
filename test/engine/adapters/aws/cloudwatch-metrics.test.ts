/**
 * The production wiring of the replica lag: awsReplicaLagMetrics sends CloudWatch GetMetricData
 * to the replica's region, and a promotion goes ahead (claiming no RPO) when CloudWatch fails.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsDatabase } from '../../../../engine/adapters/aws/rds/aws-database.js';
import { awsReplicaLagMetrics } from '../../../../engine/adapters/aws/rds/cloudwatch-metrics.js';
import { FakeClock } from '../../../../engine/adapters/memory/clock.js';

const rds = mockClient(RDSClient);
const cloudwatch = mockClient(CloudWatchClient);
const NOW = Date.UTC(2026, 11, 1, 9, 30);
const failover = { runId: 'run-1', mode: 'failover' };

function adapter() {
  return createAwsDatabase({
    rds: (region) => new RDSClient({ region }),
    metrics: awsReplicaLagMetrics(),
    clock: new FakeClock(NOW),
  });
}

beforeEach(() => {
  rds.reset();
  cloudwatch.reset();
  rds.on(DescribeDBInstancesCommand).resolves({
    DBInstances: [
      { DBInstanceIdentifier: 'r', ReadReplicaSourceDBInstanceIdentifier: 'arn:src', TagList: [] },
    ],
  });
  rds.on(PromoteReadReplicaCommand).resolves({});
});

describe('awsReplicaLagMetrics', () => {
  it('CloudWatch GetMetricData: ReplicaLag of the replica, sent to its region, before PromoteReadReplica', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: 'replicaLag', Timestamps: [new Date(NOW - 60_000)], Values: [4] }],
    });
    expect(await adapter().promoteReadReplica('r', 'us-west-2', failover)).toEqual({ lagMs: 4_000 });
    const [call] = cloudwatch.commandCalls(GetMetricDataCommand);
    expect(await (call!.thisValue as CloudWatchClient).config.region()).toBe('us-west-2');
    expect(call!.args[0].input.MetricDataQueries?.[0]?.MetricStat?.Metric).toEqual({
      Namespace: 'AWS/RDS',
      MetricName: 'ReplicaLag',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'r' }],
    });
    expect(rds.commandCalls(PromoteReadReplicaCommand)).toHaveLength(1);
  });

  it('a failing GetMetricData never holds up the promotion: it goes ahead and claims no RPO', async () => {
    cloudwatch.on(GetMetricDataCommand).rejects(new Error('ThrottlingException'));
    expect(await adapter().promoteReadReplica('r', 'us-west-2', failover)).toEqual({});
    expect(rds.commandCalls(PromoteReadReplicaCommand)).toHaveLength(1);
  });
});
