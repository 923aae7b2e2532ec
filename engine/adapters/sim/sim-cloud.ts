/**
 * The simulated cloud: a deterministic CloudProvider for `npm start`, tests and benches. Every
 * call settles time-driven changes first (and drops what can no longer matter, retention.ts),
 * runs alone (calls are serialised, as the state is one document), and mutating calls end by
 * handing the state to the `persist` hook (state-store.ts saves it, sharded when large).
 */

import type { CommandResult } from '../../cloud/commands.js';
import type {
  Instance,
  LaunchedInstance,
  LaunchRequest,
  MutationGuard,
  ProtectSelector,
  SubnetAddress,
} from '../../cloud/compute.js';
import type { CloudProvider } from '../../cloud/provider.js';
import { SIM_PROVIDER } from '../../cloud/providers.js';
import type { ProtectRequest, ProtectResult, RecoveryPoint } from '../../cloud/recovery-points.js';
import { DRS_INSTALLER_DOCUMENT } from '../../cloud/replication.js';
import type { Clock, Random } from '../../ports.js';
import { addressHolders } from './addresses.js';
import { type SimContext, settle, writeMarker } from './context.js';
import type { SimCounters } from './counters.js';
import { dnsStatus, dnsValue, switchDns } from './dns.js';
import { EMPTY_DRS_SEED, type SimDrsSeed } from './drs/seed.js';
import { installAgents } from './drs/servers.js';
import { SimReplication } from './drs/sim-replication.js';
import { describe, findRunOwned, launch, listProtected, mutate } from './ec2.js';
import type { SimWakeups } from './events.js';
import { FaultInjector } from './faults.js';
import { Latency, type LatencySampler } from './latency.js';
import type { SimNetwork } from './network/sim-network.js';
import { latestRecoveryPoint, latestRecoveryPoints, protect, recoveryPoints } from './recovery.js';
import { DEFAULT_RETENTION, type SimRetention } from './retention.js';
import { Sandbox } from './sandbox.js';
import { commandStatus, runCommand } from './ssm.js';
import { initialState, publicInstance, publicPoint, type SimState, upgradeState } from './state.js';
import type { AgentRunner } from './types.js';
import type { World, WorldFaults } from './world.js';

export interface SimCloudOptions {
  world: World;
  clock: Clock;
  /** Drives throttling faults; seed it for reproducible runs. */
  random: Random;
  /** Multiplies every world latency: ~0.1 for a lively `npm start`. @default 1 */
  latencyScale?: number;
  /** Draws each operation's latency (benches: seeded lognormal). @default the world's fixed values */
  latencySampler?: LatencySampler;
  /** Replaces the world's `faults` (tests and `drbot run` inject their own). @default world.faults */
  faults?: WorldFaults;
  /** A saved state to continue from (see `snapshot`). @default a fresh world at clock.now() */
  state?: SimState;
  /** Called with a copy of the state after every mutating call, e.g. to save it in the store. */
  persist?: (state: SimState) => void | Promise<void>;
  /** Runs the real agent for `Drbot*` documents; needs `sandboxRoot`. */
  agentRunner?: AgentRunner;
  /** Root of the per-instance sandbox directories (`${sandboxRoot}/${instanceId}`). */
  sandboxRoot?: string;
  /**
   * The simulated VPCs (`network:` of the world, plus what `network.replicate` created): launches
   * accept its subnets. Without it only the subnets of the world's `regions:` exist.
   * @default none
   */
  network?: SimNetwork;
  /**
   * When terminated instances, finished commands and old idempotency tokens are dropped from the
   * state, so it stays small however many drills run (see retention.ts for what and why).
   * @default DEFAULT_RETENTION (1 h visible, 24 h tokens, at most 500 dropped launches remembered)
   */
  retention?: Partial<SimRetention>;
  /**
   * The simulated Elastic Disaster Recovery (the world's `drs:` section, loadSimDrsSeed): source
   * servers that already replicate, the point-in-time policy and the DRS latencies.
   * @default no source servers, DRS's default policy
   */
  drs?: SimDrsSeed;
  /**
   * Completion events: each operation of a run wakes the run when it finishes (events.ts), on
   * these timers (a FakeClock, or realTimers). @default none: runs only poll
   */
  wakeups?: SimWakeups;
}

