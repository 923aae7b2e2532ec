/**
 * The executor's user-facing errors: each says what happened, why, and what to do next.
 * Builders rather than classes, so the stable `code` lives next to its texts.
 */
import {
  ConflictError,
  type DrbotError,
  NonRetryableError,
  NotAllowedError,
  NotFoundError,
} from '../errors.js';
import type { Principals } from '../runbook/types.js';

/** "users U1, U2 and groups S0OPS" — who a Principals list lets in, for refusal messages. */
export function describePrincipals(who: Principals | undefined): string {
  const users = who?.users ?? [];
  const groups = who?.groups ?? [];
  if (users.includes('*')) return 'anyone';
  const parts: string[] = [];
  if (users.length > 0) parts.push(`users ${users.map((u) => `@${u}`).join(', ')}`);
  if (groups.length > 0) parts.push(`groups ${groups.join(', ')}`);
  return parts.length > 0 ? parts.join(' and ') : 'nobody (the list is empty)';
}

export function runNotFound(runId: string): NotFoundError {
  return new NotFoundError(`Run ${runId} does not exist.`, {
    code: 'RUN_NOT_FOUND',
    explanation: 'No run with this id is stored; it may be mistyped or from another environment.',
    action: 'List recent runs with `drbot runs` and use one of their ids.',
    context: { runId },
  });
}

export function modeNotFound(runbook: string, mode: string, modes: string[]): NotFoundError {
  return new NotFoundError(`Runbook ${runbook} has no ${mode} mode.`, {
    code: 'MODE_NOT_FOUND',
    explanation: `The runbook declares these modes: ${modes.join(', ') || 'none'}.`,
    action: `Start one of ${modes.join(', ') || 'its modes'}, or add spec.modes.${mode} to the runbook.`,
    context: { runbook, mode },
  });
}

export function startNotAllowed(
  user: string,
  runbook: string,
  mode: string,
  who?: Principals,
): NotAllowedError {
  return new NotAllowedError(`@${user} may not start a ${mode} of ${runbook}.`, {
    code: 'START_NOT_ALLOWED',
    explanation: `spec.access.${mode} lets ${describePrincipals(who)} start it.`,
    action: 'Ask one of them to start the run, or ask the runbook owners to add you to the access list.',
    context: { user, runbook, mode },
  });
}

export function runbookLocked(runbook: string, holder: string): ConflictError {
  return new ConflictError(`Runbook ${runbook} is locked by run ${holder}.`, {
    code: 'RUNBOOK_LOCKED',
    explanation: 'Only one failover or failback of a runbook may run at a time, and that run holds the lock.',
    action: `Wait for run ${holder} to end (or abort it), then start again.`,
    context: { runbook, holder },
  });
}

export function badDeclaredAt(value: string): NonRetryableError {
  return new NonRetryableError(`The declaredAt parameter "${value}" is not a time.`, {
    code: 'BAD_DECLARED_AT',
    explanation: 'declaredAt sets the disaster declaration time that RTO is measured from.',
    action: 'Give an ISO time such as 2026-01-05T09:00:00Z or epoch milliseconds, or leave it out.',
  });
}

export function abortNotAllowed(
  user: string,
  runId: string,
  initiator: string,
  owners?: Principals,
): NotAllowedError {
  return new NotAllowedError(`@${user} may not abort run ${runId}.`, {
    code: 'ABORT_NOT_ALLOWED',
    explanation: `A run may be aborted by its initiator @${initiator} or the runbook owners (${describePrincipals(owners)}).`,
    action: 'Ask one of them to abort it.',
    context: { runId, user },
  });
}

export function runAlreadyEnded(runId: string, status: string): ConflictError {
  return new ConflictError(`Run ${runId} has already ended (${status}).`, {
    code: 'RUN_ENDED',
    explanation: 'A run that has ended cannot be changed any more.',
    action: 'Start a new run if more work is needed.',
    context: { runId },
  });
}

export function stepNotFound(runId: string, stepKey: string): NotFoundError {
  return new NotFoundError(`Run ${runId} has no step ${stepKey}.`, {
    code: 'STEP_NOT_FOUND',
    explanation: 'Step keys are the step ids of the mode (cleanup steps are `cleanup:<id>`).',
    action: 'Check the step name in the run status and try again.',
    context: { runId, stepId: stepKey },
  });
}

export function manualNotWaiting(runId: string, stepKey: string, status: string): ConflictError {
  return new ConflictError(`Step ${stepKey} is not waiting for confirmation (it is ${status}).`, {
    code: 'STEP_NOT_WAITING',
    explanation: 'Only a manual step that has started and is still waiting can be confirmed.',
    action: 'Check the run status; nothing needs confirming now.',
    context: { runId, stepId: stepKey },
  });
}

export function manualNotAllowed(user: string, stepKey: string, mode: string): NotAllowedError {
  return new NotAllowedError(`@${user} may not confirm step ${stepKey}.`, {
    code: 'CONFIRM_NOT_ALLOWED',
    explanation: `Manual steps are confirmed by the runbook owners or the people allowed to start a ${mode}.`,
    action: 'Ask one of them to confirm the step.',
    context: { user, stepId: stepKey },
  });
}

export function leaseLost(runId: string): ConflictError {
  return new ConflictError(`This worker lost the lease on run ${runId}.`, {
    code: 'LEASE_LOST',
    explanation:
      'Another worker took the run over (the lease expired), so this worker stopped to avoid acting twice.',
    action: 'Nothing to do: the other worker continues the run. Check lease length if it happens often.',
    context: { runId },
  });
}

/** Errors the step machine raises itself; all non-retryable because retrying cannot help. */
export function stepError(code: string, message: string, explanation: string, action: string): DrbotError {
  return new NonRetryableError(message, { code, explanation, action });
}
