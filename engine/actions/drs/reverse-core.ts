/**
 * Reverse replication, shared by drs.reverseReplication and the tier lifecycle's `reprotect` of a
 * `method: drs` tier: ReverseReplication of each recovery instance that has no reversed source
 * server yet (reversing an already-reversed instance is a no-op), and the readiness of the
 * reversed servers (continuous replication or not, with progress).
 */
import type { MutationGuard } from '../../cloud/compute.js';
import type { ReplicationPort, SourceServer } from '../../cloud/replication.js';

export interface ReverseResult {
  /** The reversed source servers, in the order of the recovery instances. */
  reversed: string[];
  /** Recovery instances whose reversed server already existed (no ReverseReplication call). */
  already: string[];
}

export async function reverseRecoveryInstances(
  replication: ReplicationPort,
  recoveryInstanceIds: readonly string[],
  regions: { live: string; origin: string },
  guard: MutationGuard,
): Promise<ReverseResult> {
  const existing = new Map<string, string>();
  for (const s of await replication.sourceServers(regions.origin))
    if (s.reversedFromRecoveryInstanceId) existing.set(s.reversedFromRecoveryInstanceId, s.sourceServerId);
  const reversed: string[] = [];
  const already: string[] = [];
  for (const id of recoveryInstanceIds) {
    const found = existing.get(id);
    if (found) {
      already.push(id);
      reversed.push(found);
    } else {
      reversed.push(await replication.reverseReplication(id, regions.live, guard));
    }
  }
  return { reversed, already };
}

/** A server's replication progress for messages: `continuous`, or the state with its sync %. */
export function progressOf(s: SourceServer): string {
  if (s.replicationState === 'CONTINUOUS') return 'continuous';
  return `${s.replicationState}${s.initialSyncPercent !== undefined ? ` ${s.initialSyncPercent}%` : ''}`;
}

/** The reversed servers as DRS reports them now, and how many are not continuous yet (missing included). */
export async function reversedProgress(
  replication: ReplicationPort,
  origin: string,
  reversed: readonly string[],
): Promise<{ servers: SourceServer[]; waiting: number }> {
  const servers = (await replication.sourceServers(origin)).filter((s) =>
    reversed.includes(s.sourceServerId),
  );
  const waiting =
    reversed.length - servers.length + servers.filter((s) => s.replicationState !== 'CONTINUOUS').length;
  return { servers, waiting };
}