export class SimCloud implements CloudProvider {
  readonly name = 'sim';
  readonly descriptor = SIM_PROVIDER;
  private readonly ctx: SimContext;
  private readonly persistHook?: SimCloudOptions['persist'];
  private queue: Promise<unknown> = Promise.resolve();
  /** Elastic Disaster Recovery over this world (the replication capability). */
  readonly replication: SimReplication;

  constructor(options: SimCloudOptions) {
    const state = options.state
      ? upgradeState(structuredClone(options.state))
      : initialState(options.world, options.clock.now());
    if (options.agentRunner && !options.sandboxRoot) {
      throw new RangeError('SimCloud: agentRunner needs sandboxRoot (where instance directories live)');
    }
    this.ctx = {
      world: options.world,
      state,
      clock: options.clock,
      faults: new FaultInjector(options.faults ?? options.world.faults, options.random, state),
      latency: new Latency(options.world.latencies, options.latencyScale ?? 1, options.latencySampler),
      sandbox: options.sandboxRoot ? new Sandbox(options.sandboxRoot, options.agentRunner) : undefined,
      ...(options.network ? { network: options.network } : {}),
      retention: { ...DEFAULT_RETENTION, ...options.retention },
      drs: options.drs ?? EMPTY_DRS_SEED,
      ...(options.wakeups ? { wakeups: options.wakeups } : {}),
    };
    this.persistHook = options.persist;
    // a drill VPC is deleted only once no instance is left in its subnets (EC2's DependencyViolation)
    options.network?.useOccupants((region, subnetIds) =>
      Object.values(this.ctx.state.instances)
        .filter((i) => i.region === region && i.subnetId !== undefined && subnetIds.includes(i.subnetId))
        .filter((i) => i.state !== 'terminated')
        .map((i) => i.id),
    );
    this.replication = new SimReplication(this.ctx, (mutating, fn) => this.op(mutating, fn));
  }

  /** Continues from a saved state with the given world, clock and options. */
  static restore(state: SimState, options: Omit<SimCloudOptions, 'state'>): SimCloud {
    return new SimCloud({ ...options, state });
  }

  /** The simulated network (NetworkCloud) this cloud launches into, when it was given one. */
  get network(): SimNetwork | undefined {
    return this.ctx.network;
  }

  /** Live counters: calls by API name, launches, duplicate tokens, terminations … */
  get counters(): SimCounters {
    return this.ctx.state.counters;
  }

  /** A deep copy of the whole state, safe to store as JSON. */
  snapshot(): SimState {
    return structuredClone(this.ctx.state);
  }

