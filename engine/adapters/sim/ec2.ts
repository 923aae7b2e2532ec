/**
 * Simulated EC2 instances: list, batched describe, launch with ClientToken idempotency and
 * instance-type fallback, and stop/start/terminate with the drill-safety guard.
 */

import type {
  Blueprint,
  Instance,
  LaunchedInstance,
  LaunchRequest,
  MutationGuard,
  ProtectSelector,
} from '../../cloud/compute.js';
import { addressKey } from '../../cloud/compute.js';
import { ORIGIN_TAG, onePerOrigin } from '../../cloud/origin.js';
import { DrbotError, NonRetryableError } from '../../errors.js';
import { freeAddress, heldAddresses } from './addresses.js';
import type { SimContext } from './context.js';
import { countCall, countKey } from './counters.js';
import { emitAt } from './events.js';
import { drillSafety, incorrectState, notFound } from './faults.js';
import { nextId, publicInstance, type SimInstance, type SimRetiredInstance } from './state.js';

/** AWS caps id lists per describe/terminate call at 1000: one call per 1000 ids. */
export const BATCH = 1000;

export function apiCall(ctx: SimContext, api: string, region: string | undefined, times = 1): void {
  countCall(ctx.state.counters, api, times);
  ctx.faults.beforeCall(api, region);
}

const batches = (n: number) => Math.max(1, Math.ceil(n / BATCH));

export function listProtected(ctx: SimContext, selector: ProtectSelector, region: string): Instance[] {
  apiCall(ctx, 'DescribeInstances', region);
  const tags = Object.entries(selector.tags ?? {});
  const matched = Object.values(ctx.state.instances).filter(
    (i) =>
      i.region === region &&
      i.state !== 'terminated' &&
      (!selector.zone || i.zone === selector.zone) &&
      (!selector.instanceIds || selector.instanceIds.includes(i.id)) &&
      tags.every(([k, v]) => i.tags[k] === v),
  );
  return onePerOrigin(matched, (i) => i.launchedAt).map(publicInstance);
}

export function describe(ctx: SimContext, ids: string[], region: string): Instance[] {
  apiCall(ctx, 'DescribeInstances', region, batches(ids.length));
  return lookup(ctx, ids, region).map(publicInstance);
}

export function findRunOwned(ctx: SimContext, runId: string, region: string): Instance[] {
  apiCall(ctx, 'DescribeInstances', region);
  return Object.values(ctx.state.instances)
    .filter((i) => i.region === region && i.state !== 'terminated' && i.tags['drbot:run-id'] === runId)
    .map(publicInstance);
}

/** The instances by id; a dropped (retired) one answers as a terminated stub, not "not found". */
function lookup(ctx: SimContext, ids: string[], region: string): SimInstance[] {
  const { instances, retired } = ctx.state;
  const regionOf = (id: string) => instances[id]?.region ?? retired[id]?.region;
  const missing = ids.filter((id) => regionOf(id) !== region);
  if (missing.length > 0) throw notFound('Instances', missing, region);
  return ids.map((id) => instances[id] ?? retiredStub(id, retired[id]!));
}

interface PlannedLaunch {
  blueprint: Blueprint;
  token: string;
  type: string;
  fellBackFrom?: string;
  network?: PickedNetwork;
}

/** Where a launch lands: subnet, its zone, and the groups. */
interface PickedNetwork {
  subnet: string;
  zone?: string;
  securityGroups: string[];
}

/**
 * One RunInstances per blueprint (each has its own subnet, IP and type), ClientToken = key:index.
 * Every blueprint is checked before anything is created, so a refused launch creates nothing.
 */
