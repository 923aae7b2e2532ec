/** What the rds.*, aurora.*, s3.* and ssm.putParameter actions share: their ports and the protected databases. */
import type { Database, DatabasePort, DbSnapshot } from '../../cloud/database.js';
import type { ObjectStoragePort } from '../../cloud/object-storage.js';
import { NonRetryableError } from '../../errors.js';
import type { DatabaseProtection } from '../../runbook/types.js';
import type { ActionContext, ActionDeps } from '../types.js';
import { protectedRegion } from './regions.js';

function notWired(action: string, capability: string): NonRetryableError {
  return new NonRetryableError(`${action} has no ${capability} side of the cloud to act on`, {
    code: 'CAPABILITY_NOT_WIRED',
    explanation: `This drbot process was started without the ${capability} adapter, so ${action} cannot run here.`,
    action: `Run it through the worker or \`npm start\`, which wire the ${capability} capability; in code, pass \`${capability}\` to createActionRegistry.`,
  });
}

export function databaseOf(deps: ActionDeps, action: string): DatabasePort {
  if (!deps.database) throw notWired(action, 'database');
  return deps.database;
}

export function objectStorageOf(deps: ActionDeps, action: string): ObjectStoragePort {
  if (!deps.objectStorage) throw notWired(action, 'objectStorage');
  return deps.objectStorage;
}

/** The databases spec.protect.databases selects on the protected side; fails when none match. */
export async function protectedDatabases(
  db: DatabasePort,
  ctx: ActionContext,
  action: string,
): Promise<Database[]> {
  const selector = ctx.runbook.spec.protect.databases;
  const region = protectedRegion(ctx.runbook, ctx.mode);
  if (!selector) {
    throw new NonRetryableError(`${action}: the runbook protects no databases`, {
      code: 'NO_PROTECTED_DATABASES',
      explanation:
        'spec.protect has no `databases` selector, so drbot does not know which databases are the tier’s.',
      action:
        'Add `spec.protect.databases: { tags: { <key>: <value> } }` to the runbook, or name the databases in the step.',
    });
  }
  const found = await db.listProtectedDatabases({ tags: selector.tags }, region);
  if (found.length === 0) {
    throw new NonRetryableError(`No protected database matches the runbook in ${region}`, {
      code: 'NO_PROTECTED_DATABASES',
      explanation: `spec.protect.databases (${JSON.stringify(selector.tags)}) matches no DB instance or cluster in ${region}.`,
      action: `Check the tags (aws rds describe-db-instances --region ${region} --query 'DBInstances[].TagList').`,
      context: { region },
    });
  }
  return found;
}

/** What one snapshot + copy pass of a tier's databases found. */
export interface DatabaseProtectPass {
  /** The protected databases the pass covered. */
  databases: Database[];
  /** Per database: its copy in the target region when it exists, else the source snapshot. */
  snapshots: DbSnapshot[];
  /** Copies deleted by the retention. */
  pruned: string[];
  /** Source database id → its copy, for the copies already available in the target region. */
  copies: Record<string, string>;
  /** Snapshots the cloud reports in state error. */
  failed: DbSnapshot[];
  /** Every database has its copy available in the target region. */
  done: boolean;
}

/**
 * One snapshot + copy pass of the databases `spec.protect.databases` selects, idempotent per
 * capture key (calling again reports progress). recovery.protect, the hourly protect function and
 * `drbot protect` all protect databases through this one function.
 */
export async function protectTierDatabases(
  database: DatabasePort,
  selector: DatabaseProtection,
  request: {
    sourceRegion: string;
    targetRegion: string;
    retention: number;
    captureKey: string;
    /** Keep to these database ids (a step resumed on the databases it started with). */
    only?: readonly string[];
  },
): Promise<DatabaseProtectPass> {
  const listed = await database.listProtectedDatabases({ tags: selector.tags }, request.sourceRegion);
  const databases = request.only ? listed.filter((d) => request.only?.includes(d.id)) : listed;
  if (databases.length === 0)
    return { databases, snapshots: [], pruned: [], copies: {}, failed: [], done: !request.only?.length };
  const result = await database.protectDatabases({
    databases,
    sourceRegion: request.sourceRegion,
    targetRegion: request.targetRegion,
    retention: request.retention,
    captureKey: request.captureKey,
    ...(selector.kmsKeyId ? { kmsKeyId: selector.kmsKeyId } : {}),
    ...(selector.optionGroups ? { optionGroups: selector.optionGroups } : {}),
  });
  const available = result.snapshots.filter(
    (s) => s.state === 'available' && s.region === request.targetRegion,
  );
  return {
    databases,
    snapshots: result.snapshots,
    pruned: result.pruned,
    copies: Object.fromEntries(available.map((s) => [s.sourceDbId, s.id])),
    failed: result.snapshots.filter((s) => s.state === 'error'),
    done: available.length >= (request.only?.length ?? databases.length),
  };
}

/** A database pass whose snapshots failed: what happened and what to check. */
export function databaseCopyFailedError(failed: readonly DbSnapshot[]): NonRetryableError {
  return new NonRetryableError(
    `Database snapshot copy failed for ${failed.map((s) => s.sourceDbId).join(', ')}`,
    {
      code: 'PROTECT_FAILED',
      explanation: `RDS reports the snapshots ${failed.map((s) => s.id).join(', ')} failed.`,
      action:
        'Check the snapshot copy in the RDS console (KMS key grants in the target region) and run the protection again.',
    },
  );
}
