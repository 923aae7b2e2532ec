/**
 * data-tier-modules.ts for a build that bundles the AWS SDK (serverless/sdk-packaging.cjs swaps it
 * in): the same modules, imported statically. esbuild wraps a dynamically imported module, and
 * everything it imports, in a lazy initialiser that keeps all of their exports, so one
 * `import()` of drs.ts linked the whole EC2 client (every command and schema) into the worker.
 */

import * as replication from '../../engine/adapters/aws/drs.js';
import * as database from '../../engine/adapters/aws/rds/aws-database.js';
import * as replicaLag from '../../engine/adapters/aws/rds/cloudwatch-metrics.js';
import * as objectStorage from '../../engine/adapters/aws/s3/aws-object-storage.js';
import type { dataTierModules as lazyModules } from './data-tier-modules.js';

export const dataTierModules: typeof lazyModules = {
  database: async () => database,
  replicaLag: async () => replicaLag,
  objectStorage: async () => objectStorage,
  replication: async () => replication,
};
