/**
 * The local simulated cloud: the world from runbooks/sim/world.yaml, its state restored from the
 * store (`sim`/`state`, sharded when large) and saved back after every mutation, so a restart
 * continues the world. The sim drops finished things itself (retention.ts), so it stays small.
 * Its network (the world's `network:` VPCs plus what `network.replicate` created) is restored and
 * saved the same way (`sim-network`/`state`), so replicated subnets survive a restart too.
 * With the agent enabled, `Drbot*` documents run the real agent script in per-instance sandboxes.
 */

import { readFile } from 'node:fs/promises';
import { createScriptAgentRunner } from '../../engine/adapters/sim/agent-runner.js';
import { loadSimDataSeed, SimDatabase, type SimDataState } from '../../engine/adapters/sim/database/index.js';
import { loadSimDrsSeed } from '../../engine/adapters/sim/drs/seed.js';
import type { SimWakeups } from '../../engine/adapters/sim/events.js';
import {
  loadSimNetworkSeed,
  SimNetwork,
  type SimNetworkState,
} from '../../engine/adapters/sim/network/index.js';
import { type SimObjectState, SimObjectStorage } from '../../engine/adapters/sim/object-storage/index.js';
import { SimCloud } from '../../engine/adapters/sim/sim-cloud.js';
import { SimStateStore } from '../../engine/adapters/sim/state-store.js';
import type { WorldFaults } from '../../engine/adapters/sim/world.js';
import { loadWorld } from '../../engine/adapters/sim/world-load.js';
import type { Clock, Random, RunStore } from '../../engine/ports.js';

/**
 * Where the sim state lives in the store: the whole state, or, when it outgrows one document, a
 * header naming its shards (`sim/state-<slot>-<n>`). Read and write it through `simStateStore`.
 */
export const SIM_STATE_DOC = { kind: 'sim', id: 'state' } as const;

/** Loads and saves the sim state at SIM_STATE_DOC, sharded when large (one per process). */
export function simStateStore(store: RunStore): SimStateStore {
  return new SimStateStore(store, { kind: SIM_STATE_DOC.kind, id: SIM_STATE_DOC.id });
}

/** Where the sim network state lives in the store (the CLI's `drbot network` uses the same doc). */
export const SIM_NETWORK_DOC = { kind: 'sim-network', id: 'state' } as const;

export interface LocalSimOptions {
  worldFile: string;
  store: RunStore;
  clock: Clock;
  random: Random;
  latencyScale: number;
  /** Replaces the world's faults. */
  faults?: WorldFaults;
  /** Sandbox root for the agent; no agent runs when absent. */
  sandboxRoot?: string;
  /** Completion events to the driver (engine/adapters/sim/events.ts). @default none: polls only */
  wakeups?: SimWakeups;
}

export async function createLocalSim(options: LocalSimOptions): Promise<SimCloud> {
  const text = await readFile(options.worldFile, 'utf8');
  const world = loadWorld(text, options.worldFile);
  const states = simStateStore(options.store);
  const saved = await states.load();
  const savedNetwork = await options.store.getDoc<SimNetworkState>(SIM_NETWORK_DOC.kind, SIM_NETWORK_DOC.id);
  const network = new SimNetwork({
    world,
    seed: loadSimNetworkSeed(text),
    ...(savedNetwork?.version === 1 ? { state: savedNetwork } : {}),
    persist: (state) => options.store.putDoc(SIM_NETWORK_DOC.kind, SIM_NETWORK_DOC.id, state),
  });
  const sim = new SimCloud({
    world,
    clock: options.clock,
    random: options.random,
    latencyScale: options.latencyScale,
    faults: options.faults,
    state: saved?.version === 1 ? saved : undefined,
    persist: (state) => states.save(state),
    network,
    drs: loadSimDrsSeed(text),
    ...(options.wakeups ? { wakeups: options.wakeups } : {}),
    ...(options.sandboxRoot
      ? { sandboxRoot: options.sandboxRoot, agentRunner: createScriptAgentRunner() }
      : {}),
  });
  return sim;
}

/** Where the simulated data tier's state lives in the store (databases, snapshots, parameters). */
export const SIM_DATA_DOC = { kind: 'sim-data', id: 'state' } as const;
/** Where the simulated object store's state lives (marker objects and their replicas). */
export const SIM_OBJECTS_DOC = { kind: 'sim-objects', id: 'state' } as const;

export interface LocalSimData {
  database: SimDatabase;
  objectStorage: SimObjectStorage;
}

/**
 * The sim's data tier, from the world's `data:` section, restored from the store and saved back
 * after every change, so a restart (or a killed process) continues with the same databases.
 */
export async function createLocalSimData(
  options: Pick<LocalSimOptions, 'worldFile' | 'store' | 'clock' | 'latencyScale' | 'wakeups'>,
): Promise<LocalSimData> {
  const seed = loadSimDataSeed(await readFile(options.worldFile, 'utf8'));
  const { store } = options;
  const saved = await store.getDoc<SimDataState>(SIM_DATA_DOC.kind, SIM_DATA_DOC.id);
  const savedObjects = await store.getDoc<SimObjectState>(SIM_OBJECTS_DOC.kind, SIM_OBJECTS_DOC.id);
  const database = new SimDatabase({
    seed,
    clock: options.clock,
    latencyScale: options.latencyScale,
    ...(saved?.version === 1 ? { state: saved } : {}),
    ...(options.wakeups ? { wakeups: options.wakeups } : {}),
    persist: (state) => store.putDoc(SIM_DATA_DOC.kind, SIM_DATA_DOC.id, state),
  });
  const objectStorage = new SimObjectStorage({
    buckets: seed.buckets,
    clock: options.clock,
    latencyScale: options.latencyScale,
    ...(savedObjects?.version === 1 ? { state: savedObjects } : {}),
    persist: (state) => store.putDoc(SIM_OBJECTS_DOC.kind, SIM_OBJECTS_DOC.id, state),
  });
  return { database, objectStorage };
}
