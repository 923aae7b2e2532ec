/**
 * The real GetMetricData behind the replica-lag reader (replica-lag.ts): one CloudWatch client per
 * region, the region of the replica being promoted (the recovery region, which is up).
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { cloudWatchMetrics, type GetMetricData } from './replica-lag.js';

export function awsReplicaLagMetrics(): GetMetricData {
  return cloudWatchMetrics((region) => new CloudWatchClient({ region }), GetMetricDataCommand);
}
