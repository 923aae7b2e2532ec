/**
 * Simulated DRS recovery: StartRecovery (found again by drbot's idempotency-key tag, since DRS has
 * no client token), the job's phases (snapshot, conversion, EC2 launch) with latency, its log,
 * recovery instances tagged by the job, and their termination. Strict like the real service, and
 * stricter where drbot's safety needs it: a drill must be `isDrill`, and must not take a pinned
 * (production) private IP.
 */
import type { MutationGuard } from '../../../cloud/compute.js';
import { DrsSafetyError } from '../../../cloud/errors.js';
import {
  checkStartRecovery,
  DRS_TAGS,
  type JobLogItem,
  type RecoveryInstance,
  type RecoveryJob,
  type StartRecoveryRequest,
} from '../../../cloud/replication.js';
import { NonRetryableError } from '../../../errors.js';
import { type SimContext, writeMarker } from '../context.js';
import { apiCall } from '../ec2.js';
import { notFound } from '../faults.js';
import { nextId } from '../state.js';
import { drsState, serverIn, snapshotOf } from './servers.js';
import type { SimRecoveryJob } from './state.js';

export function startRecovery(ctx: SimContext, request: StartRecoveryRequest): RecoveryJob {
  const { region, guard } = request;
  const drs = drsState(ctx);
  // drbot's reconciliation: the job this key already started (DescribeJobs + its tags)
  apiCall(ctx, 'DescribeJobs', region);
  const known = Object.values(drs.jobs).find(
    (j) => j.region === region && j.tags[DRS_TAGS.key] === request.idempotencyKey,
  );
  if (known) return publicJob(ctx, known);
  checkStartRecovery(request);
  const now = ctx.clock.now();
  const servers = request.sourceServers.map(({ sourceServerId, recoverySnapshotId }) => {
    const server = serverIn(ctx, sourceServerId, region);
    if (request.isDrill && server.launch?.privateIp) {
      throw new DrsSafetyError(
        `launch ${sourceServerId} with the private IP ${server.launch.privateIp}`,
        'Its launch settings pin a production private IP (CUTOVER settings); a drill copy must never take a production address.',
        guard.runId,
        { sourceServerId },
      );
    }
    const snapshot = snapshotOf(ctx, server, recoverySnapshotId);
    if (!snapshot) {
      throw new NonRetryableError(
        recoverySnapshotId
          ? `Point-in-time snapshot ${recoverySnapshotId} of ${sourceServerId} does not exist`
          : `${sourceServerId} has no point-in-time snapshot yet`,
        {
          code: 'DRS_NO_SNAPSHOT',
          explanation: `${sourceServerId} is ${server.state}; DRS launches only from a consistent point-in-time snapshot.`,
          action:
            'Wait for continuous replication (drs.readiness), or choose a snapshot from drs.readiness / recovery.latestPoint.',
          context: { sourceServerId, recoverySnapshotId },
        },
      );
    }
    return { sourceServerId, snapshotId: snapshot.snapshotId, takenAt: snapshot.takenAt };
  });
  apiCall(ctx, 'StartRecovery', region);
  const tags: Record<string, string> = {
    [DRS_TAGS.runId]: request.tags.runId,
    [DRS_TAGS.mode]: request.tags.mode,
    [DRS_TAGS.key]: request.idempotencyKey,
    ...(request.tags.expiresAt !== undefined
      ? { [DRS_TAGS.expires]: new Date(request.tags.expiresAt).toISOString() }
      : {}),
  };
  const job: SimRecoveryJob = {
    id: nextId(ctx.state, 'drsjob'),
    region,
    isDrill: request.isDrill,
    createdAt: now,
    convertedAt: now + ctx.latency.scaled(ctx.drs.latencies.conversion),
    launched: false,
    servers,
    tags,
  };
  drs.jobs[job.id] = job;
  return publicJob(ctx, job);
}

/** Converted jobs launch their EC2 instances (data as of each snapshot, for the agent's markers). */
export async function settleJobs(ctx: SimContext, now: number): Promise<void> {
  const drs = ctx.state.drs;
  if (!drs) return;
  for (const job of Object.values(drs.jobs)) {
    if (job.launched || job.convertedAt > now) continue;
    job.launched = true;
    for (const js of job.servers) await launchOne(ctx, job, js);
  }
}

