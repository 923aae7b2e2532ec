/**
 * Simulated DRS source servers: seeding from the world, the agent installer (SSM) registering new
 * ones, initial sync → continuous, the public view with lag, backlog and the last snapshot, point-
 * in-time snapshots, launch settings and reverse replication.
 */
import type { MutationGuard } from '../../../cloud/compute.js';
import { DrsSafetyError } from '../../../cloud/errors.js';
import type { LaunchSettings, PointInTimeSnapshot, SourceServer } from '../../../cloud/replication.js';
import { parseDuration } from '../../../duration.js';
import { NonRetryableError } from '../../../errors.js';
import type { SimContext } from '../context.js';
import { apiCall } from '../ec2.js';
import { notFound } from '../faults.js';
import { nextId, type SimState } from '../state.js';
import type { SimDrsSeed } from './seed.js';
import { pointsInTime, snapshotIdOf } from './snapshots.js';
import { emptyDrsState, type SimDrsState, type SimSourceServer } from './state.js';

const GiB = 1024 ** 3;

/** The DRS state, seeded from the world's `drs:` section the first time it is needed. */
export function drsState(ctx: SimContext): SimDrsState {
  if (!ctx.state.drs) ctx.state.drs = seedDrs(ctx.state, ctx.drs, ctx.clock.now());
  return ctx.state.drs;
}

function seedDrs(state: SimState, seed: SimDrsSeed, now: number): SimDrsState {
  const drs = emptyDrsState();
  for (const s of seed.sourceServers) {
    const instance = state.instances[s.instance];
    if (!instance) continue;
    const id = nextId(state, 's');
    const lagMs = parseDuration(s.lag ?? '5s');
    const stalled = s.state === 'STALLED' || s.state === 'DISCONNECTED';
    const syncing = s.state === 'INITIAL_SYNC' || s.state === 'INITIATING';
    drs.sourceServers[id] = {
      id,
      region: s.region,
      sourceInstanceId: instance.id,
      sourceRegion: instance.region,
      state: s.state ?? 'CONTINUOUS',
      lagMs,
      backlogBytes: Math.round((s.backlogMiB ?? 0) * 1024 * 1024),
      ...(syncing ? {} : { continuousSince: now - parseDuration(s.since ?? '7d') }),
      ...(stalled ? { stalledAt: now - lagMs } : {}),
      tags: { ...instance.tags, ...(s.tags ?? {}) },
    };
  }
  return drs;
}

/** Applies finished initial (and reverse) syncs. */
export function settleServers(ctx: SimContext, now: number): void {
  if (!ctx.state.drs) return;
  for (const server of Object.values(ctx.state.drs.sourceServers)) {
    if (server.state === 'INITIAL_SYNC' && server.syncDoneAt !== undefined && server.syncDoneAt <= now) {
      server.state = 'CONTINUOUS';
      server.continuousSince = server.syncDoneAt;
    }
  }
}

export function publicServer(ctx: SimContext, s: SimSourceServer): SourceServer {
  const now = ctx.clock.now();
  const newest = snapshotsOf(ctx, s)[0];
  const lagMs =
    s.continuousSince === undefined ? undefined : s.stalledAt !== undefined ? now - s.stalledAt : s.lagMs;
  const percent =
    s.state === 'INITIAL_SYNC' && s.syncStartedAt !== undefined && s.syncDoneAt !== undefined
      ? Math.min(
          99,
          Math.floor(((now - s.syncStartedAt) / Math.max(1, s.syncDoneAt - s.syncStartedAt)) * 100),
        )
      : undefined;
  return {
    sourceServerId: s.id,
    region: s.region,
    sourceInstanceId: s.sourceInstanceId,
    sourceRegion: s.sourceRegion,
    replicationState: s.state,
    ...(lagMs !== undefined ? { lagMs } : {}),
    backlogBytes: s.backlogBytes,
    ...(percent !== undefined ? { initialSyncPercent: percent } : {}),
    ...(newest ? { lastSnapshotAt: newest.takenAt } : {}),
    ...(s.state === 'STALLED' ? { error: 'UNSTABLE_NETWORK' } : {}),
    ...(s.state === 'DISCONNECTED' ? { error: 'AGENT_NOT_SEEN' } : {}),
    tags: { ...s.tags },
    ...(s.reversedFrom ? { reversedFromRecoveryInstanceId: s.reversedFrom } : {}),
  };
}

function snapshotsOf(ctx: SimContext, s: SimSourceServer): PointInTimeSnapshot[] {
  const now = ctx.clock.now();
  return pointsInTime(s.id, s.continuousSince, s.stalledAt ?? now, now, ctx.drs.pointInTime);
}

export function serverIn(ctx: SimContext, id: string, region: string): SimSourceServer {
  const server = drsState(ctx).sourceServers[id];
  if (!server || server.region !== region) throw notFound('Source server', [id], region);
  return server;
}

export function describeSourceServers(ctx: SimContext, region: string): SourceServer[] {
  apiCall(ctx, 'DescribeSourceServers', region);
  return Object.values(drsState(ctx).sourceServers)
    .filter((s) => s.region === region)
    .map((s) => publicServer(ctx, s));
}

