/**
 * The DynamoDB table of the run store, defined once: DynamoRunStore creates it from here in local
 * mode and tests, and serverless.yml / CloudFormation must declare the same keys and indexes
 * (`cloudFormationTableProperties()` prints the matching `Properties` block).
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Key attribute names and indexes of the single table. */
export const RUN_STORE_TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** Every run, newest first: GSI1PK = `RUNS`, GSI1SK = `<createdAt, 15 digits>#<runId>`. */
  allRunsIndex: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  /** Runs of one runbook, newest first: GSI2PK = `RUNBOOK#<name>`, GSI2SK as GSI1SK. */
  runbookRunsIndex: { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  /** Non-key attributes copied into both indexes: enough for `listRuns` without reading runs. */
  projectedAttributes: ['summary', 'mode'],
} as const;

const KEY_ATTRIBUTES = [
  RUN_STORE_TABLE.partitionKey,
  RUN_STORE_TABLE.sortKey,
  RUN_STORE_TABLE.allRunsIndex.partitionKey,
  RUN_STORE_TABLE.allRunsIndex.sortKey,
  RUN_STORE_TABLE.runbookRunsIndex.partitionKey,
  RUN_STORE_TABLE.runbookRunsIndex.sortKey,
];

function indexDefinition(index: { name: string; partitionKey: string; sortKey: string }) {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: {
      ProjectionType: 'INCLUDE' as const,
      NonKeyAttributes: [...RUN_STORE_TABLE.projectedAttributes],
    },
  };
}

/** The CreateTable request: on-demand billing, string keys, both run indexes. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: RUN_STORE_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: RUN_STORE_TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      indexDefinition(RUN_STORE_TABLE.allRunsIndex),
      indexDefinition(RUN_STORE_TABLE.runbookRunsIndex),
    ],
  };
}

/**
 * The `AWS::DynamoDB::Table` Properties matching `createTableInput` (CloudFormation uses the same
 * field names). Point-in-time recovery is on: the DR tool's own state deserves a recovery point.
 */
export function cloudFormationTableProperties(tableName?: string): Record<string, unknown> {
  const { TableName: _unused, ...definition } = createTableInput(tableName ?? 'unused');
  return {
    ...(tableName === undefined ? {} : { TableName: tableName }),
    ...definition,
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  };
}

/**
 * The IAM actions DynamoRunStore needs on the table and `<table>/index/*` in AWS (no CreateTable:
 * the stack owns the table there; no transactions or batch writes).
 */
export const RUN_STORE_IAM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
] as const;
