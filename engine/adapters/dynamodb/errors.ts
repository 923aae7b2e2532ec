/**
 * Maps DynamoDB failures to drbot errors: throttling becomes RetryAfterError (the executor waits
 * as told instead of burning retries), a missing table says how to create it, an oversized item
 * says which record outgrew DynamoDB's 400 KB item limit. Conditional-check failures are not
 * errors here: the store turns them into ConflictError or the semantic answer (lease refused…).
 */
import { DrbotError, NonRetryableError, RetryAfterError } from '../../errors.js';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

/** How long to wait after a throttle that outlived the SDK's own retries. */
export const THROTTLE_RETRY_AFTER_MS = 1_000;

/** DynamoDB's item size limit; runs and docs are checked against it before writing. */
export const MAX_ITEM_BYTES = 400 * 1024;
/** Room left for keys and the other attributes of an item. */
const ITEM_OVERHEAD_BYTES = 4 * 1024;

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

export function isConditionalCheckFailed(err: unknown): boolean {
  return errorName(err) === 'ConditionalCheckFailedException';
}

export function isResourceNotFound(err: unknown): boolean {
  return errorName(err) === 'ResourceNotFoundException';
}

export function isResourceInUse(err: unknown): boolean {
  return errorName(err) === 'ResourceInUseException';
}

/** Turns an AWS error into the drbot error that says what to do; unknown errors pass through. */
export function mapDynamoError(err: unknown, tableName: string, operation: string): unknown {
  const name = errorName(err);
  if (name !== undefined && THROTTLING.has(name)) {
    return new RetryAfterError(
      `DynamoDB throttled ${operation} on table ${tableName}.`,
      THROTTLE_RETRY_AFTER_MS,
      {
        code: 'STORE_THROTTLED',
        explanation: `DynamoDB answered ${name}: the table or account is over its request rate, even after the SDK's retries.`,
        action:
          'drbot retries after a pause; if it persists, check the table capacity mode and other consumers.',
        cause: err,
        context: { table: tableName, operation },
      },
    );
  }
  if (name === 'ResourceNotFoundException') {
    return new DrbotError(`The DynamoDB table ${tableName} does not exist.`, {
      code: 'STORE_TABLE_NOT_FOUND',
      explanation:
        'The run store keeps every run in one table, and DynamoDB says it is missing in this account and region.',
      action:
        'Deploy the stack (serverless.yml creates the table), check AWS_REGION and the table name, or enable createTable for local use.',
      cause: err,
      context: { table: tableName, operation },
    });
  }
  return err;
}

/**
 * Refuses a body (JSON text, bytes, or a byte count) that would not fit in one item, before
 * DynamoDB rejects the write.
 */
export function assertFitsInItem(
  what: string,
  body: string | Uint8Array | number,
  context: Record<string, unknown>,
): void {
  const bytes =
    typeof body === 'number'
      ? body
      : typeof body === 'string'
        ? Buffer.byteLength(body, 'utf8')
        : body.byteLength;
  if (bytes + ITEM_OVERHEAD_BYTES <= MAX_ITEM_BYTES) return;
  throw new NonRetryableError(`The ${what} is too large to store (${Math.ceil(bytes / 1024)} KB).`, {
    code: 'STORE_ITEM_TOO_LARGE',
    explanation: `A DynamoDB item holds at most ${MAX_ITEM_BYTES / 1024} KB, and the ${what} is stored as one item.`,
    action: 'Keep step outputs and handles small (store ids, not whole API responses) and try again.',
    context: { ...context, bytes },
  });
}
