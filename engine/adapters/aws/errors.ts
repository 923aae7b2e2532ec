/**
 * Maps AWS SDK v3 errors to drbot's error classes, which decide retry behaviour in the executor:
 * throttling → RetryAfterError, bad ids/parameters/permissions → NonRetryableError (the same call
 * would fail the same way), anything else → DrbotError keeping the SDK error as `cause`.
 */
import { DrbotError, NonRetryableError, RetryAfterError } from '../../errors.js';

/** Retry delay when AWS throttles us and says nothing about when to come back. */
export const DEFAULT_THROTTLE_RETRY_MS = 2_000;

const THROTTLING_CODES = new Set([
  'RequestLimitExceeded',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'PriorRequestNotComplete',
]);

const INVALID_CODE_PREFIXES = [
  'InvalidInstanceID.',
  'InvalidAMIID.',
  'InvalidSnapshot.',
  'InvalidVolume.',
  'InvalidSubnetID.',
  'InvalidGroup.',
  'InvalidDocument',
  'InvalidChangeBatch',
  'NoSuchHostedZone',
  'NoSuchChange',
];

const INVALID_CODES = new Set([
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'InvalidParameter',
  'InvalidInstanceId',
  'ValidationException',
  'ValidationError',
  'MissingParameter',
  'IdempotentParameterMismatch',
  'InvalidInput',
  'InvalidClientTokenId',
]);

const PERMISSION_CODES = new Set([
  'UnauthorizedOperation',
  'AccessDenied',
  'AccessDeniedException',
  'AuthFailure',
]);

/** The fields of an SDK v3 ServiceException drbot reads (kept structural: no SDK import here). */
interface SdkErrorShape {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { headers?: Record<string, string | undefined> };
}

/** The AWS error code of anything the SDK threw (`name` on v3 exceptions). */
export function awsErrorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'Unknown';
  const e = err as SdkErrorShape;
  return e.Code ?? e.code ?? e.name ?? 'Unknown';
}

function awsMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null && typeof (err as SdkErrorShape).message === 'string') {
    return (err as SdkErrorShape).message as string;
  }
  return String(err);
}

/** True when AWS (or the SDK's own classification) says the call was throttled. */
export function isThrottling(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as SdkErrorShape;
  return (
    THROTTLING_CODES.has(awsErrorCode(err)) ||
    e.$retryable?.throttling === true ||
    e.$metadata?.httpStatusCode === 429
  );
}

function isInvalid(code: string): boolean {
  return INVALID_CODES.has(code) || INVALID_CODE_PREFIXES.some((prefix) => code.startsWith(prefix));
}

/** Honours a `Retry-After` header (seconds) when AWS sent one; otherwise the default. */
function retryAfterMs(err: unknown): number {
  const header = (err as SdkErrorShape).$response?.headers?.['retry-after'];
  const seconds = header === undefined ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_THROTTLE_RETRY_MS;
}

/**
 * Converts an error thrown by an AWS call into a DrbotError subclass. `operation` names the call
 * (`EC2 RunInstances in us-west-2`) so the message says what was being done.
 */
export function mapAwsError(err: unknown, operation: string): DrbotError {
  if (err instanceof DrbotError) return err;
  const code = awsErrorCode(err);
  const detail = awsMessage(err);
  const requestId = (err as SdkErrorShape | null)?.$metadata?.requestId;
  const context = { awsCode: code, operation, ...(requestId ? { requestId } : {}) };

  if (isThrottling(err)) {
    const delay = retryAfterMs(err);
    return new RetryAfterError(`AWS throttled ${operation}.`, delay, {
      code: 'AWS_THROTTLED',
      explanation: `AWS answered ${code}: the account's API rate limit for this call was exceeded (${detail}).`,
      action: `drbot retries after ${Math.round(delay / 1000)}s; if it persists, lower the run's concurrency or ask AWS for a higher limit.`,
      cause: err,
      context,
    });
  }
  if (PERMISSION_CODES.has(code)) {
    return new NonRetryableError(`AWS refused ${operation}: permission denied.`, {
      code: 'AWS_ACCESS_DENIED',
      explanation: `AWS answered ${code}: the credentials drbot runs with may not do this (${detail}).`,
      action:
        "Grant the missing permission to drbot's IAM role (see README, AWS permissions), then retry the run.",
      cause: err,
      context,
    });
  }
  if (isInvalid(code)) {
    return new NonRetryableError(`AWS rejected ${operation}: invalid id or parameter.`, {
      code: 'AWS_INVALID_REQUEST',
      explanation: `AWS answered ${code}: ${detail}. Retrying the same request would fail the same way.`,
      action:
        'Check the ids and parameters in the runbook, the launch blueprint and the recovery points, fix them, then start a new run.',
      cause: err,
      context,
    });
  }
  return new DrbotError(`AWS call failed: ${operation}.`, {
    code: 'AWS_ERROR',
    explanation: `AWS answered ${code}: ${detail}.`,
    action: 'Check the AWS service health and the call in CloudTrail (request id in the audit), then retry.',
    cause: err,
    context,
  });
}

/** Runs one AWS call and maps whatever it throws. */
export async function awsCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw mapAwsError(err, operation);
  }
}

/** Refusal raised by the drill-safety guard before any mutating call is made. */
export function drillSafetyError(verb: string, runId: string, offending: string[]): NonRetryableError {
  return new NonRetryableError(`Refused to ${verb} instances not launched by this drill.`, {
    code: 'DRILL_SAFETY',
    explanation: `A drill may only ${verb} instances tagged drbot:run-id=${runId}; these are not: ${offending.join(', ')}.`,
    action:
      'Act only on the instances this run launched (runOwned: true or the launch step outputs); to touch other instances use a failover or failback run with approvals.',
    context: { runId, instanceIds: offending },
  });
}
