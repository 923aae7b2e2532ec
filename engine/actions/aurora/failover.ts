/**
 * aurora.failover: unplanned failover of an Aurora Global Database, for when the primary region is
 * down. It loses the writes within the replica lag, so it needs `allowDataLoss: true` and lint
 * requires a two-person approval before it.
 */
import { defineAction } from '../types.js';
import { globalInputs, globalOutputs, globalWriterHandler } from './global-writer.js';

export default defineAction({
  name: 'aurora.failover',
  typicalDuration: '2m',
  mutating: true,
  description:
    'Unplanned failover of an Aurora Global Database to its secondary cluster in the recovery region (FailoverGlobalCluster with AllowDataLoss), then waits until that cluster writes. Needs `allowDataLoss: true` and a two-person approval before it.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['globalCluster', 'targetCluster', 'allowDataLoss'],
    properties: {
      ...globalInputs,
      allowDataLoss: {
        type: 'boolean',
        description:
          'Must be true: writes within the replica lag are lost. Lint requires a two-person approval before the step.',
      },
    },
  },
  outputs: globalOutputs,
  capabilities: ['database'],
  permissions: {
    aws: [
      { statement: 'DescribeDatabases', actions: ['rds:DescribeGlobalClusters', 'rds:DescribeDBClusters'] },
      { statement: 'PromoteStandbyDatabases', actions: ['rds:FailoverGlobalCluster'] },
      { statement: 'ReadReplicaLag', actions: ['cloudwatch:GetMetricData'] },
    ],
  },
  effects: () => [
    {
      verb: 'modify',
      scope: 'protected',
      what: 'the Aurora global database (writer moved, data loss allowed)',
    },
  ],
  handler: (deps) => globalWriterHandler(deps, 'aurora.failover', true),
});
