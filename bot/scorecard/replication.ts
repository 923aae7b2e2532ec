/**
 * The drill scorecard's replication readiness, for `method: drs` tiers: what the drill's
 * drs.readiness step saw per source server (state, lag against the RPO, backlog, newest
 * point-in-time snapshot), judged like the doctor. Pure over the run record: no cloud access.
 */
import {
  DEFAULT_MAX_SNAPSHOT_AGE_MS,
  judgeServer,
  type ReplicationRow,
  replicationRowLine,
} from '../../engine/actions/drs/readiness-rows.js';
import type { ReplicationState } from '../../engine/cloud/replication.js';
import type { Run } from '../../engine/run.js';

export interface ScorecardReplication {
  rpoMs: number;
  /** When the readiness step looked. */
  at: number;
  rows: ReplicationRow[];
  /** The step's error when it refused (no rows then). */
  error?: string;
}

interface ServerOutput {
  sourceInstanceId?: string;
  state: ReplicationState;
  lagMs?: number;
  backlogBytes?: number;
  lastSnapshotAt?: number;
}

/** The replication readiness the run's first drs.readiness step recorded; undefined without one. */
export function replicationOfRun(run: Run): ScorecardReplication | undefined {
  const step = Object.values(run.steps).find((s) => s.action === 'drs.readiness' && s.phase === 'main');
  if (!step || step.status === 'pending' || step.status === 'skipped') return undefined;
  const rpoMs = run.measures.objectives.rpoMs;
  const at = step.endedAt ?? step.startedAt ?? run.createdAt;
  const servers = (step.outputs?.servers ?? {}) as Record<string, ServerOutput>;
  const rows = Object.entries(servers).map(([sourceServerId, s]) =>
    judgeServer(
      {
        sourceServerId,
        region: '',
        ...(s.sourceInstanceId ? { sourceInstanceId: s.sourceInstanceId } : {}),
        replicationState: s.state,
        ...(s.lagMs !== undefined && s.lagMs !== null ? { lagMs: s.lagMs } : {}),
        backlogBytes: s.backlogBytes ?? 0,
        tags: {},
      },
      s.lastSnapshotAt ?? undefined,
      {
        maxLagMs: rpoMs,
        maxSnapshotAgeMs: DEFAULT_MAX_SNAPSHOT_AGE_MS,
        now: at,
        region: 'the recovery region',
      },
    ),
  );
  return { rpoMs, at, rows, ...(step.error ? { error: step.error.message } : {}) };
}

/** Plain lines of the replication section (empty without one). */
export function scorecardReplicationLines(replication: ScorecardReplication | undefined): string[] {
  if (!replication) return [];
  if (replication.rows.length === 0)
    return [`Replication readiness: ${replication.error ?? 'no source server reported'}`];
  const ready = replication.rows.filter((r) => !r.problem).length;
  return [
    `Replication readiness: ${ready}/${replication.rows.length} source server(s) ready`,
    ...replication.rows.map((r) => `  ${replicationRowLine(r, replication.rpoMs, replication.at)}`),
  ];
}