export function launch(ctx: SimContext, request: LaunchRequest): LaunchedInstance[] {
  const { state } = ctx;
  const region = request.blueprints[0]?.region;
  apiCall(ctx, 'RunInstances', region, Math.max(1, request.blueprints.length));
  const planned: PlannedLaunch[] = request.blueprints.map((blueprint, index) => {
    const token = `${request.idempotencyKey}:${index}`;
    countKey(state.counters, token);
    return { blueprint, token, type: blueprint.instanceType };
  });
  const fresh = planned.filter((p) => state.tokens.launch[p.token] === undefined);
  state.counters.duplicateLaunchTokens += planned.length - fresh.length;
  if (fresh.length > 0) ctx.faults.checkLaunchFailure();
  for (const plan of fresh) {
    checkPoint(ctx, plan.blueprint);
    plan.network = pickNetwork(ctx, plan.blueprint);
  }
  checkPrivateIps(ctx, fresh);
  for (const plan of fresh) chooseType(ctx, plan);
  for (const plan of fresh) create(ctx, request, plan);
  return planned.map((plan) => {
    const id = state.tokens.launch[plan.token]!;
    const inst = state.instances[id] ?? retiredStub(id, state.retired[id]!);
    return {
      instanceId: inst.id,
      sourceInstanceId: plan.blueprint.sourceInstanceId,
      instanceType: inst.type,
      privateIp: inst.privateIp,
      ...(inst.tags['drbot:fell-back-from'] ? { fellBackFrom: inst.tags['drbot:fell-back-from'] } : {}),
    };
  });
}

/** A dropped instance as describe shows it: terminated, with what its tombstone kept. */
function retiredStub(id: string, r: SimRetiredInstance): SimInstance {
  return {
    id,
    region: r.region,
    type: r.type,
    state: 'terminated',
    privateIp: r.privateIp,
    securityGroups: [],
    volumes: [],
    tags: r.fellBackFrom ? { 'drbot:fell-back-from': r.fellBackFrom } : {},
    healthy: false,
    launchedAt: r.terminatedAt,
    terminatedAt: r.terminatedAt,
    seeded: false,
  };
}

/** Unavailable in the region, or an injected capacity error: use the blueprint's default type. */
function chooseType(ctx: SimContext, plan: PlannedLaunch): void {
  const { blueprint } = plan;
  const region = ctx.world.regions[blueprint.region];
  if (!region) throw notFound('Region', [blueprint.region], blueprint.region);
  const unsupported = region.unavailableTypes?.includes(blueprint.instanceType) ?? false;
  if (!unsupported && !ctx.faults.takeCapacityError(blueprint.instanceType)) return;
  const fallback = blueprint.defaultInstanceType;
  const why = unsupported
    ? `${blueprint.instanceType} is not offered in ${blueprint.region} (Unsupported)`
    : `no capacity for ${blueprint.instanceType} in ${blueprint.region} (InsufficientInstanceCapacity, simulated)`;
  if (!fallback || fallback === blueprint.instanceType || region.unavailableTypes?.includes(fallback)) {
    const options = {
      code: unsupported ? 'UNSUPPORTED_INSTANCE_TYPE' : 'INSUFFICIENT_CAPACITY',
      explanation: `Launching ${blueprint.sourceInstanceId} failed: ${why}, and no usable default type was given.`,
      action: 'Set spec.defaults.instanceType in the runbook to a type the target region offers.',
      context: { sourceInstanceId: blueprint.sourceInstanceId, region: blueprint.region },
    };
    throw unsupported
      ? new NonRetryableError(`Cannot launch ${blueprint.instanceType}: ${why}`, options)
      : new DrbotError(`Cannot launch ${blueprint.instanceType}: ${why}`, options);
  }
  plan.type = fallback;
  plan.fellBackFrom = blueprint.instanceType;
}

function create(ctx: SimContext, request: LaunchRequest, plan: PlannedLaunch): void {
  const { state, clock, latency } = ctx;
  const { blueprint } = plan;
  const point = state.points[blueprint.recoveryPointId]!;
  const network = plan.network!;
  const now = clock.now();
  const id = nextId(state, 'i', blueprint.region);
  const runningAt = now + latency.of('launch');
  const tags: Record<string, string> = {
    ...(blueprint.tags ?? {}),
    'drbot:run-id': request.tags.runId,
    'drbot:mode': request.tags.mode,
    'drbot:launch-type': request.launchType,
    'drbot:source-instance': blueprint.sourceInstanceId,
    // The original instance a chain of copies descends from (failover copy → failback copy):
    // protection counts one instance per origin, so a copy never adds a second of one name.
    [ORIGIN_TAG]: state.instances[blueprint.sourceInstanceId]?.tags[ORIGIN_TAG] ?? blueprint.sourceInstanceId,
    'drbot:recovery-point': point.id,
  };
  if (request.tags.expiresAt !== undefined)
    tags['drbot:expires'] = new Date(request.tags.expiresAt).toISOString();
  if (plan.fellBackFrom) tags['drbot:fell-back-from'] = plan.fellBackFrom;
  state.instances[id] = {
    id,
    region: blueprint.region,
    zone: network.zone,
    type: plan.type,
    state: 'pending',
    subnetId: network.subnet,
    privateIp: blueprint.privateIp ?? freeAddress(ctx, blueprint.region, network.subnet),
    securityGroups: network.securityGroups,
    instanceProfile: blueprint.instanceProfile,
    volumes: point.volumes.map((v, i) => ({ ...v, id: `vol-${id.slice(2)}${i}` })),
    tags,
    healthy: false,
    launchedAt: now,
    transition: { to: 'running', at: runningAt },
    healthyAt: runningAt + latency.of('statusChecks'),
    launchType: request.launchType,
    seeded: false,
    dataDirs: state.instances[blueprint.sourceInstanceId]?.dataDirs,
    ...(request.userData !== undefined ? { userData: request.userData } : {}),
  };
  const inst = state.instances[id]!;
  emitAt(ctx.wakeups, runningAt, request.tags.runId, `ec2:running ${id}`);
  emitAt(ctx.wakeups, inst.healthyAt!, request.tags.runId, `ec2:status-ok ${id}`);
  state.tokens.launch[plan.token] = id;
  state.counters.launches++;
  if (plan.fellBackFrom) state.counters.fallbacks++;
  ctx.sandbox?.copy(point.id, id);
}

