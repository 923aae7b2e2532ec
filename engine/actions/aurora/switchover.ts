/** aurora.switchover: planned, no-data-loss move of an Aurora Global Database's writer (see global-writer.ts). */
import { defineAction } from '../types.js';
import { globalInputs, globalOutputs, globalWriterHandler } from './global-writer.js';

export default defineAction({
  name: 'aurora.switchover',
  typicalDuration: '5m',
  mutating: true,
  description:
    'Planned switchover of an Aurora Global Database to its secondary cluster in the recovery region (SwitchoverGlobalCluster: waits for replication, no data loss), then waits until that cluster writes.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['globalCluster', 'targetCluster'],
    properties: globalInputs,
  },
  outputs: globalOutputs,
  capabilities: ['database'],
  permissions: {
    aws: [
      { statement: 'DescribeDatabases', actions: ['rds:DescribeGlobalClusters', 'rds:DescribeDBClusters'] },
      { statement: 'PromoteStandbyDatabases', actions: ['rds:SwitchoverGlobalCluster'] },
      { statement: 'ReadReplicaLag', actions: ['cloudwatch:GetMetricData'] },
    ],
  },
  effects: () => [{ verb: 'modify', scope: 'protected', what: 'the Aurora global database (writer moved)' }],
  handler: (deps) => globalWriterHandler(deps, 'aurora.switchover', false),
});
