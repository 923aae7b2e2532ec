/** The newest point-in-time snapshot of each of the tier's DRS source servers (recovery.latestPoint). */
import type { CloudProvider } from '../../cloud/provider.js';
import type { ReplicationPort } from '../../cloud/replication.js';
import { NonRetryableError } from '../../errors.js';
import type { ActionContext } from '../types.js';
import { labelOf, protectedServers } from './servers.js';

export interface DrsPoints {
  region: string;
  /** Source server id → snapshot id. */
  points: Record<string, string>;
  oldest: number;
}

export async function latestDrsPoints(
  deps: { cloud: CloudProvider; replication: ReplicationPort },
  ctx: ActionContext,
): Promise<DrsPoints> {
  const { region, servers } = await protectedServers(deps, ctx);
  const points: Record<string, string> = {};
  const missing: string[] = [];
  let oldest = Number.POSITIVE_INFINITY;
  for (const s of servers) {
    const newest = (await deps.replication.recoverySnapshots(s.sourceServerId, region))[0];
    if (!newest) {
      missing.push(`${labelOf(s)} (${s.replicationState})`);
      continue;
    }
    points[s.sourceServerId] = newest.snapshotId;
    oldest = Math.min(oldest, newest.takenAt);
  }
  if (missing.length > 0) {
    throw new NonRetryableError(`No point-in-time snapshot in ${region} for ${missing.join(', ')}`, {
      code: 'NO_RECOVERY_POINT',
      explanation:
        'These DRS source servers have not reached continuous replication yet, so DRS has no consistent snapshot to launch.',
      action: 'Run drs.readiness to see their state, wait for the initial sync, and start again.',
      context: { missing, region },
    });
  }
  return { region, points, oldest };
}