/**
 * A fixed private IP must be free in its subnet, as on EC2 (InvalidIPAddress.InUse): not held by
 * a live instance there, nor asked for twice in one launch.
 */
function checkPrivateIps(ctx: SimContext, plans: PlannedLaunch[]): void {
  const byRegion = new Map<string, Map<string, string>>();
  const takenIn = (region: string) => {
    let taken = byRegion.get(region);
    if (!taken) {
      taken = new Map([...heldAddresses(ctx, region)].map(([key, id]) => [key, `instance ${id}`]));
      byRegion.set(region, taken);
    }
    return taken;
  };
  for (const plan of plans) {
    const ip = plan.blueprint.privateIp;
    if (!ip || !plan.network) continue;
    const taken = takenIn(plan.blueprint.region);
    const key = addressKey({ subnetId: plan.network.subnet, ip });
    const holder = taken.get(key);
    if (holder !== undefined) {
      throw new NonRetryableError(
        `Cannot launch ${plan.blueprint.sourceInstanceId} at ${ip}: the address is in use in subnet ${plan.network.subnet} (InvalidIPAddress.InUse, simulated)`,
        {
          code: 'IP_ADDRESS_IN_USE',
          explanation: `${holder} already holds ${ip} in ${plan.network.subnet}; EC2 gives each private IP of a subnet to one instance.`,
          action:
            'Terminate the instance holding the address, or fix the blueprint (drbot blueprint) so each instance gets its own private IP.',
          context: { privateIp: ip, subnetId: plan.network.subnet, heldBy: holder },
        },
      );
    }
    taken.set(key, `the blueprint of ${plan.blueprint.sourceInstanceId} in this launch`);
  }
}

function checkPoint(ctx: SimContext, blueprint: Blueprint): void {
  const point = ctx.state.points[blueprint.recoveryPointId];
  if (!point || point.region !== blueprint.region) {
    throw notFound('Recovery point', [blueprint.recoveryPointId], blueprint.region);
  }
  if (point.state !== 'available') {
    throw new DrbotError(`Recovery point ${point.id} is still ${point.state}`, {
      code: 'RECOVERY_POINT_NOT_READY',
      explanation: 'An instance can only be launched from a recovery point whose copy has completed.',
      action: 'Retry once the copy completes, or launch from an older, available point.',
      context: { recoveryPointId: point.id },
    });
  }
}

/**
 * The blueprint's subnet if given (a world subnet, or one `network.replicate` created in the
 * sim's network); else the `drbot:network` profile; else the region default.
 */
