/**
 * Creates the run-store table when it is missing and waits until it and its indexes are ACTIVE.
 * Used in local mode (embedded dynalite) and tests; in AWS the stack owns the table.
 */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DrbotError } from '../../errors.js';
import { isResourceInUse, isResourceNotFound } from './errors.js';
import { createTableInput } from './table-definition.js';

export interface EnsureTableOptions {
  /** Give up waiting for ACTIVE after this long. @default 120000 */
  timeoutMs?: number;
  /** Pause between DescribeTable calls. @default 100 */
  pollMs?: number;
}

/** Returns `true` when this call created the table. */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const pollMs = options.pollMs ?? 100;
  let created = false;
  if ((await tableStatus(client, tableName)) === undefined) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
      created = true;
    } catch (err) {
      // Another process created it between our describe and create: just wait for it.
      if (!isResourceInUse(err)) throw err;
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await tableStatus(client, tableName)) === 'ACTIVE') return created;
    if (Date.now() >= deadline) throw tableNotReadyError(tableName, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** `ACTIVE` only when the table and every index are active; undefined when the table is missing. */
async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    return Table?.TableStatus === 'ACTIVE' && !indexesActive ? 'INDEXES_PENDING' : Table?.TableStatus;
  } catch (err) {
    if (isResourceNotFound(err)) return undefined;
    throw err;
  }
}

function tableNotReadyError(tableName: string, timeoutMs: number): DrbotError {
  return new DrbotError(
    `The DynamoDB table ${tableName} did not become ACTIVE within ${timeoutMs / 1000} s.`,
    {
      code: 'STORE_TABLE_NOT_READY',
      explanation: 'The table was created (or found) but is still being created or updated.',
      action: 'Wait a minute and try again; check the table in the DynamoDB console if it stays in CREATING.',
      context: { table: tableName },
    },
  );
}
