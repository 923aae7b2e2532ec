/**
 * The sim's whole mutable state as plain JSON, so `snapshot()` can be stored (state-store.ts
 * splits it across store documents when it is large) and `SimCloud.restore` continues where it
 * stopped. retention.ts keeps it from growing with every drill.
 * Time-driven changes (pending → running) are stored as deadlines and applied lazily (`settle`),
 * so nothing depends on timers and a FakeClock drives everything.
 */
import type { CommandInvocation } from '../../cloud/commands.js';
import type { Instance, LaunchType, Volume } from '../../cloud/compute.js';
import type { RecoveryPoint } from '../../cloud/recovery-points.js';
import { parseDuration } from '../../duration.js';
import { emptyCounters, type SimCounters } from './counters.js';
import type { SimDrsState } from './drs/state.js';
import type { World } from './world.js';

export interface SimInstance extends Instance {
  launchedAt: number;
  /** A pending state change: at `at` the instance becomes `to`. */
  transition?: { to: Instance['state']; at: number };
  /** When status checks pass (after reaching running). */
  healthyAt?: number;
  launchType?: LaunchType;
  /** True for instances of the world file (the protected fleet), false for launched ones. */
  seeded: boolean;
  /** Where the agent writes RPO markers (inherited by instances launched from its points). */
  dataDirs?: string[];
  /** When it became terminated (sim time): its record is dropped a while later (retention.ts). */
  terminatedAt?: number;
  /** The boot script it was launched with (ec2.launch `userData`). */
  userData?: string;
}

/**
 * What is left of a launched instance once its full record is dropped (retention.ts): enough for
 * a repeated RunInstances with its ClientToken to answer the same, and for describe to say
 * "terminated" instead of "not found" to a run resumed late.
 */
export interface SimRetiredInstance {
  region: string;
  type: string;
  terminatedAt: number;
  privateIp?: string;
  fellBackFrom?: string;
}

export interface SimPoint extends RecoveryPoint {
  volumes: Volume[];
  availableAt: number;
  /** Whether the sandbox copy for this point exists (agent integration). */
  sandboxReady: boolean;
}

export interface SimCommand {
  commandId: string;
  region: string;
  document: string;
  sentAt: number;
  doneAt: number;
  /** Final invocations, revealed once `doneAt` has passed. */
  invocations: CommandInvocation[];
}

export interface SimDnsChange {
  changeId: string;
  zone: string;
  record: string;
  target: string;
  insyncAt: number;
}

/** A protection schedule of the world: a point of `instanceId` in `region` every `every` ms. */
export interface SimSchedule {
  instanceId: string;
  region: string;
  lastAt: number;
}

export interface SimState {
  version: 1;
  createdAt: number;
  nextId: number;
  instances: Record<string, SimInstance>;
  /** Launched instances whose full record was dropped, by id (kept while their token is). */
  retired: Record<string, SimRetiredInstance>;
  points: Record<string, SimPoint>;
  commands: Record<string, SimCommand>;
  dnsRecords: Record<string, string>;
  dnsChanges: Record<string, SimDnsChange>;
  schedules: SimSchedule[];
  /** Idempotency: token/key → what it created. */
  tokens: {
    launch: Record<string, string>;
    capture: Record<string, string[]>;
    command: Record<string, string>;
    dns: Record<string, string>;
  };
  /** Fault budgets already used up. */
  faultsUsed: {
    capacity: Record<string, number>;
    launchFailures: number;
    ssmFailures: number;
    ssmTimeouts: number;
  };
  counters: SimCounters;
  /** Elastic Disaster Recovery (drs/): seeded from the world's `drs:` section on first use. */
  drs?: SimDrsState;
}