function pickNetwork(ctx: SimContext, blueprint: Blueprint): PickedNetwork {
  const region = ctx.world.regions[blueprint.region]!;
  const zoneOf = (subnet: string) => region.subnets.find((s) => s.id === subnet)?.zone;
  if (blueprint.subnetId) {
    const zone =
      zoneOf(blueprint.subnetId) ?? ctx.network?.subnet(blueprint.region, blueprint.subnetId)?.zone;
    if (!zone) throw notFound('Subnet', [blueprint.subnetId], blueprint.region);
    return { subnet: blueprint.subnetId, zone, securityGroups: blueprint.securityGroups ?? [] };
  }
  const profile = blueprint.tags?.['drbot:network'];
  const networks = region.networks ?? {};
  const chosen = (profile && networks[profile]) || networks.default || Object.values(networks)[0];
  if (profile && Object.keys(networks).length > 0 && !networks[profile]) {
    throw new NonRetryableError(`Network profile ${profile} does not exist in ${blueprint.region}`, {
      code: 'NETWORK_PROFILE_NOT_FOUND',
      explanation: `The launch asked for network "${profile}", which ${blueprint.region} of the simulated world does not define.`,
      action: `Add regions.${blueprint.region}.networks.${profile} to the world, or use one of: ${Object.keys(networks).join(', ') || 'none'}.`,
    });
  }
  const subnet = chosen ? chosen.subnet : region.subnets[0]!.id;
  return {
    subnet,
    zone: zoneOf(subnet),
    securityGroups: blueprint.securityGroups ?? (chosen ? [...chosen.securityGroups] : []),
  };
}

type Verb = 'stop' | 'start' | 'terminate';
const API: Record<Verb, string> = {
  stop: 'StopInstances',
  start: 'StartInstances',
  terminate: 'TerminateInstances',
};

/** Stop/start/terminate one batch; a drill may only touch instances tagged with its run id. */
export function mutate(
  ctx: SimContext,
  verb: Verb,
  ids: string[],
  region: string,
  guard: MutationGuard,
): void {
  if (ids.length === 0) return;
  apiCall(ctx, API[verb], region, batches(ids.length));
  const instances = lookup(ctx, ids, region);
  if (guard.mode === 'drill' && verb !== 'start') {
    // a retired instance is gone for good: nothing can happen to it, so it is nobody's to guard
    const foreign = instances
      .filter((i) => ctx.state.instances[i.id] && i.tags['drbot:run-id'] !== guard.runId)
      .map((i) => i.id);
    if (foreign.length > 0) throw drillSafety(API[verb], foreign, guard.runId);
  }
  const now = ctx.clock.now();
  if (verb === 'terminate') {
    for (const i of instances) {
      if (i.state === 'terminated' || i.state === 'shutting-down') continue;
      i.state = 'shutting-down';
      i.healthy = false;
      i.transition = { to: 'terminated', at: now + ctx.latency.of('terminate') };
      emitTo(ctx, i.transition.at, i, guard, `ec2:terminated ${i.id}`);
      ctx.state.counters.terminations++;
    }
    return;
  }
  const from = verb === 'stop' ? ['running'] : ['stopped'];
  const done = verb === 'stop' ? ['stopping', 'stopped'] : ['pending', 'running'];
  const stuck = instances.filter((i) => !from.includes(i.state) && !done.includes(i.state));
  if (stuck.length > 0)
    throw incorrectState(
      API[verb],
      stuck.map((i) => i.id),
      stuck[0]!.state,
    );
  for (const i of instances.filter((x) => from.includes(x.state))) {
    i.healthy = false;
    if (verb === 'stop') {
      i.state = 'stopping';
      i.transition = { to: 'stopped', at: now + ctx.latency.of('stop') };
      emitTo(ctx, i.transition.at, i, guard, `ec2:stopped ${i.id}`);
      ctx.state.counters.stops++;
    } else {
      i.state = 'pending';
      const at = now + ctx.latency.of('start');
      i.transition = { to: 'running', at };
      i.healthyAt = at + ctx.latency.of('statusChecks');
      emitTo(ctx, at, i, guard, `ec2:running ${i.id}`);
      emitTo(ctx, i.healthyAt, i, guard, `ec2:status-ok ${i.id}`);
      ctx.state.counters.starts++;
    }
  }
}

/**
 * Wakes whoever hears that a stop/start/terminate finished: the instance's run (its drbot:run-id
 * tag, as EventBridge routes it) and the run that asked, when another (a failover retiring an
 * earlier run's copies, or stopping an untagged protected source).
 */
function emitTo(
  ctx: SimContext,
  at: number,
  instance: { tags: Record<string, string> },
  guard: MutationGuard,
  reason: string,
): void {
  const owner = instance.tags['drbot:run-id'];
  emitAt(ctx.wakeups, at, owner, reason);
  if (guard.runId !== owner) emitAt(ctx.wakeups, at, guard.runId, reason);
}
