/**
 * Engine errors. Every error a person may see carries `{ message, explanation, action, code }`:
 * what happened, why, and what to do next. The class decides retry behaviour (see executor).
 */

/** What a user sees of any failure, in Slack, the shell and the audit. */
export interface UserFacingError {
  /** What happened, one sentence. */
  message: string;
  /** Why it happened. */
  explanation: string;
  /** What to do next. */
  action: string;
  /** Stable machine code, e.g. `RUNBOOK_NOT_FOUND`. */
  code: string;
}

export interface ErrorContext {
  runId?: string;
  stepId?: string;
  attempt?: number;
  [key: string]: unknown;
}

export interface DrbotErrorOptions {
  code: string;
  explanation: string;
  action: string;
  cause?: unknown;
  context?: ErrorContext;
}

export class DrbotError extends Error {
  readonly code: string;
  readonly explanation: string;
  readonly action: string;
  readonly context: ErrorContext;

  constructor(message: string, options: DrbotErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.explanation = options.explanation;
    this.action = options.action;
    this.context = options.context ?? {};
  }

  toUser(): UserFacingError {
    return { message: this.message, explanation: this.explanation, action: this.action, code: this.code };
  }
}

/** The step must not be retried: the same input would fail the same way (bad id, safety refusal). */
export class NonRetryableError extends DrbotError {}

/** Throttled or told to come back later: retry after `retryAfterMs`, without consuming backoff. */
export class RetryAfterError extends DrbotError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options: DrbotErrorOptions) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** An optimistic-locking write lost the race: someone else changed the item first. */
export class ConflictError extends DrbotError {}

/** The caller is not allowed to do this (access, approvals, abort). */
export class NotAllowedError extends DrbotError {}

/** Something named (run, runbook, step) does not exist. */
export class NotFoundError extends DrbotError {}

/** Turns anything thrown into what a user may see, keeping DrbotError texts as they are. */
export function toUserFacing(err: unknown): UserFacingError {
  if (err instanceof DrbotError) return err.toUser();
  const message = err instanceof Error ? err.message : String(err);
  return {
    message: message || 'An unexpected error occurred.',
    explanation: 'The error was not recognised by drbot, so it is reported as it was raised.',
    action: 'Check the audit trail of the run and the logs of the cloud call; retry the run if it is safe.',
    code: 'UNEXPECTED',
  };
}