export function recoverySnapshots(ctx: SimContext, id: string, region: string): PointInTimeSnapshot[] {
  apiCall(ctx, 'DescribeRecoverySnapshots', region);
  return snapshotsOf(ctx, serverIn(ctx, id, region));
}

/**
 * The named snapshot; without a name DRS launches from the latest data, a snapshot it takes on
 * the spot: as of now minus the lag (or of the stall), so the RPO is the replication lag.
 */
export function snapshotOf(
  ctx: SimContext,
  s: SimSourceServer,
  snapshotId: string | undefined,
): PointInTimeSnapshot | undefined {
  if (snapshotId !== undefined) return snapshotsOf(ctx, s).find((p) => p.snapshotId === snapshotId);
  if (s.continuousSince === undefined) return undefined;
  const takenAt = s.stalledAt ?? ctx.clock.now() - s.lagMs;
  return { snapshotId: `${snapshotIdOf(s.id, takenAt)}-latest`, sourceServerId: s.id, takenAt };
}

export function applyLaunchSettings(ctx: SimContext, settings: LaunchSettings): void {
  apiCall(ctx, 'UpdateLaunchConfiguration', settings.region);
  const server = serverIn(ctx, settings.sourceServerId, settings.region);
  const region = ctx.world.regions[settings.region];
  if (settings.subnetId && region && !region.subnets.some((s) => s.id === settings.subnetId)) {
    if (!ctx.network?.subnet(settings.region, settings.subnetId))
      throw notFound('Subnet', [settings.subnetId], settings.region);
  }
  apiCall(ctx, 'CreateLaunchTemplateVersion', settings.region);
  server.launch = structuredClone(settings);
}

/**
 * The DRS installer ran on `instanceIds` (SSM): each gets a source server in `drsRegion`, in
 * initial sync for a time that grows with its volumes. An instance that already has one keeps it.
 */
export function installAgents(
  ctx: SimContext,
  instanceIds: string[],
  drsRegion: string,
  startAt: number,
): void {
  const drs = drsState(ctx);
  for (const instanceId of instanceIds) {
    const instance = ctx.state.instances[instanceId];
    if (!instance) continue;
    const known = Object.values(drs.sourceServers).some(
      (s) => s.sourceInstanceId === instanceId && s.region === drsRegion,
    );
    if (known) continue;
    const bytes = instance.volumes.reduce((sum, v) => sum + v.sizeGiB, 0) * GiB;
    const id = nextId(ctx.state, 's');
    drs.sourceServers[id] = {
      id,
      region: drsRegion,
      sourceInstanceId: instanceId,
      sourceRegion: instance.region,
      state: 'INITIAL_SYNC',
      lagMs: 5_000,
      backlogBytes: 0,
      syncStartedAt: startAt,
      syncDoneAt: startAt + ctx.latency.scaled((bytes / GiB) * ctx.drs.latencies.initialSyncPerGiB),
      tags: { ...instance.tags },
    };
  }
}

/** ReverseReplication: a new server in the origin region replicating the recovery instance back. */
export function reverseReplication(
  ctx: SimContext,
  recoveryInstanceId: string,
  region: string,
  guard: MutationGuard,
): string {
  apiCall(ctx, 'ReverseReplication', region);
  if (guard.mode === 'drill') {
    throw new DrsSafetyError(
      `reverse replication of ${recoveryInstanceId}`,
      'Reverse replication changes the direction of production replication; a drill never touches it.',
      guard.runId,
      { recoveryInstanceId },
    );
  }
  const drs = drsState(ctx);
  const ri = drs.recoveryInstances[recoveryInstanceId];
  if (!ri || ri.region !== region || ri.terminated)
    throw notFound('Recovery instance', [recoveryInstanceId], region);
  if (ri.isDrill) {
    throw new NonRetryableError(`${recoveryInstanceId} is a drill instance: it cannot be reversed`, {
      code: 'DRS_DRILL_INSTANCE',
      explanation:
        'DRS reverses replication only for recovery instances launched as a real recovery (not drill).',
      action: 'Reverse the instances of the committed failover (drs.launch outputs of the failover run).',
      context: { recoveryInstanceId },
    });
  }
  const existing = Object.values(drs.sourceServers).find((s) => s.reversedFrom === recoveryInstanceId);
  if (existing) return existing.id;
  const origin = drs.sourceServers[ri.sourceServerId]!;
  const instance = ctx.state.instances[ri.ec2InstanceId];
  const now = ctx.clock.now();
  const id = nextId(ctx.state, 's');
  drs.sourceServers[id] = {
    id,
    region: origin.sourceRegion,
    sourceInstanceId: ri.ec2InstanceId,
    sourceRegion: region,
    state: 'INITIAL_SYNC',
    lagMs: 5_000,
    backlogBytes: 0,
    syncStartedAt: now,
    syncDoneAt: now + ctx.latency.scaled(ctx.drs.latencies.reverse),
    tags: { ...origin.tags, ...(instance ? stripRunTags(instance.tags) : {}) },
    reversedFrom: recoveryInstanceId,
  };
  return id;
}

const stripRunTags = (tags: Record<string, string>) =>
  Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith('drbot:')));
