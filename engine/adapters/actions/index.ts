/**
 * Binds the action catalogue to a CloudProvider. Every cloud handler is wrapped by `guardHandler`
 * (error mapping, throttle absorption); the registry adds the agent.* handlers (agent.ts) and
 * `extra`, handlers bound elsewhere (tests, experiments).
 */
import { ACTION_SPECS } from '../../actions/catalogue.js';
import { type ActionHandler, type ActionRegistry, createRegistry } from '../../actions/types.js';
import type { CloudProvider } from '../../cloud.js';
import type { NetworkCloud } from '../../network/ports.js';
import type { RunStore } from '../../ports.js';
import { createAgentActions } from './agent.js';
import { launchHandler } from './ec2-launch.js';
import { lifecycleHandler, waitHealthyHandler } from './ec2-lifecycle.js';
import { notifyHandler, waitHandler } from './flow.js';
import { DEFAULT_MAX_THROTTLES, guardHandler } from './guard.js';
import { networkReplicateHandler, networkUnavailableHandler } from './network.js';
import { latestPointHandler, protectHandler } from './recovery.js';
import { dnsSwitchHandler, runCommandHandler } from './ssm-dns.js';

export interface CloudActionsOptions {
  cloud: CloudProvider;
  /** Time between polls of long operations (sim or real clock ms). @default 5000 */
  pollIntervalMs?: number;
  /** Consecutive throttled calls a step absorbs before failing the attempt. @default 20 */
  maxThrottles?: number;
  /**
   * Where network mappings and stored blueprints live (the run store). ec2.launch reads the
   * mapping from it; without it launches use the `network` profile as before any replication.
   * @default none
   */
  store?: RunStore;
  /**
   * The cloud's network side: network.replicate needs it (and `store`); ec2.launch checks the
   * recovery region's instance type offerings through it.
   * @default none (network.replicate fails saying so)
   */
  network?: NetworkCloud;
}

export function createCloudActions(options: CloudActionsOptions): Record<string, ActionHandler> {
  const { cloud, store, network } = options;
  const poll = options.pollIntervalMs ?? 5_000;
  const raw: Record<string, ActionHandler> = {
    'recovery.latestPoint': latestPointHandler(cloud),
    'recovery.protect': protectHandler(cloud, poll),
    'ec2.launch': launchHandler(cloud, { ...(store ? { store } : {}), ...(network ? { network } : {}) }),
    'ec2.waitHealthy': waitHealthyHandler(cloud, poll),
    'ec2.stop': lifecycleHandler(cloud, 'stop', poll),
    'ec2.start': lifecycleHandler(cloud, 'start', poll),
    'ec2.terminate': lifecycleHandler(cloud, 'terminate', poll),
    'ssm.runCommand': runCommandHandler(cloud, poll),
    'dns.switch': dnsSwitchHandler(cloud, poll),
    'network.replicate':
      network && store ? networkReplicateHandler({ cloud, network, store }) : networkUnavailableHandler(),
    wait: waitHandler(),
    notify: notifyHandler(),
  };
  const max = options.maxThrottles ?? DEFAULT_MAX_THROTTLES;
  return Object.fromEntries(Object.entries(raw).map(([name, h]) => [name, guardHandler(name, h, max)]));
}

export interface ActionRegistryOptions extends CloudActionsOptions {
  /** More handlers by action name (e.g. agent.*); they win over the cloud ones. */
  extra?: Record<string, ActionHandler>;
}

/** The full registry: catalogue specs + cloud handlers + agent.* handlers + `extra`. */
export function createActionRegistry(options: ActionRegistryOptions): ActionRegistry {
  return createRegistry(ACTION_SPECS, {
    ...createCloudActions(options),
    ...createAgentActions(options),
    ...(options.extra ?? {}),
  });
}

export { protectedRegion, recoveryRegion, regionOf } from './regions.js';