  listProtected(selector: ProtectSelector, region: string): Promise<Instance[]> {
    return this.op(false, () => listProtected(this.ctx, selector, region));
  }
  recoveryPoints(sourceInstanceId: string, region: string): Promise<RecoveryPoint[]> {
    return this.op(false, () => recoveryPoints(this.ctx, sourceInstanceId, region));
  }
  latestRecoveryPoint(sourceInstanceId: string, region: string): Promise<RecoveryPoint | undefined> {
    return this.op(false, () => latestRecoveryPoint(this.ctx, sourceInstanceId, region));
  }
  latestRecoveryPoints(
    sourceInstanceIds: readonly string[],
    region: string,
  ): Promise<Record<string, RecoveryPoint>> {
    return this.op(false, () => latestRecoveryPoints(this.ctx, sourceInstanceIds, region));
  }
  protect(request: ProtectRequest): Promise<ProtectResult> {
    return this.op(true, () => protect(this.ctx, request));
  }
  launch(request: LaunchRequest): Promise<LaunchedInstance[]> {
    return this.op(true, () => launch(this.ctx, request));
  }
  describe(instanceIds: string[], region: string): Promise<Instance[]> {
    return this.op(false, () => describe(this.ctx, instanceIds, region));
  }
  findRunOwned(runId: string, region: string): Promise<Instance[]> {
    return this.op(false, () => findRunOwned(this.ctx, runId, region));
  }
  addressHolders(region: string, addresses: readonly SubnetAddress[]): Promise<Record<string, string>> {
    return this.op(false, () => addressHolders(this.ctx, region, addresses));
  }
  stop(instanceIds: string[], region: string, guard: MutationGuard): Promise<void> {
    return this.op(true, () => mutate(this.ctx, 'stop', instanceIds, region, guard));
  }
  start(instanceIds: string[], region: string, guard: MutationGuard): Promise<void> {
    return this.op(true, () => mutate(this.ctx, 'start', instanceIds, region, guard));
  }
  terminate(instanceIds: string[], region: string, guard: MutationGuard): Promise<void> {
    return this.op(true, () => mutate(this.ctx, 'terminate', instanceIds, region, guard));
  }
  runCommand(
    instanceIds: string[],
    region: string,
    document: string,
    parameters: Record<string, string[]>,
    idempotencyKey: string,
  ): Promise<{ commandId: string }> {
    return this.op(true, async () => {
      const sent = await runCommand(this.ctx, instanceIds, region, document, parameters, idempotencyKey);
      // the DRS installer registers each instance with DRS in the region it names
      if (document === DRS_INSTALLER_DOCUMENT) {
        const command = this.ctx.state.commands[sent.commandId];
        const drsRegion = parameters.Region?.[0];
        if (command && drsRegion) installAgents(this.ctx, instanceIds, drsRegion, command.doneAt);
      }
      return sent;
    });
  }
  commandStatus(commandId: string, region: string): Promise<CommandResult> {
    return this.op(false, () => commandStatus(this.ctx, commandId, region));
  }
  switchDns(
    zone: string,
    record: string,
    target: string,
    idempotencyKey: string,
  ): Promise<{ changeId: string }> {
    return this.op(true, () => switchDns(this.ctx, zone, record, target, idempotencyKey));
  }
  dnsStatus(changeId: string): Promise<'PENDING' | 'INSYNC'> {
    return this.op(false, () => dnsStatus(this.ctx, changeId));
  }

  /**
   * Lets time pass in the world without an API call: settles deadlines, runs the world's own
   * protection schedule and, with an agent runner, writes an RPO marker on every running
   * protected source instance (call it periodically, e.g. from the local driver).
   */
  tick(): Promise<void> {
    return this.op(true, async () => {
      const sandbox = this.ctx.sandbox;
      if (!sandbox?.hasRunner) return;
      const now = this.ctx.clock.now();
      const sources = new Set(this.ctx.state.schedules.map((s) => s.instanceId));
      for (const id of sources) {
        const instance = this.ctx.state.instances[id];
        if (instance?.state === 'running') await writeMarker(sandbox, instance, now);
      }
    });
  }

  /** Every instance and recovery point as they are now, without counting a call (tests, shell). */
  async inspect(): Promise<{ instances: Instance[]; points: RecoveryPoint[] }> {
    return this.op(false, () => ({
      instances: Object.values(this.ctx.state.instances).map(publicInstance),
      points: Object.values(this.ctx.state.points).map(publicPoint),
    }));
  }

  /** A DNS record's current value (tests, shell). */
  dnsRecord(zone: string, record: string): string | undefined {
    return dnsValue(this.ctx, zone, record);
  }

  /** Serialises calls; settles first; persists after mutating calls, even failed ones (fault budgets). */
  private op<T>(mutating: boolean, fn: () => T | Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      await settle(this.ctx);
      try {
        return await fn();
      } finally {
        if (mutating && this.persistHook) await this.persistHook(this.snapshot());
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
