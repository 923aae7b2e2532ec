/**
 * What every concern of the sim (ec2, recovery, ssm, dns) shares, and `settle`: applying every
 * deadline that has passed on the sim clock. Called at the start of each API call, so the state a
 * caller sees is always "as of now" without any timer.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '../../duration.js';
import type { Clock } from '../../ports.js';
import { settleJobs } from './drs/jobs.js';
import type { SimDrsSeed } from './drs/seed.js';
import { settleServers } from './drs/servers.js';
import type { SimWakeups } from './events.js';
import type { FaultInjector } from './faults.js';
import type { Latency } from './latency.js';
import type { SimNetwork } from './network/sim-network.js';
import { compact, type SimRetention } from './retention.js';
import type { Sandbox } from './sandbox.js';
import { newPoint, type SimInstance, type SimPoint, type SimState } from './state.js';
import type { World } from './world.js';

/** The agent document the sim runs to write an RPO marker before a capture. */
export const MARK_DOCUMENT = 'DrbotMark';

/**
 * Writes an RPO marker on an instance at sim time `now`, in its data dirs (created in the sandbox
 * first: they stand for the instance's mounted volumes).
 */
export async function writeMarker(sandbox: Sandbox, instance: SimInstance, now: number): Promise<void> {
  const dirs = instance.dataDirs ?? [];
  for (const dir of dirs) mkdirSync(join(sandbox.ensure(instance.id), dir), { recursive: true });
  await sandbox.run(instance.id, MARK_DOCUMENT, dirs.length ? { dirs: [dirs.join(' ')] } : {}, now);
}

export interface SimContext {
  world: World;
  state: SimState;
  clock: Clock;
  faults: FaultInjector;
  latency: Latency;
  sandbox?: Sandbox;
  /** Replicated VPCs: blueprint subnets outside the world's `regions:` are looked up here. */
  network?: SimNetwork;
  /** When finished things are dropped from the state (retention.ts). */
  retention: SimRetention;
  /** The simulated Elastic Disaster Recovery: seeded servers, point-in-time policy, latencies. */
  drs: SimDrsSeed;
  /** Completion events to the owning run (events.ts); absent: runs only poll. */
  wakeups?: SimWakeups;
}

export async function settle(ctx: SimContext): Promise<void> {
  const now = ctx.clock.now();
  const terminated = settleInstances(ctx.state, now);
  // a terminated instance's disks are gone: so is its sandbox
  for (const id of terminated) ctx.sandbox?.remove(id);
  runSchedules(ctx, now);
  for (const point of Object.values(ctx.state.points)) {
    if (point.state === 'pending' && point.availableAt <= now) point.state = 'available';
  }
  await settleSandboxes(ctx);
  settleServers(ctx, now);
  await settleJobs(ctx, now);
  compact(ctx.state, now, ctx.retention, (id) => ctx.sandbox?.remove(id));
}

/** Applies due state changes; returns the ids that just became terminated. */
function settleInstances(state: SimState, now: number): string[] {
  const terminated: string[] = [];
  for (const inst of Object.values(state.instances)) {
    const t = inst.transition;
    if (t && t.at <= now) {
      inst.state = t.to;
      inst.transition = undefined;
      if (t.to !== 'running') inst.healthy = false;
      if (t.to === 'terminated') {
        inst.terminatedAt = t.at;
        terminated.push(inst.id);
      }
    }
    if (inst.state === 'running' && !inst.healthy && inst.healthyAt !== undefined && inst.healthyAt <= now) {
      inst.healthy = true;
    }
  }
  return terminated;
}

/** The world's own protection job: hourly (say) points appear without anyone calling protect. */
function runSchedules(ctx: SimContext, now: number): void {
  const protection = ctx.world.protection;
  if (!protection) return;
  const every = parseDuration(protection.every);
  if (every <= 0) return;
  for (const schedule of ctx.state.schedules) {
    const source = ctx.state.instances[schedule.instanceId];
    if (!source || source.state === 'terminated') continue;
    // after a long pause only the last `retention` captures matter: skip the ones retention drops
    const earliest = now - every * protection.retention;
    if (schedule.lastAt < earliest)
      schedule.lastAt += Math.floor((earliest - schedule.lastAt) / every) * every;
    while (schedule.lastAt + every <= now) {
      schedule.lastAt += every;
      const size = source.volumes.reduce((sum, v) => sum + v.sizeGiB, 0);
      const point = newPoint(ctx.state, {
        kind: 'snapshot',
        region: schedule.region,
        source,
        capturedAt: schedule.lastAt,
        availableAt: schedule.lastAt + ctx.latency.copy(size),
        appConsistent: false,
      });
      ctx.state.points[point.id] = point;
      prune(ctx, source.id, schedule.region, protection.retention);
    }
  }
}

/**
 * Retention as the AWS adapter applies it (prunePoints): keeps the newest `retention` available
 * points, deletes older available ones and failed ones; pending points (a copy still running) are
 * never deleted and never count towards `retention`.
 */
export function prune(ctx: SimContext, sourceId: string, region: string, retention: number): string[] {
  const { state } = ctx;
  const points = Object.values(state.points)
    .filter((p) => p.sourceInstanceId === sourceId && p.region === region)
    .sort((a, b) => b.capturedAt - a.capturedAt || (b.id < a.id ? -1 : 1));
  const dropped: string[] = [];
  let kept = 0;
  for (const point of points) {
    if (point.state === 'pending') continue;
    if (point.state === 'available' && kept < retention) {
      kept++;
      continue;
    }
    dropped.push(point.id);
  }
  for (const id of dropped) {
    delete state.points[id];
    ctx.sandbox?.remove(id);
  }
  return dropped;
}

/**
 * Gives every point its sandbox copy, oldest capture first: the agent writes a marker on the
 * source at the capture time, then the source's files are copied to the point.
 */
async function settleSandboxes(ctx: SimContext): Promise<void> {
  const sandbox = ctx.sandbox;
  if (!sandbox) return;
  const waiting: SimPoint[] = Object.values(ctx.state.points)
    .filter((p) => !p.sandboxReady)
    .sort((a, b) => a.capturedAt - b.capturedAt);
  for (const point of waiting) {
    const source = ctx.state.instances[point.sourceInstanceId];
    if (source && source.state !== 'terminated' && sandbox.hasRunner) {
      await writeMarker(sandbox, source, point.capturedAt);
    }
    sandbox.copy(point.sourceInstanceId, point.id);
    point.sandboxReady = true;
  }
}
