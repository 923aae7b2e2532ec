/**
 * Binds action modules to a cloud: each module builds its handler from the deps, and every
 * handler is wrapped by `guardHandler` (error mapping, throttle absorption). Native actions
 * (approval, manual) have no handler: the engine implements them.
 */
import type { DatabasePort } from '../cloud/database.js';
import type { ObjectStoragePort } from '../cloud/object-storage.js';
import type { CloudProvider } from '../cloud/provider.js';
import type { ReplicationPort } from '../cloud/replication.js';
import type { NetworkCloud } from '../network/ports.js';
import type { RunStore } from '../ports.js';
import { ACTION_MODULES } from './catalogue.js';
import { DEFAULT_MAX_THROTTLES, guardHandler } from './support/guard.js';
import {
  type ActionDeps,
  type ActionHandler,
  type ActionModule,
  type ActionRegistry,
  createRegistry,
} from './types.js';

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
  /** The cloud's database side (rds.*, aurora.*, ssm.putParameter). @default none (they fail saying so) */
  database?: DatabasePort;
  /** The cloud's object storage (s3.replicationCheck). @default none (it fails saying so) */
  objectStorage?: ObjectStoragePort;
  /** Elastic Disaster Recovery (drs.*, recovery.latestPoint with method: drs). @default none (they fail saying so) */
  replication?: ReplicationPort;
  /** The modules to bind. @default every module in the catalogue */
  modules?: ActionModule[];
}

function bind(
  options: CloudActionsOptions,
  which: (m: ActionModule) => boolean,
): Record<string, ActionHandler> {
  const deps: ActionDeps = {
    cloud: options.cloud,
    pollIntervalMs: options.pollIntervalMs ?? 5_000,
    ...(options.store ? { store: options.store } : {}),
    ...(options.network ? { network: options.network } : {}),
    ...(options.database ? { database: options.database } : {}),
    ...(options.objectStorage ? { objectStorage: options.objectStorage } : {}),
    ...(options.replication ? { replication: options.replication } : {}),
  };
  const max = options.maxThrottles ?? DEFAULT_MAX_THROTTLES;
  const handlers: Record<string, ActionHandler> = {};
  for (const module of options.modules ?? ACTION_MODULES) {
    if (!module.handler || !which(module)) continue;
    handlers[module.name] = guardHandler(module.name, module.handler(deps), max);
  }
  return handlers;
}

const isAgent = (m: ActionModule) => m.name.startsWith('agent.');

/** Handlers of every action but the agent's. */
export function createCloudActions(options: CloudActionsOptions): Record<string, ActionHandler> {
  return bind(options, (m) => !isAgent(m));
}

/** Handlers of the agent.* actions (the drbot agent through the commands capability). */
export function createAgentActions(options: CloudActionsOptions): Record<string, ActionHandler> {
  return bind(options, isAgent);
}

export interface ActionRegistryOptions extends CloudActionsOptions {
  /** More handlers by action name (tests, experiments); they win over the modules' own. */
  extra?: Record<string, ActionHandler>;
}

/** The full registry: every module's spec and handler, plus `extra`. */
export function createActionRegistry(options: ActionRegistryOptions): ActionRegistry {
  const modules = options.modules ?? ACTION_MODULES;
  return createRegistry(modules, { ...bind(options, () => true), ...(options.extra ?? {}) });
}
