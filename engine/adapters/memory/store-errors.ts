/**
 * The errors every RunStore raises, shared by the memory and DynamoDB stores so both say the
 * same thing for the same situation (the contract tests compare codes, people read the texts).
 */
import { ConflictError, NonRetryableError, NotFoundError } from '../../errors.js';

/** `createRun` found a run with the same id. */
export function runExistsError(runId: string): ConflictError {
  return new ConflictError(`Run ${runId} already exists.`, {
    code: 'RUN_EXISTS',
    explanation: 'Run ids are unique; a run with this id was created earlier, maybe by a retried request.',
    action: 'Load the existing run instead of creating it again, or start a new run with a fresh id.',
    context: { runId },
  });
}

/** `saveRun` lost an optimistic-locking race, or the run is missing. */
export function staleRunError(
  runId: string,
  expectedVersion: number,
  storedVersion: number | undefined,
): ConflictError {
  const found = storedVersion === undefined ? 'no stored run' : `stored version ${storedVersion}`;
  return new ConflictError(
    `Run ${runId} was not saved: expected version ${expectedVersion}, found ${found}.`,
    {
      code: 'RUN_VERSION_CONFLICT',
      explanation:
        storedVersion === undefined
          ? 'A run can only be saved after it was created.'
          : 'Another worker saved the run after this one loaded it (optimistic locking), so this copy is stale.',
      action:
        'Reload the run and apply the change again; the lease normally prevents this, so check for a second worker.',
      context: { runId, expectedVersion, storedVersion },
    },
  );
}

/**
 * A delta save left out steps that differ from the stored copy (the memory store's test check):
 * a bug in the executor's change tracking, which a delta-writing store would have lost.
 */
export function undeclaredChangesError(runId: string, stepKeys: string[]): NonRetryableError {
  const shown = stepKeys.slice(0, 5).join(', ');
  return new NonRetryableError(`Run ${runId} was not saved: step(s) ${shown} changed without being named.`, {
    code: 'STORE_UNDECLARED_CHANGE',
    explanation:
      'The save listed its changed steps (RunChanges) so a store can write only those, but these steps also differ from the stored copy and would have been lost.',
    action:
      'Name the step where it changes (RunSession.emit with its stepKey, or touch(stepKey) / changedStep(stepKey)), then run the tests again.',
    context: { runId, stepKeys },
  });
}

/** `appendAudit` found events already written for these sequence numbers. */
export function auditDuplicateError(runId: string, seqs: number[]): ConflictError {
  return new ConflictError(`Audit events ${seqs.join(', ')} of run ${runId} already exist.`, {
    code: 'AUDIT_SEQ_CONFLICT',
    explanation:
      'Each audit sequence number is written once, so two writers cannot both claim the same place in the trail.',
    action: 'Reload the run to learn its current audit sequence, then append after it.',
    context: { runId, seqs },
  });
}

/** A gate operation named a gate that `openGate` never created. */
export function gateNotFoundError(runId: string, stepKey: string): NotFoundError {
  return new NotFoundError(`No approval gate is open for step ${stepKey} of run ${runId}.`, {
    code: 'GATE_NOT_FOUND',
    explanation:
      'Approvals and decisions are recorded on a gate the engine opens when the approval step starts.',
    action: 'Check the run id and step; if the step has not started yet, wait for the approval request.',
    context: { runId, stepId: stepKey },
  });
}

/** A run or audit event failed the store's basic shape checks before any write. */
export function invalidRecordError(what: string, why: string): NonRetryableError {
  return new NonRetryableError(`Invalid ${what}: ${why}.`, {
    code: 'STORE_INVALID_RECORD',
    explanation: 'The store only accepts records that keep its keys and ordering meaningful.',
    action: 'This is a bug in the caller; report it with the run id.',
  });
}

/** `saveTier` lost an optimistic-locking race: another writer changed the tier first. */
export function staleTierError(
  runbook: string,
  expectedVersion: number,
  storedVersion: number | undefined,
): ConflictError {
  const found = storedVersion === undefined ? 'none stored' : `stored version ${storedVersion}`;
  return new ConflictError(
    `The tier state of ${runbook} was not saved: expected version ${expectedVersion}, found ${found}.`,
    {
      code: 'TIER_VERSION_CONFLICT',
      explanation:
        'Another run or command changed the tier state after this one read it, so this change is based on a stale state.',
      action: 'Read the tier state again (`status <runbook>`) and retry if the change still applies.',
      context: { runbook, expectedVersion, storedVersion },
    },
  );
}