async function launchOne(
  ctx: SimContext,
  job: SimRecoveryJob,
  js: SimRecoveryJob['servers'][number],
): Promise<void> {
  const { state } = ctx;
  const drs = drsState(ctx);
  const server = drs.sourceServers[js.sourceServerId]!;
  const source = state.instances[server.sourceInstanceId];
  const region = ctx.world.regions[job.region];
  const settings = server.launch;
  const type = settings?.instanceType ?? source?.type ?? 't3.medium';
  if (!region || region.unavailableTypes?.includes(type)) {
    js.failed = `${type} is not offered in ${job.region}: set the launch settings' instance type (drs.launchSettings)`;
    return;
  }
  const profile =
    region.networks?.[job.isDrill ? 'drill' : 'production'] ?? Object.values(region.networks ?? {})[0];
  const subnet = settings?.subnetId ?? profile?.subnet ?? region.subnets[0]!.id;
  const known = region.subnets.find((s) => s.id === subnet) ?? ctx.network?.subnet(job.region, subnet);
  const zone = known?.zone;
  const at = job.convertedAt;
  const runningAt = at + ctx.latency.of('launch');
  const id = nextId(state, 'i');
  state.instances[id] = {
    id,
    region: job.region,
    zone,
    type,
    state: 'pending',
    subnetId: subnet,
    // EC2 assigns an address from the subnet unless the (CUTOVER) settings pin one
    privateIp:
      !job.isDrill && settings?.privateIp ? settings.privateIp : assignedIp(known?.cidr, state.nextId),
    securityGroups: settings?.securityGroups ?? profile?.securityGroups ?? [],
    instanceProfile: settings?.instanceProfile ?? source?.instanceProfile,
    volumes: (source?.volumes ?? []).map((v, i) => ({ ...v, id: `vol-${id.slice(2)}${i}` })),
    tags: {
      ...(settings?.tags ?? {}),
      ...job.tags,
      'drbot:launch-type': job.isDrill ? 'TEST' : 'CUTOVER',
      'drbot:source-instance': server.sourceInstanceId,
      'drbot:recovery-point': js.snapshotId,
      'drbot:drs-source-server': server.id,
    },
    healthy: false,
    launchedAt: at,
    transition: { to: 'running', at: runningAt },
    healthyAt: runningAt + ctx.latency.of('statusChecks'),
    launchType: job.isDrill ? 'TEST' : 'CUTOVER',
    seeded: false,
    ...(source?.dataDirs ? { dataDirs: source.dataDirs } : {}),
  };
  delete state.instances[id]!.tags[DRS_TAGS.key];
  if (ctx.sandbox && source) {
    // the copy holds the source's data as of the snapshot: the agent marker of that time
    if (ctx.sandbox.hasRunner && source.state !== 'terminated')
      await writeMarker(ctx.sandbox, source, js.takenAt);
    ctx.sandbox.copy(source.id, id);
  }
  const riId = nextId(state, 'ri');
  drs.recoveryInstances[riId] = {
    id: riId,
    region: job.region,
    ec2InstanceId: id,
    sourceServerId: server.id,
    jobId: job.id,
    isDrill: job.isDrill,
    tags: { ...job.tags },
    snapshotId: js.snapshotId,
    takenAt: js.takenAt,
  };
  js.recoveryInstanceId = riId;
  drs.launchesByServer[server.id] = (drs.launchesByServer[server.id] ?? 0) + 1;
  state.counters.launches++;
}

/** A free-looking address of the subnet (hosts .100–.249), deterministic from the id counter. */
function assignedIp(cidr: string | undefined, n: number): string | undefined {
  const base = cidr?.split('/')[0]?.split('.');
  if (base?.length !== 4) return undefined;
  return `${base[0]}.${base[1]}.${base[2]}.${100 + (n % 150)}`;
}

function jobIn(ctx: SimContext, jobId: string, region: string): SimRecoveryJob {
  const job = drsState(ctx).jobs[jobId];
  if (!job || job.region !== region) throw notFound('Job', [jobId], region);
  return job;
}

function ec2Running(ctx: SimContext, riId: string | undefined): boolean {
  const ri = riId ? ctx.state.drs?.recoveryInstances[riId] : undefined;
  const state = ri ? ctx.state.instances[ri.ec2InstanceId]?.state : undefined;
  return state === 'running';
}

