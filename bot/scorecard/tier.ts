/**
 * The tier part of the drill scorecard: which site is live, which way it is protected (and the
 * newest point's age against the RPO), an uncommitted failover, and the last drill. Read from the
 * tier state (engine/tier/) so the weekly scorecard says what the DR system is, not only what
 * this drill measured. Pure: `loadScorecard` reads the state.
 */
import type { Run } from '../../engine/run.js';
import { shortRun } from '../../engine/tier/machine.js';
import type { RunOutcome, TierState } from '../../engine/tier/types.js';
import { duration } from '../render/format.js';

export interface ScorecardTier {
  active: { side: 'source' | 'target'; region: string; sinceRun?: string };
  protection: { direction: string; state: string; newestPointAgeMs?: number; overRpo: boolean };
  uncommitted?: { runId: string; ageMs: number; rollbackDue: boolean };
  lastDrill?: RunOutcome;
}

/** The tier facts for the scorecard of `run`; its own end counts when the state is behind it. */
export function scorecardTier(tier: TierState, run: Run, now: number): ScorecardTier {
  const point = tier.protection.newestPoint;
  const age = point ? now - point.capturedAt : undefined;
  const ended = run.endedAt ?? run.updatedAt;
  const own: RunOutcome = { runId: run.id, outcome: run.status, at: ended };
  if (run.measures.rtoMs !== undefined) own.rtoMs = run.measures.rtoMs;
  const lastDrill = tier.lastDrill && tier.lastDrill.at >= ended ? tier.lastDrill : own;
  const out: ScorecardTier = {
    active: {
      side: tier.active.side,
      region: tier.active.region,
      ...(tier.active.sinceRun ? { sinceRun: tier.active.sinceRun } : {}),
    },
    protection: {
      direction: tier.protection.direction,
      state: tier.protection.state,
      ...(age !== undefined ? { newestPointAgeMs: age } : {}),
      overRpo: age !== undefined && age > run.measures.objectives.rpoMs,
    },
    lastDrill,
  };
  if (tier.pendingCommit) {
    out.uncommitted = {
      runId: tier.pendingCommit.runId,
      ageMs: now - tier.pendingCommit.since,
      rollbackDue: tier.pendingCommit.rollbackDue !== undefined,
    };
  }
  return out;
}

function daysAgo(at: number, now: number): string {
  const days = Math.floor((now - at) / 86_400_000);
  return days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
}

/** The tier lines, the same for Slack and the terminal. */
export function tierScorecardLines(t: ScorecardTier, runbook: string, now: number): string[] {
  const since = t.active.sinceRun ? ` since run ${shortRun(t.active.sinceRun)}` : '';
  const p = t.protection;
  const point =
    p.newestPointAgeMs === undefined
      ? ''
      : ` · newest point ${duration(p.newestPointAgeMs)} old${p.overRpo ? ' ⚠️ over RPO' : ''}`;
  const lines = [
    `Active site: ${t.active.region} (${t.active.side})${since}`,
    `Protection: ${p.direction}, ${p.state}${point}${p.state === 'none' ? ' ⚠️ not protected' : ''}`,
  ];
  const u = t.uncommitted;
  if (u) {
    lines.push(
      u.rollbackDue
        ? `⚠️ Rollback due: failover run ${shortRun(u.runId)} was not committed in time. Next: \`failback ${runbook}\` or \`commit ${u.runId}\``
        : `⚠️ Uncommitted failover: run ${shortRun(u.runId)} for ${duration(u.ageMs)}. Next: \`commit ${u.runId}\` or \`switch-point ${u.runId} <point>\``,
    );
  }
  const d = t.lastDrill;
  if (d) {
    const rto = d.rtoMs !== undefined ? ` · RTO ${duration(d.rtoMs)}` : '';
    lines.push(
      `Last drill: ${d.outcome === 'succeeded' ? 'pass' : d.outcome} ${daysAgo(d.at, now)} (run ${shortRun(d.runId)})${rto}`,
    );
  }
  return lines;
}
