/**
 * The tier view (`status <runbook>`, `list`, `commit`, `reprotect`) and the recovery points
 * (`points <runbook>`), as plain lines: the shell prints them, Slack puts them in sections.
 */
import { shortRun, siteLabel } from '../../engine/tier/machine.js';
import type { RunOutcome, TierState } from '../../engine/tier/types.js';
import { duration } from './format.js';

export interface PointRow {
  instanceId: string;
  pointId: string;
  capturedAt: number;
  appConsistent: boolean;
  region: string;
}

function daysAgo(at: number, now: number): string {
  const days = Math.floor((now - at) / 86_400_000);
  return days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
}

function outcomeLine(label: string, o: RunOutcome | undefined, now: number): string {
  if (!o) return `${label}: never`;
  const rto = o.rtoMs !== undefined ? ` · RTO ${duration(o.rtoMs)}` : '';
  const rpo = o.rpoMs !== undefined ? ` · RPO ${duration(o.rpoMs)}` : '';
  return `${label}: ${o.outcome === 'succeeded' ? 'pass' : o.outcome} ${daysAgo(o.at, now)} (run ${shortRun(o.runId)})${rto}${rpo}`;
}

/** What the tier waits for, in one sentence with the command to type. */
export function tierNext(tier: TierState): string {
  const name = tier.runbook;
  if (tier.inFlight) return `a ${tier.inFlight.mode} is in flight (run ${shortRun(tier.inFlight.runId)})`;
  if (tier.pendingCommit) {
    const id = tier.pendingCommit.runId;
    if (tier.pendingCommit.rollbackDue)
      return `ROLLBACK DUE (not committed within spec.commit.timeout): \`failback ${name}\` or \`commit ${id}\``;
    return `UNCOMMITTED failover: \`commit ${id}\` or \`switch-point ${id} <point>\``;
  }
  if (tier.active.side === 'target') {
    return tier.protection.direction === 'target→source'
      ? `next: \`failback ${name}\``
      : `next: \`reprotect ${name}\``;
  }
  return 'ready';
}

/** One line per tier for `list`: active site, protection, newest point's age, last drill. */
export function tierSummary(tier: TierState, rpoMs: number, now: number): string {
  const point = tier.protection.newestPoint;
  const age = point
    ? ` · newest point ${duration(now - point.capturedAt)} old${now - point.capturedAt > rpoMs ? ' ⚠ over RPO' : ''}`
    : '';
  const drill = tier.lastDrill
    ? ` · last drill ${tier.lastDrill.outcome === 'succeeded' ? 'pass' : 'FAIL'} ${daysAgo(tier.lastDrill.at, now)}`
    : ' · never drilled';
  return `live in ${siteLabel(tier.active)} (${tier.active.side}) · ${protectionWords(tier.protection)}${age}${drill} · ${tierNext(tier)}`;
}

/** `protection source→target`, `protection target→source paused`, `unprotected`. */
function protectionWords(p: TierState['protection']): string {
  if (p.state === 'none') return 'unprotected';
  return `protection ${p.direction}${p.state === 'paused' ? ' paused' : ''}`;
}

/** The whole tier view for `status <runbook>`. */
export function tierLines(tier: TierState, rpoMs: number, now: number): string[] {
  const p = tier.protection;
  const lines = [
    `${tier.runbook}: live in ${siteLabel(tier.active)} (${tier.active.side})${tier.active.sinceRun ? ` since run ${shortRun(tier.active.sinceRun)}` : ''}`,
    `  ${protectionWords(p)}; ${p.inventory.length || 'no'} instance(s) recorded${p.inventory.length ? `: ${p.inventory.map((i) => (i.instanceId === i.sourceId ? i.instanceId : `${i.instanceId}←${i.sourceId}`)).join(', ')}` : ''}`,
  ];
  if (p.newestPoint) {
    const age = now - p.newestPoint.capturedAt;
    lines.push(
      `  newest point: ${p.newestPoint.id}, ${duration(age)} old (RPO ${duration(rpoMs)}${age > rpoMs ? ', OVER' : ''})`,
    );
  }
  const pending = tier.pendingCommit;
  if (pending) {
    const rpo = pending.rpoMeasuredMs ?? pending.rpoClaimedMs;
    lines.push(
      `  uncommitted failover: run ${pending.runId}${pending.point ? ` from point ${pending.point.id} (captured ${new Date(pending.point.capturedAt).toISOString()})` : ''}${rpo !== undefined ? `, RPO ${duration(rpo)}` : ''}`,
      `    type: commit ${pending.runId}   or: switch-point ${pending.runId} <point>   (points ${tier.runbook} lists them)`,
    );
  }
  if (tier.committed)
    lines.push(
      `  committed by ${tier.committed.by}${tier.committed.auto ? ' after the commit timeout' : ''} (run ${shortRun(tier.committed.runId)})`,
    );
  lines.push(
    `  ${outcomeLine('last drill', tier.lastDrill, now)}`,
    `  ${outcomeLine('last failover', tier.lastFailover, now)}`,
    `  ${outcomeLine('last failback', tier.lastFailback, now)}`,
    `  ${tierNext(tier)}`,
  );
  return lines;
}

/** `points <runbook>`: one line per point, newest first within each instance. */
export function pointsLines(runbook: string, rows: PointRow[], now: number): string[] {
  if (rows.length === 0) return [`${runbook} has no recovery points yet. Run: protect ${runbook}`];
  const lines = [
    `Recovery points of ${runbook} (newest first):`,
    'instance · point · captured (UTC) · age · consistency · region',
  ];
  for (const r of rows) {
    lines.push(
      `${r.instanceId} · ${r.pointId} · ${new Date(r.capturedAt).toISOString().slice(0, 19)} · ${duration(now - r.capturedAt)} · ${r.appConsistent ? 'app-consistent' : 'crash-consistent'} · ${r.region}`,
    );
  }
  return lines;
}