function publicJob(ctx: SimContext, job: SimRecoveryJob): RecoveryJob {
  const now = ctx.clock.now();
  const servers = job.servers.map((s) => ({
    sourceServerId: s.sourceServerId,
    launchStatus: s.failed
      ? ('FAILED' as const)
      : !job.launched
        ? ('PENDING' as const)
        : ec2Running(ctx, s.recoveryInstanceId)
          ? ('LAUNCHED' as const)
          : ('IN_PROGRESS' as const),
    ...(s.recoveryInstanceId ? { recoveryInstanceId: s.recoveryInstanceId } : {}),
  }));
  const done =
    job.launched && servers.every((s) => s.launchStatus === 'LAUNCHED' || s.launchStatus === 'FAILED');
  return {
    jobId: job.id,
    region: job.region,
    status: done
      ? 'COMPLETED'
      : now < job.createdAt + (job.convertedAt - job.createdAt) / 4
        ? 'PENDING'
        : 'STARTED',
    isDrill: job.isDrill,
    servers,
    tags: { ...job.tags },
  };
}

export function describeJob(ctx: SimContext, jobId: string, region: string): RecoveryJob {
  apiCall(ctx, 'DescribeJobs', region);
  return publicJob(ctx, jobIn(ctx, jobId, region));
}

export function jobLog(ctx: SimContext, jobId: string, region: string): JobLogItem[] {
  apiCall(ctx, 'DescribeJobLogItems', region);
  const job = jobIn(ctx, jobId, region);
  const now = ctx.clock.now();
  const half = job.createdAt + (job.convertedAt - job.createdAt) / 2;
  const items: JobLogItem[] = [{ event: 'JOB_START', at: job.createdAt }];
  for (const s of job.servers) {
    const id = s.sourceServerId;
    items.push({ event: 'SNAPSHOT_START', at: job.createdAt, sourceServerId: id });
    items.push({ event: 'SNAPSHOT_END', at: half, sourceServerId: id });
    items.push({ event: 'CONVERSION_START', at: half, sourceServerId: id });
    items.push({ event: 'CONVERSION_END', at: job.convertedAt, sourceServerId: id });
    if (s.failed)
      items.push({ event: 'LAUNCH_FAILED', at: job.convertedAt, sourceServerId: id, message: s.failed });
    else items.push({ event: 'LAUNCH_START', at: job.convertedAt, sourceServerId: id });
  }
  const view = publicJob(ctx, job);
  if (view.status === 'COMPLETED') items.push({ event: 'JOB_END', at: now });
  return items.filter((i) => i.at <= now).sort((a, b) => a.at - b.at);
}

export function recoveryInstances(
  ctx: SimContext,
  region: string,
  ids?: readonly string[],
): RecoveryInstance[] {
  apiCall(ctx, 'DescribeRecoveryInstances', region);
  return Object.values(drsState(ctx).recoveryInstances)
    .filter((ri) => ri.region === region && !ri.terminated && (!ids || ids.includes(ri.id)))
    .map((ri) => ({
      recoveryInstanceId: ri.id,
      region: ri.region,
      ec2InstanceId: ri.ec2InstanceId,
      sourceServerId: ri.sourceServerId,
      isDrill: ri.isDrill,
      jobId: ri.jobId,
      ec2State: ctx.state.instances[ri.ec2InstanceId]?.state ?? 'terminated',
      tags: { ...ri.tags },
      pointInTime: { snapshotId: ri.snapshotId, takenAt: ri.takenAt },
    }));
}

export function terminateRecoveryInstances(
  ctx: SimContext,
  ids: readonly string[],
  region: string,
  guard: MutationGuard,
): void {
  if (ids.length === 0) return;
  apiCall(ctx, 'TerminateRecoveryInstances', region);
  const drs = drsState(ctx);
  const found = ids.map((id) => drs.recoveryInstances[id]);
  const missing = ids.filter((_, i) => !found[i] || found[i]!.region !== region);
  if (missing.length > 0) throw notFound('Recovery instance', missing, region);
  if (guard.mode === 'drill') {
    const foreign = found.filter((ri) => ri!.tags[DRS_TAGS.runId] !== guard.runId).map((ri) => ri!.id);
    if (foreign.length > 0) {
      throw new DrsSafetyError(
        `terminate recovery instances ${foreign.join(', ')}`,
        `A drill terminates only the recovery instances it launched (tagged ${DRS_TAGS.runId}=${guard.runId}).`,
        guard.runId,
        { foreign },
      );
    }
  }
  const now = ctx.clock.now();
  for (const ri of found) {
    if (!ri || ri.terminated) continue;
    ri.terminated = true;
    const inst = ctx.state.instances[ri.ec2InstanceId];
    if (inst && inst.state !== 'terminated' && inst.state !== 'shutting-down') {
      inst.state = 'shutting-down';
      inst.healthy = false;
      inst.transition = { to: 'terminated', at: now + ctx.latency.of('terminate') };
      ctx.state.counters.terminations++;
    }
  }
}
