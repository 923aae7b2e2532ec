/**
 * The worker's data-tier and DRS adapter modules, each imported at its port's first call
 * (lazyDataTier in worker.ts): with the runtime's SDK (external), their clients stay out of the
 * cold start. A build that bundles the SDK swaps this file for data-tier-modules.bundled.ts
 * (serverless/sdk-packaging.cjs): there a dynamic import saves no loading (the code is in the
 * one file anyway) and would cost the tree shaking of every SDK client the module shares.
 */
export const dataTierModules = {
  database: () => import('../../engine/adapters/aws/rds/aws-database.js'),
  replicaLag: () => import('../../engine/adapters/aws/rds/cloudwatch-metrics.js'),
  objectStorage: () => import('../../engine/adapters/aws/s3/aws-object-storage.js'),
  replication: () => import('../../engine/adapters/aws/drs.js'),
};
