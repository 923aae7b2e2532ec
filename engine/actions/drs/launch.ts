/**
 * drs.launch: StartRecovery of the tier's DRS source servers from the chosen point-in-time
 * snapshots, `isDrill` for drills, in batches of at most 200 per call, each batch found again by
 * its idempotency key on resume. It follows each job (DescribeJobs, DescribeJobLogItems), notes
 * failures in the thread and outputs the recovery instances. Drill launches are tagged with the run
 * id and the TTL; the claimed RPO is the age of the oldest chosen snapshot.
 */
import { DRS_RECOVERY_BATCH, type PointInTimeSnapshot } from '../../cloud/replication.js';
import { parseDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import { DEFAULT_DRILL_TTL } from '../ec2/launch.js';
import { launchTypeInput, stringMap } from '../support/inputs.js';
import { type ActionDeps, type ActionHandler, type ActionResult, defineAction } from '../types.js';
import { protectedServers, replicationOf } from './servers.js';

interface Handle {
  region: string;
  jobs: string[];
  /** Log items already noted, per job. */
  seen: Record<string, number>;
  /** The claimed RPO: the oldest chosen snapshot's age at the declaration, or the lag for the latest data. */
  claimedMs: number;
}

export function launchHandler(
  deps: Pick<ActionDeps, 'cloud' | 'replication' | 'pollIntervalMs'>,
): ActionHandler {
  const { cloud, pollIntervalMs } = deps;
  const pending = (handle: Handle): ActionResult => ({
    status: 'pending',
    handle,
    pollAfterMs: pollIntervalMs,
  });
  return {
    async start(ctx) {
      const replication = replicationOf(deps, 'drs.launch');
      const launchType = launchTypeInput('drs.launch', ctx, {
        message: 'A drill may not start a non-drill recovery',
        explanation:
          'A CUTOVER recovery (isDrill: false) is the real failover; drills launch isDrill copies only.',
      });
      const given = stringMap('drs.launch', ctx.inputs, 'from');
      const { region, servers } = await protectedServers({ cloud, replication }, ctx);
      // without `from`: the latest data (DRS snapshots on the spot), so the claimed RPO is the lag
      const chosen: { sourceServerId: string; snapshot?: PointInTimeSnapshot; takenAt: number }[] = [];
      for (const s of servers) {
        if (!given) {
          if (s.lagMs === undefined) {
            throw new NonRetryableError(`${s.sourceServerId} has no consistent data to launch yet`, {
              code: 'NO_RECOVERY_POINT',
              explanation: `The server is ${s.replicationState}: it has never reached continuous replication.`,
              action: 'Check drs.readiness and wait for the initial sync to finish.',
              context: { sourceServerId: s.sourceServerId },
            });
          }
          chosen.push({ sourceServerId: s.sourceServerId, takenAt: ctx.now() - s.lagMs });
          continue;
        }
        const wanted =
          given?.[s.sourceServerId] ?? (s.sourceInstanceId ? given?.[s.sourceInstanceId] : undefined);
        const snapshots = await replication.recoverySnapshots(s.sourceServerId, region);
        const snapshot = wanted ? snapshots.find((p) => p.snapshotId === wanted) : snapshots[0];
        // a `from` map without this server (a newer server): its newest snapshot
        if (!snapshot) {
          throw new NonRetryableError(
            wanted
              ? `Snapshot ${wanted} of ${s.sourceServerId} no longer exists`
              : `${s.sourceServerId} has no point-in-time snapshot`,
            {
              code: 'NO_RECOVERY_POINT',
              explanation: wanted
                ? 'DRS drops point-in-time snapshots by its retention policy (10-minute ones after an hour, hourly ones after a day).'
                : `The server is ${s.replicationState}: DRS has no consistent snapshot to launch.`,
              action:
                'Run the RPO gate (recovery.latestPoint) again and pass its points as `from`, or check drs.readiness.',
              context: { sourceServerId: s.sourceServerId, wanted },
            },
          );
        }
        chosen.push({ sourceServerId: s.sourceServerId, snapshot, takenAt: snapshot.takenAt });
      }
      const isDrill = launchType === 'TEST';
      const ttl = ctx.runbook.spec.defaults?.drillTtl ?? DEFAULT_DRILL_TTL;
      const expiresAt = ctx.mode === 'drill' ? ctx.now() + parseDuration(ttl) : undefined;
      const jobs: string[] = [];
      for (let i = 0; i < chosen.length; i += DRS_RECOVERY_BATCH) {
        const batch = chosen.slice(i, i + DRS_RECOVERY_BATCH);
        const job = await replication.startRecovery({
          region,
          sourceServers: batch.map((c) => ({
            sourceServerId: c.sourceServerId,
            ...(c.snapshot ? { recoverySnapshotId: c.snapshot.snapshotId } : {}),
          })),
          isDrill,
          tags: { runId: ctx.runId, mode: ctx.mode, ...(expiresAt !== undefined ? { expiresAt } : {}) },
          idempotencyKey: `${ctx.idempotencyKey}:${i / DRS_RECOVERY_BATCH}`,
          guard: { runId: ctx.runId, mode: ctx.mode },
        });
        jobs.push(job.jobId);
      }
      const oldestTakenAt = Math.min(...chosen.map((c) => c.takenAt));
      const claimedMs = Math.max(0, (given ? ctx.runStartedAt : ctx.now()) - oldestTakenAt);
      ctx.note(
        `Started ${jobs.length} DRS ${isDrill ? 'drill' : 'recovery'} job(s) for ${chosen.length} server(s): ${jobs.join(', ')}`,
        {
          jobs,
        },
      );
      return pending({ region, jobs, seen: {}, claimedMs });
    },
    async poll(ctx) {
      const replication = replicationOf(deps, 'drs.launch');
      const handle = ctx.handle as Handle;
      const recoveryInstanceIds: string[] = [];
      const failed: string[] = [];
      let open = 0;
      for (const jobId of handle.jobs) {
        const job = await replication.describeJob(jobId, handle.region);
        const log = await replication.jobLog(jobId, handle.region);
        for (const item of log.slice(handle.seen[jobId] ?? 0)) {
          if (item.event.endsWith('FAILED') || item.event === 'JOB_END')
            ctx.note(
              `${jobId}: ${item.event}${item.sourceServerId ? ` ${item.sourceServerId}` : ''}${item.message ? `: ${item.message}` : ''}`,
              {
                jobId,
                event: item.event,
              },
            );
        }
        handle.seen[jobId] = log.length;
        if (job.status !== 'COMPLETED') open++;
        for (const s of job.servers) {
          if (s.launchStatus === 'FAILED') {
            const why = log.find(
              (l) => l.event.endsWith('FAILED') && l.sourceServerId === s.sourceServerId,
            )?.message;
            failed.push(`${s.sourceServerId}${why ? ` (${why})` : ''}`);
          } else if (s.recoveryInstanceId) recoveryInstanceIds.push(s.recoveryInstanceId);
        }
      }
      if (open > 0) return pending(handle);
      if (failed.length > 0) {
        throw new NonRetryableError(`DRS could not launch ${failed.join(', ')}`, {
          code: 'DRS_LAUNCH_FAILED',
          explanation: `The recovery job(s) ${handle.jobs.join(', ')} completed with failed servers.`,
          action: `Read the job log in the DRS console (${handle.region}), fix the launch settings (drs.launchSettings), and retry.`,
          context: { failed, jobs: handle.jobs },
        });
      }
      const recovered = await replication.recoveryInstances(handle.region, recoveryInstanceIds);
      const instanceIds = recovered.map((r) => r.ec2InstanceId);
      const described = instanceIds.length > 0 ? await cloud.describe(instanceIds, handle.region) : [];
      return {
        status: 'done',
        outputs: {
          recoveryInstanceIds: recovered.map((r) => r.recoveryInstanceId),
          instanceIds,
          privateIps: described.map((i) => i.privateIp).filter((ip): ip is string => ip !== undefined),
          jobs: handle.jobs,
        },
        measures: { rpoClaimedMs: handle.claimedMs },
      };
    },
  };
}

export default defineAction({
  name: 'drs.launch',
  typicalDuration: '10m',
  mutating: true,
  description:
    'Launches the tier from its DRS point-in-time snapshots (StartRecovery, isDrill for TEST) in batches of at most 200 servers, follows the jobs (DescribeJobs, DescribeJobLogItems) and outputs the recovery instances. Drill launches carry the run id and TTL tags; the claimed RPO is the age of the oldest chosen snapshot.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['launchType'],
    properties: {
      launchType: {
        enum: ['TEST', 'CUTOVER'],
        description: 'TEST: a drill (isDrill: true). CUTOVER: the real recovery.',
      },
      from: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description:
          'Map of source server id (or source instance id) → point-in-time snapshot id, usually `${{ steps.<gate>.outputs.points }}`. @default the latest data (DRS snapshots at launch, so the RPO is the replication lag)',
      },
    },
  },
  outputs: {
    recoveryInstanceIds: 'The DRS recovery instance ids.',
    instanceIds: 'Their EC2 instance ids (for ec2.waitHealthy and the agent).',
    privateIps: 'Their private IPs (for dns.switch).',
    jobs: 'The DRS job ids.',
  },
  capabilities: ['compute', 'replication'],
  effects: (inputs) => [
    { verb: 'read', scope: 'recovery', what: 'DRS source servers and snapshots' },
    inputs.launchType === 'TEST'
      ? { verb: 'create', scope: 'run-owned', what: 'DRS drill instances (isDrill)' }
      : { verb: 'create', scope: 'recovery', what: 'CUTOVER recovery instances' },
    ...(inputs.launchType === 'TEST'
      ? []
      : [
          {
            verb: 'modify' as const,
            scope: 'protected' as const,
            what: "the tier's DRS replication (a non-drill recovery, the CUTOVER)",
          },
        ]),
  ],
  permissions: {
    aws: [
      { statement: 'DescribeFleet', actions: ['ec2:DescribeInstances'] },
      {
        statement: 'DescribeReplication',
        actions: [
          'drs:DescribeSourceServers',
          'drs:DescribeRecoverySnapshots',
          'drs:DescribeJobs',
          'drs:DescribeJobLogItems',
          'drs:DescribeRecoveryInstances',
        ],
      },
      {
        statement: 'StartDrsRecovery',
        actions: ['drs:StartRecovery', 'drs:CreateRecoveryInstanceForDrs', 'drs:TagResource'],
      },
      { statement: 'DrsLaunchesInstances', actions: ['ec2:RunInstances', 'ec2:CreateTags', 'iam:PassRole'] },
    ],
  },
  handler: launchHandler,
});
