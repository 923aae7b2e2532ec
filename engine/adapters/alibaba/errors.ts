/**
 * Maps Alibaba Cloud SDK errors (openapi-core's ClientError / ServerError / ThrottlingError, each
 * with `code`, `statusCode`, `requestId`) to drbot's error classes, which decide retry behaviour:
 * throttling → RetryAfterError, bad ids/parameters/permissions → NonRetryableError, anything else
 * → DrbotError keeping the SDK error as `cause`.
 */
import { DrbotError, NonRetryableError, RetryAfterError } from '../../errors.js';

export const DEFAULT_THROTTLE_RETRY_MS = 2_000;

interface SdkErrorShape {
  code?: string;
  name?: string;
  message?: string;
  statusCode?: number;
  requestId?: string;
  retryAfter?: number;
  data?: { Code?: string; statusCode?: number; RequestId?: string };
}

/** The Alibaba error code of anything the SDK threw (`Throttling.User`, `InvalidInstanceId.NotFound` …). */
export function aliErrorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'Unknown';
  const e = err as SdkErrorShape;
  return e.code ?? e.data?.Code ?? e.name ?? 'Unknown';
}

function status(err: unknown): number | undefined {
  const e = err as SdkErrorShape | null;
  return e?.statusCode ?? e?.data?.statusCode;
}

export function isThrottling(err: unknown): boolean {
  const code = aliErrorCode(err);
  return /^Throttling/.test(code) || code === 'ServiceUnavailable.Throttling' || status(err) === 429;
}

const PERMISSION =
  /^(Forbidden|NoPermission|InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|InvalidSecurityToken|Forbidden\.RAM|Forbidden\.NotAuthorized)/;
const INVALID =
  /^(Invalid|MissingParameter|InvalidParameter|IncorrectInstanceStatus|IncorrectImageStatus|IdempotentParameterMismatch|DomainRecordNotBelongToUser|OperationDenied|Instance\.NotFound|InvalidInstance)/;

/** Converts an error of an Alibaba Cloud call into a DrbotError; `operation` names the call. */
export function mapAliError(err: unknown, operation: string): DrbotError {
  if (err instanceof DrbotError) return err;
  const code = aliErrorCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  const requestId = (err as SdkErrorShape | null)?.requestId;
  const context = { alibabaCode: code, operation, ...(requestId ? { requestId } : {}) };
  if (isThrottling(err)) {
    const after = (err as SdkErrorShape).retryAfter;
    const delay = after && after > 0 ? after : DEFAULT_THROTTLE_RETRY_MS;
    return new RetryAfterError(`Alibaba Cloud throttled ${operation}.`, delay, {
      code: 'ALIBABA_THROTTLED',
      explanation: `Alibaba Cloud answered ${code}: the API rate limit for this call was exceeded (${detail}).`,
      action: `drbot retries after ${Math.round(delay / 1000)}s; if it persists, lower the run's concurrency or ask for a higher quota in the Quota Center.`,
      cause: err,
      context,
    });
  }
  if (PERMISSION.test(code) || (status(err) === 403 && /Forbidden|NoPermission/.test(code))) {
    return new NonRetryableError(`Alibaba Cloud refused ${operation}: permission denied.`, {
      code: 'ALIBABA_ACCESS_DENIED',
      explanation: `Alibaba Cloud answered ${code}: the credentials drbot runs with may not do this (${detail}).`,
      action:
        "Attach the policy of `drbot policy --provider alibaba` to drbot's RAM user or role (README, Alibaba Cloud), then retry the run.",
      cause: err,
      context,
    });
  }
  if (INVALID.test(code)) {
    return new NonRetryableError(`Alibaba Cloud rejected ${operation}: invalid id, parameter or state.`, {
      code: 'ALIBABA_INVALID_REQUEST',
      explanation: `Alibaba Cloud answered ${code}: ${detail}. Retrying the same request would fail the same way.`,
      action:
        'Check the ids and parameters in the runbook, the launch blueprint and the recovery points, fix them, then start a new run.',
      cause: err,
      context,
    });
  }
  return new DrbotError(`Alibaba Cloud call failed: ${operation}.`, {
    code: 'ALIBABA_ERROR',
    explanation: `Alibaba Cloud answered ${code}: ${detail}.`,
    action: 'Check the service status and the call in ActionTrail (request id in the audit), then retry.',
    cause: err,
    context,
  });
}

export async function aliCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw mapAliError(err, operation);
  }
}

/** Refusal raised by the drill-safety guard before any mutating call is made. */
export function drillSafetyError(verb: string, runId: string, offending: string[]): NonRetryableError {
  return new NonRetryableError(`Refused to ${verb} instances not launched by this drill.`, {
    code: 'DRILL_SAFETY',
    explanation: `A drill may only ${verb} ECS instances tagged drbot:run-id=${runId}; these are not: ${offending.join(', ')}.`,
    action:
      'Act only on the instances this run launched (runOwned: true or the launch step outputs); to touch other instances use a failover or failback run with approvals.',
    context: { runId, instanceIds: offending },
  });
}