/** Builds the first state of a world: its fleet and its seeded recovery points aged from `now`. */
export function initialState(world: World, now: number): SimState {
  const state: SimState = {
    version: 1,
    createdAt: now,
    nextId: 1,
    instances: {},
    retired: {},
    points: {},
    commands: {},
    dnsRecords: {},
    dnsChanges: {},
    schedules: [],
    tokens: { launch: {}, capture: {}, command: {}, dns: {} },
    faultsUsed: { capacity: {}, launchFailures: 0, ssmFailures: 0, ssmTimeouts: 0 },
    counters: emptyCounters(),
  };
  for (const w of world.instances) {
    const zone = world.regions[w.region]?.subnets.find((s) => s.id === w.subnet)?.zone;
    state.instances[w.id] = {
      id: w.id,
      region: w.region,
      zone,
      type: w.type,
      state: w.state ?? 'running',
      subnetId: w.subnet,
      privateIp: w.privateIp,
      securityGroups: [...w.securityGroups],
      instanceProfile: w.instanceProfile,
      volumes: w.volumes.map((v, i) => ({ id: `vol-${w.id.slice(2)}${i}`, ...v })),
      tags: { ...w.tags },
      healthy: (w.state ?? 'running') === 'running',
      launchedAt: now,
      seeded: true,
      ...(w.dataDirs ? { dataDirs: [...w.dataDirs] } : {}),
    };
  }
  for (const spec of world.recoveryPoints) {
    const sources =
      spec.instances ?? world.instances.filter((i) => i.region !== spec.region).map((i) => i.id);
    for (const sourceId of sources) {
      const source = state.instances[sourceId];
      if (!source) continue;
      // oldest first, so ids grow with capture time like real snapshot ids do not, but logs read well
      const ages = [...spec.ages].map(parseDuration).sort((a, b) => b - a);
      for (const age of ages) {
        const point = newPoint(state, {
          kind: spec.kind ?? 'snapshot',
          region: spec.region,
          source,
          capturedAt: now - age,
          availableAt: now - age,
          appConsistent: false,
        });
        state.points[point.id] = point;
      }
      const newest = now - Math.min(...ages);
      state.schedules.push({ instanceId: sourceId, region: spec.region, lastAt: newest });
    }
  }
  if (world.dns) {
    for (const [zone, records] of Object.entries(world.dns))
      for (const [record, value] of Object.entries(records)) state.dnsRecords[dnsKey(zone, record)] = value;
  }
  return state;
}

/**
 * Brings a saved state of an older drbot up to this shape (fields added since are optional in
 * what is on disk), so a restart after an upgrade continues the same world.
 */
export function upgradeState(saved: SimState): SimState {
  const old = saved as Omit<SimState, 'retired'> & { retired?: SimState['retired'] };
  return { ...old, retired: old.retired ?? {} };
}

/**
 * Alibaba Cloud's mainland regions are `cn-<city>` with no number (`cn-hangzhou`, `cn-shanghai`):
 * the sim gives resources there Alibaba-shaped ids. (AWS's cn-north-1 ends in a digit.)
 */
export function isAlibabaRegion(region: string | undefined): boolean {
  return region !== undefined && /^cn-[a-z]+$/.test(region);
}

/** The two letters Alibaba puts after the prefix of ids in a region (i-bp…, m-uf…). */
const ALIBABA_INFIX: Record<string, string> = {
  'cn-hangzhou': 'bp',
  'cn-shanghai': 'uf',
  'cn-beijing': '2z',
  'cn-shenzhen': 'wz',
  'cn-hongkong': 'j6',
};

const ALIBABA_PREFIX: Record<string, string> = { ami: 'm', snap: 's', i: 'i' };

/**
 * Deterministic ids from the state's counter: AWS-looking (a prefix and 17 hex digits), or, for a
 * resource in an Alibaba region, Alibaba-looking (`i-bp1…`, `m-uf1…`, `s-bp1…`; 20 characters).
 */
export function nextId(state: SimState, prefix: string, region?: string): string {
  const n = state.nextId++;
  if (isAlibabaRegion(region) && ALIBABA_PREFIX[prefix]) {
    const infix = ALIBABA_INFIX[region as string] ?? (region as string).slice(3, 5);
    return `${ALIBABA_PREFIX[prefix]}-${infix}1${n.toString(36).padStart(17, '0')}`;
  }
  return `${prefix}-0${n.toString(16).padStart(16, '0')}`;
}

export function newPoint(
  state: SimState,
  p: {
    kind: 'snapshot' | 'ami';
    region: string;
    source: SimInstance;
    capturedAt: number;
    availableAt: number;
    appConsistent: boolean;
  },
): SimPoint {
  return {
    id: nextId(state, p.kind === 'ami' ? 'ami' : 'snap', p.region),
    kind: p.kind,
    region: p.region,
    sourceInstanceId: p.source.id,
    capturedAt: p.capturedAt,
    appConsistent: p.appConsistent,
    state: p.availableAt <= p.capturedAt ? 'available' : 'pending',
    volumes: p.source.volumes.map((v) => ({ ...v })),
    availableAt: p.availableAt,
    sandboxReady: false,
  };
}

export function dnsKey(zone: string, record: string): string {
  return `${zone}|${record}`;
}

/** The public view of an instance: the port's `Instance`, without sim bookkeeping. */
export function publicInstance(i: SimInstance): Instance {
  return {
    id: i.id,
    region: i.region,
    zone: i.zone,
    type: i.type,
    state: i.state,
    subnetId: i.subnetId,
    privateIp: i.privateIp,
    securityGroups: [...i.securityGroups],
    instanceProfile: i.instanceProfile,
    volumes: i.volumes.map((v) => ({ ...v })),
    tags: { ...i.tags },
    healthy: i.healthy ?? false,
  };
}

export function publicPoint(p: SimPoint): RecoveryPoint {
  return {
    id: p.id,
    kind: p.kind,
    region: p.region,
    sourceInstanceId: p.sourceInstanceId,
    capturedAt: p.capturedAt,
    appConsistent: p.appConsistent,
    state: p.state,
  };
}
