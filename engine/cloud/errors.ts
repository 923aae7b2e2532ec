/**
 * Refusals every data-tier provider raises the same way, so the sim and AWS adapters say the same
 * thing: the run-time half of drill safety (lint is the other half), identifier collisions and
 * missing encryption keys.
 */
import { NonRetryableError } from '../errors.js';

/** A drill (or any run, for deletes) touched a database or bucket it did not create. */
export class DataTierSafetyError extends NonRetryableError {
  constructor(verb: string, what: string, runId: string) {
    super(`Refused to ${verb} ${what}: this run did not create it.`, {
      code: 'DRILL_SAFETY',
      explanation: `drbot only ${verb}s databases tagged drbot:run-id=${runId} here; ${what} is not.`,
      action:
        'Act only on what this run restored (runOwned: true or the restore step outputs); to promote or fail over production use a failover run behind the two-person approval.',
      context: { runId, resource: what },
    });
  }
}

export class DbIdentifierCollisionError extends NonRetryableError {
  constructor(identifier: string, region: string, owner: string | undefined) {
    super(`A database named ${identifier} already exists in ${region}.`, {
      code: 'DB_IDENTIFIER_TAKEN',
      explanation: owner
        ? `It belongs to run ${owner}, not to this run and step, so restoring over it would hide someone else's database.`
        : 'It was not created by drbot, so drbot will not reuse or replace it.',
      action: `Delete or rename ${identifier} in ${region} (aws rds describe-db-instances --db-instance-identifier ${identifier} --region ${region}), or give the step another \`identifier\`.`,
      context: { identifier, region },
    });
  }
}

export class KmsKeyRequiredError extends NonRetryableError {
  constructor(dbId: string, region: string) {
    super(`The snapshot of ${dbId} is encrypted and no KMS key of ${region} is given.`, {
      code: 'KMS_KEY_REQUIRED',
      explanation:
        'A KMS key cannot leave its region: the cross-region copy must be re-encrypted with a key of the target region.',
      action: `Set \`spec.protect.databases.kmsKeyId\` to a key ARN in ${region} (aws kms list-aliases --region ${region}).`,
      context: { dbId, region },
    });
  }
}

export class DatabaseNotFoundError extends NonRetryableError {
  constructor(id: string, region: string) {
    super(`No database ${id} in ${region}.`, {
      code: 'DB_NOT_FOUND',
      explanation: `The cloud has no DB instance or cluster named ${id} in ${region}.`,
      action: `Check the identifier in the step's \`with\` (aws rds describe-db-instances --region ${region}).`,
      context: { id, region },
    });
  }
}

/** The run-time half of DRS drill safety: the adapters refuse what a drill must never do. */
export class DrsSafetyError extends NonRetryableError {
  constructor(what: string, why: string, runId: string, context: Record<string, unknown> = {}) {
    super(`Refused to ${what} in drill ${runId}.`, {
      code: 'DRILL_SAFETY',
      explanation: why,
      action:
        'Keep drills to isDrill launches and the recovery instances they launched (drs.launch, drs.terminateRecoveryInstances with runOwned); reverse replication belongs to a committed failover.',
      context: { runId, ...context },
    });
  }
}
