/**
 * The run store of `drbot serve --provider aws`: the DynamoDB table named by DRBOT_TABLE, reached
 * with the SDK's standard configuration (AWS_REGION or the profile's region, AWS_PROFILE,
 * AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL). `--create-table` creates it from the same
 * definition serverless.yml deploys (engine/adapters/dynamodb/table-definition.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoRunStore } from '../../engine/adapters/dynamodb/store.js';
import { ConfigError } from '../config.js';

export interface AwsStoreConfig {
  /** DRBOT_TABLE */
  table: string;
  /** DRBOT_REGION, else AWS_REGION / AWS_DEFAULT_REGION; undefined lets the SDK read the profile. */
  region?: string;
  /** AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL (an AWS-compatible endpoint, dynalite). */
  endpoint?: string;
}

export function readAwsStoreConfig(env: NodeJS.ProcessEnv = process.env): AwsStoreConfig {
  const get = (name: string) => env[name]?.trim() || undefined;
  const table = get('DRBOT_TABLE');
  if (!table) {
    throw new ConfigError([
      'DRBOT_TABLE is not set: the DynamoDB table that holds runs, approvals and leases, e.g. ' +
        "`export DRBOT_TABLE=drbot-prod` (the deployed stack's RunTable, or any name with --create-table).",
    ]);
  }
  const region = get('DRBOT_REGION') ?? get('AWS_REGION') ?? get('AWS_DEFAULT_REGION');
  const endpoint = get('AWS_ENDPOINT_URL_DYNAMODB') ?? get('AWS_ENDPOINT_URL');
  return { table, ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) };
}

export interface AwsStore {
  store: DynamoRunStore;
  config: AwsStoreConfig;
  close(): Promise<void>;
}

export function openAwsStore(
  config: AwsStoreConfig,
  options: { createTable?: boolean; client?: DynamoDBClient } = {},
): AwsStore {
  const client =
    options.client ??
    new DynamoDBClient({
      ...(config.region ? { region: config.region } : {}),
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    });
  const store = new DynamoRunStore({
    client,
    tableName: config.table,
    createTable: options.createTable ?? false,
  });
  return {
    store,
    config,
    async close() {
      if (!options.client) client.destroy();
    },
  };
}
