/**
 * The doctor's replication readiness for a `spec.protect.method: drs` tier: per DRS source server
 * its replication state, lag against the RPO, backlog and newest point-in-time snapshot, judged
 * like drs.readiness (engine/actions/drs/readiness-rows.ts). Each unready server is a blocker
 * with its remedy; the rows travel on the report so the CLI, the shell and Slack show them.
 */
import {
  DEFAULT_MAX_SNAPSHOT_AGE_MS,
  judgeServer,
  type ReplicationRow,
  replicationRowLine,
} from '../actions/drs/readiness-rows.js';
import { tierSourceServers } from '../actions/drs/servers.js';
import type { CloudProvider } from '../cloud/provider.js';
import type { ReplicationPort } from '../cloud/replication.js';
import { parseDuration } from '../duration.js';
import { DrbotError } from '../errors.js';
import type { Mode, Runbook } from '../runbook/types.js';
import type { DoctorReport, Finding } from './doctor.js';

export interface ReplicationReadiness {
  /** Where DRS runs for this check (the recovery side of `mode`). */
  region: string;
  mode: Mode;
  rpoMs: number;
  now: number;
  rows: ReplicationRow[];
}

export interface ReplicationCheckInput {
  cloud: CloudProvider;
  /** Absent when this process has no replication adapter (a CHECK_FAILED warning). */
  replication?: ReplicationPort;
  runbook: Pick<Runbook, 'metadata' | 'spec'>;
  now: number;
  /** The recovery the check is for: `failback` once the tier is reprotected. @default failover */
  mode?: Mode;
}

export async function gatherReplicationReadiness(
  input: ReplicationCheckInput & { replication: ReplicationPort },
): Promise<ReplicationReadiness> {
  const { runbook, now, replication } = input;
  const mode = input.mode ?? 'failover';
  const rpoMs = parseDuration(runbook.spec.objectives.rpo);
  const { region, servers } = await tierSourceServers({ cloud: input.cloud, replication }, runbook, mode);
  const rows: ReplicationRow[] = [];
  for (const s of servers) {
    const newest = (await replication.recoverySnapshots(s.sourceServerId, region))[0];
    rows.push(
      judgeServer(s, newest?.takenAt ?? s.lastSnapshotAt, {
        maxLagMs: rpoMs,
        maxSnapshotAgeMs: DEFAULT_MAX_SNAPSHOT_AGE_MS,
        now,
        region,
      }),
    );
  }
  return { region, mode, rpoMs, now, rows };
}

/** One blocker per unready server. */
export function replicationFindings(readiness: ReplicationReadiness): Finding[] {
  return readiness.rows
    .filter((r) => r.problem)
    .map((r) => ({
      code: r.state === 'CONTINUOUS' ? 'DRS_LAGGING' : 'DRS_NOT_CONTINUOUS',
      severity: 'blocker',
      subject: r.sourceServerId,
      message: `DRS source server ${r.sourceServerId}${r.sourceInstanceId ? ` (${r.sourceInstanceId})` : ''} is ${r.state}: ${r.problem}`,
      remedy: r.remedy ?? 'Check the server in the DRS console.',
    }));
}

const SNAPSHOT_POINT_CODES = new Set<Finding['code']>(['NO_RECOVERY_POINT', 'RECOVERY_POINT_TOO_OLD']);

/**
 * The report with the tier's replication readiness added (rows and findings) in place of the
 * snapshot recovery-point findings; unchanged for a snapshot tier. A check that cannot be made
 * is a CHECK_FAILED warning, never a crash.
 */
export async function withReplicationReadiness(
  report: DoctorReport,
  input: ReplicationCheckInput,
): Promise<DoctorReport> {
  if (input.runbook.spec.protect.method !== 'drs') return report;
  let findings: Finding[];
  let replication: ReplicationReadiness | undefined;
  if (!input.replication) {
    findings = [
      {
        code: 'CHECK_FAILED',
        severity: 'warning',
        subject: 'replication',
        message: `Could not check replication: ${input.runbook.metadata.name} uses Elastic Disaster Recovery and this process has no replication adapter.`,
        remedy: 'Run the doctor from `drbot doctor`, `drbot shell` or `drbot serve`.',
      },
    ];
  } else {
    try {
      replication = await gatherReplicationReadiness({ ...input, replication: input.replication });
      findings = replicationFindings(replication);
    } catch (err) {
      const known = err instanceof DrbotError;
      findings = [
        {
          code:
            known && err.code === 'NO_PROTECTED_SOURCE_SERVERS'
              ? 'NO_PROTECTED_SOURCE_SERVERS'
              : 'CHECK_FAILED',
          severity: known && err.code === 'NO_PROTECTED_SOURCE_SERVERS' ? 'blocker' : 'warning',
          subject: 'replication',
          message: known ? err.message : `Could not check replication: ${String(err)}`,
          remedy: known
            ? err.action
            : 'Check the credentials and permissions drbot runs with, then run the doctor again.',
        },
      ];
    }
  }
  // a drs tier recovers from DRS point-in-time snapshots, not EBS snapshots: those findings are moot
  const kept = report.findings.filter((f) => !SNAPSHOT_POINT_CODES.has(f.code));
  const all = [...kept, ...findings];
  return {
    ...report,
    findings: all,
    blocking: all.some((f) => f.severity === 'blocker'),
    ...(replication ? { replication } : {}),
  };
}

/** Text lines of the replication section (empty without one). */
export function replicationReadinessLines(readiness: ReplicationReadiness | undefined): string[] {
  if (!readiness) return [];
  return [
    `Replication (DRS in ${readiness.region}, ${readiness.rows.length} source server(s)):`,
    ...readiness.rows.map((r) => `  ${replicationRowLine(r, readiness.rpoMs, readiness.now)}`),
  ];
}
