/**
 * drs.readiness: the replication state of each of the tier's DRS source servers, their lag,
 * backlog and newest point-in-time snapshot. It fails with the exact state and the remedy when a
 * server is not in continuous replication or lags beyond the RPO; the `force` start parameter
 * lets a failover proceed anyway (the launch still waits for the two-person approval).
 */
import type { SourceServer } from '../../cloud/replication.js';
import { formatDuration, parseDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import { durationMs } from '../support/inputs.js';
import { duration } from '../support/schemas.js';
import { type ActionContext, type ActionDeps, type ActionHandler, defineAction } from '../types.js';
import { labelOf, protectedServers, replicationOf } from './servers.js';

/** What to do about a server in each state that is not continuous replication. */
export function remedyOf(s: SourceServer, region: string): string {
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
      const maxSnapshotAge = durationMs('drs.readiness', ctx.inputs, 'maxSnapshotAge') ?? parseDuration('1h');
      const { region, servers } = await protectedServers({ cloud: deps.cloud, replication }, ctx);
      const now = ctx.now();
      const problems: Problem[] = [];
      const report: Record<string, unknown> = {};
      const points: Record<string, string> = {};
      for (const s of servers) {
        const newest = (await replication.recoverySnapshots(s.sourceServerId, region))[0];
        const lastSnapshotAt = newest?.takenAt ?? s.lastSnapshotAt;
        report[s.sourceServerId] = {
          sourceInstanceId: s.sourceInstanceId,
          state: s.replicationState,
          lagMs: s.lagMs,
          backlogBytes: s.backlogBytes,
          lastSnapshotAt,
        };
        if (newest) points[s.sourceServerId] = newest.snapshotId;
        const label = labelOf(s);
        if (s.replicationState !== 'CONTINUOUS') {
          problems.push({
            server: label,
            state: s.replicationState,
            why: 'not in continuous replication',
            remedy: remedyOf(s, region),
          });
        } else if (s.lagMs !== undefined && s.lagMs > maxLag) {
          problems.push({
            server: label,
            state: s.replicationState,
            why: `lags ${formatDuration(s.lagMs)}, over the ${formatDuration(maxLag)} allowed`,
            remedy: remedyOf({ ...s, replicationState: 'BACKLOG' }, region),
          });
        } else if (lastSnapshotAt === undefined || now - lastSnapshotAt > maxSnapshotAge) {
          problems.push({
            server: label,
            state: s.replicationState,
            why:
              lastSnapshotAt === undefined
                ? 'has no point-in-time snapshot'
                : `newest snapshot is ${formatDuration(now - lastSnapshotAt)} old`,
            remedy: 'wait for the next point-in-time snapshot (DRS takes one every 10 minutes)',
          });
        }
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
