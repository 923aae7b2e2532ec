/**
 * Replication readiness of one DRS source server, judged the same way by drs.readiness, the
 * doctor and the drill scorecard: not in continuous replication, lag over the RPO, or no recent
 * point-in-time snapshot, each with the remedy. Pure, plus a one-line rendering for text and chat.
 */
import type { ReplicationState, SourceServer } from '../../cloud/replication.js';
import { formatDuration } from '../../duration.js';

/** One server's readiness (also the shape of drs.readiness's `servers` output values). */
export interface ReplicationRow {
  sourceServerId: string;
  sourceInstanceId?: string;
  state: ReplicationState | string;
  lagMs?: number;
  backlogBytes: number;
  lastSnapshotAt?: number;
  /** Why it is not ready; absent when ready. */
  problem?: string;
  remedy?: string;
}

export interface ReadinessLimits {
  /** The most lag accepted (the RPO unless the step says otherwise). */
  maxLagMs: number;
  /** The oldest acceptable newest point-in-time snapshot. */
  maxSnapshotAgeMs: number;
  now: number;
  /** The DRS region, for remedies that name the console. */
  region: string;
}

/** DRS takes a point-in-time snapshot every 10 minutes: none within the hour means they stopped. */
export const DEFAULT_MAX_SNAPSHOT_AGE_MS = 60 * 60_000;

/** What to do about a server in each state that is not continuous replication. */
export function remedyOf(
  s: Pick<SourceServer, 'replicationState' | 'initialSyncPercent' | 'error'>,
  region: string,
): string {
  switch (s.replicationState) {
    case 'INITIATING':
    case 'INITIAL_SYNC':
      return `wait for the initial sync to finish${s.initialSyncPercent !== undefined ? ` (${s.initialSyncPercent}% done)` : ''}`;
    case 'STALLED':
      return `replication is stalled${s.error ? ` (${s.error})` : ''}: check that the instance reaches the staging subnet on TCP 1500 and DRS on 443, then RetryDataReplication in the DRS console (${region})`;
    case 'DISCONNECTED':
      return 'the agent has not been seen: check the instance is running, then reinstall the agent (drs.installAgent)';
    case 'PAUSED':
    case 'STOPPED':
      return `replication is ${s.replicationState.toLowerCase()}: start it again in the DRS console (${region}), StartReplication`;
    default:
      return 'wait for DRS to return to continuous replication (it is catching up)';
  }
}

/** The readiness row of a server whose newest snapshot was taken at `lastSnapshotAt`. */
export function judgeServer(
  s: SourceServer,
  lastSnapshotAt: number | undefined,
  limits: ReadinessLimits,
): ReplicationRow {
  const row: ReplicationRow = {
    sourceServerId: s.sourceServerId,
    ...(s.sourceInstanceId ? { sourceInstanceId: s.sourceInstanceId } : {}),
    state: s.replicationState,
    ...(s.lagMs !== undefined ? { lagMs: s.lagMs } : {}),
    backlogBytes: s.backlogBytes,
    ...(lastSnapshotAt !== undefined ? { lastSnapshotAt } : {}),
  };
  const { maxLagMs, maxSnapshotAgeMs, now, region } = limits;
  if (s.replicationState !== 'CONTINUOUS') {
    return { ...row, problem: 'not in continuous replication', remedy: remedyOf(s, region) };
  }
  if (s.lagMs !== undefined && s.lagMs > maxLagMs) {
    return {
      ...row,
      problem: `lags ${formatDuration(s.lagMs)}, over the ${formatDuration(maxLagMs)} allowed`,
      remedy: remedyOf({ ...s, replicationState: 'BACKLOG' }, region),
    };
  }
  if (lastSnapshotAt === undefined || now - lastSnapshotAt > maxSnapshotAgeMs) {
    return {
      ...row,
      problem:
        lastSnapshotAt === undefined
          ? 'has no point-in-time snapshot'
          : `newest snapshot is ${formatDuration(now - lastSnapshotAt)} old`,
      remedy: 'wait for the next point-in-time snapshot (DRS takes one every 10 minutes)',
    };
  }
  return row;
}

/** `1.5 MiB`, `0 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** "s-1 (i-0a…): CONTINUOUS, lag 4s of 1m RPO, backlog 0 B, newest snapshot 3m ago ✓" */
export function replicationRowLine(row: ReplicationRow, rpoMs: number, now: number): string {
  const label = row.sourceInstanceId ? `${row.sourceServerId} (${row.sourceInstanceId})` : row.sourceServerId;
  const lag =
    row.lagMs === undefined
      ? 'no lag reported'
      : `lag ${formatDuration(row.lagMs)} of ${formatDuration(rpoMs)} RPO`;
  const snapshot =
    row.lastSnapshotAt === undefined
      ? 'no point-in-time snapshot'
      : `newest snapshot ${formatDuration(Math.max(0, now - row.lastSnapshotAt))} ago`;
  const verdict = row.problem ? `✗ ${row.problem}` : '✓';
  return `${label}: ${row.state}, ${lag}, backlog ${formatBytes(row.backlogBytes)}, ${snapshot} ${verdict}`;
}
