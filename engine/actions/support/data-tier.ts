/** What the rds.*, aurora.*, s3.* and ssm.putParameter actions share: their ports and the protected databases. */
import type { Database, DatabasePort } from '../../cloud/database.js';
import type { ObjectStoragePort } from '../../cloud/object-storage.js';
import { NonRetryableError } from '../../errors.js';
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
