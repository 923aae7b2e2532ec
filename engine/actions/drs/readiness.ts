/**
 * drs.readiness: the replication state of each of the tier's DRS source servers, their lag,
 * backlog and newest point-in-time snapshot. It fails with the exact state and the remedy when a
 * server is not in continuous replication or lags beyond the RPO; the `force` start parameter
 * lets a failover proceed anyway (the launch still waits for the two-person approval).
 */
import { parseDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import { durationMs } from '../support/inputs.js';
import { duration } from '../support/schemas.js';
import { type ActionContext, type ActionDeps, type ActionHandler, defineAction } from '../types.js';
import { DEFAULT_MAX_SNAPSHOT_AGE_MS, judgeServer } from './readiness-rows.js';
import { labelOf, protectedServers, replicationOf } from './servers.js';

interface Problem {
  server: string;
  state: string;
  why: string;
  remedy: string;
}

function forced(ctx: ActionContext): boolean {
  const given = ctx.inputs.force ?? ctx.params.force;
  return given === true || given === 'true';
}

export function readinessHandler(deps: Pick<ActionDeps, 'cloud' | 'replication'>): ActionHandler {
  return {
    async start(ctx) {
      const replication = replicationOf(deps, 'drs.readiness');
      const maxLag =
        durationMs('drs.readiness', ctx.inputs, 'maxLag') ?? parseDuration(ctx.runbook.spec.objectives.rpo);
      // DRS snapshots every 10 minutes: none within the hour means snapshots stopped
      const maxSnapshotAge =
        durationMs('drs.readiness', ctx.inputs, 'maxSnapshotAge') ?? DEFAULT_MAX_SNAPSHOT_AGE_MS;
      const { region, servers } = await protectedServers({ cloud: deps.cloud, replication }, ctx);
      const now = ctx.now();
      const problems: Problem[] = [];
      const report: Record<string, unknown> = {};
      const points: Record<string, string> = {};
      for (const s of servers) {
        const newest = (await replication.recoverySnapshots(s.sourceServerId, region))[0];
        const lastSnapshotAt = newest?.takenAt ?? s.lastSnapshotAt;
        const row = judgeServer(s, lastSnapshotAt, {
          maxLagMs: maxLag,
          maxSnapshotAgeMs: maxSnapshotAge,
          now,
          region,
        });
        report[s.sourceServerId] = {
          sourceInstanceId: s.sourceInstanceId,
          state: s.replicationState,
          lagMs: s.lagMs,
          backlogBytes: s.backlogBytes,
          lastSnapshotAt,
        };
        if (newest) points[s.sourceServerId] = newest.snapshotId;
        if (row.problem)
          problems.push({
            server: labelOf(s),
            state: s.replicationState,
            why: row.problem,
            remedy: row.remedy!,
          });
      }
      const outputs = { servers: report, points, ready: problems.length === 0, forced: false };
      if (problems.length === 0) return { status: 'done', outputs };
      const lines = problems.map((p) => `${p.server} is ${p.state}: ${p.why}; ${p.remedy}`);
      if (forced(ctx) && ctx.mode !== 'drill') {
        ctx.note(`Proceeding with force despite: ${lines.join(' | ')}`, { problems });
        return { status: 'done', outputs: { ...outputs, forced: true } };
      }
      throw new NonRetryableError(
        `${problems.length} of ${servers.length} source servers are not ready: ${lines.join('; ')}`,
        {
          code: 'DRS_NOT_READY',
          explanation: `Recovering now would launch from stale or incomplete replicas (DRS in ${region}).`,
          action:
            ctx.mode === 'drill'
              ? 'Fix the servers as listed, then start the drill again.'
              : 'Fix the servers as listed and start again; or start again with `force=true` to recover from the newest snapshots anyway (the launch still needs the two-person approval).',
          context: { problems, region },
        },
      );
    },
  };
}

export default defineAction({
  name: 'drs.readiness',
  typicalDuration: '30s',
  description:
    "Replication readiness of the tier's Elastic Disaster Recovery source servers: state, lag, backlog and newest point-in-time snapshot. Fails with the exact state and the remedy when a server is not in continuous replication or lags beyond maxLag; a failover started with `force=true` proceeds (still behind its approval).",
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxLag: {
        ...duration,
        description: 'The most lag (and snapshot age) accepted. @default spec.objectives.rpo',
      },
      maxSnapshotAge: {
        ...duration,
        description:
          'The oldest acceptable newest point-in-time snapshot (DRS takes one every 10 minutes). @default 1h',
      },
      force: {
        type: 'boolean',
        description:
          'Proceed past unready servers (failover/failback only). @default the `force` start parameter',
      },
    },
  },
  outputs: {
    servers: 'Map of source server id → { sourceInstanceId, state, lagMs, backlogBytes, lastSnapshotAt }.',
    points: 'Map of source server id → its newest point-in-time snapshot id.',
    ready: 'Whether every server was ready.',
    forced: 'Whether the step passed only because of `force`.',
  },
  capabilities: ['compute', 'replication'],
  effects: () => [
    { verb: 'read', scope: 'protected', what: 'instances' },
    { verb: 'read', scope: 'recovery', what: 'DRS source servers and snapshots' },
  ],
  permissions: {
    aws: [
      { statement: 'DescribeFleet', actions: ['ec2:DescribeInstances'] },
      {
        statement: 'DescribeReplication',
        actions: ['drs:DescribeSourceServers', 'drs:DescribeRecoverySnapshots'],
      },
    ],
  },
  handler: readinessHandler,
});
