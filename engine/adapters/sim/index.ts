/** The simulated cloud's public surface. */
export { EC2_APIS, type SimCounters, totalCalls } from './counters.js';
export { type GenerateWorldOptions, generateWorld } from './generate-world.js';
export {
  loadSimNetworkSeed,
  SimNetwork,
  type SimNetworkOptions,
  type SimNetworkState,
} from './network/index.js';
export { DEFAULT_RETENTION, type SimRetention } from './retention.js';
export { SimCloud, type SimCloudOptions } from './sim-cloud.js';
export type { SimState } from './state.js';
export { SimStateStore, type SimStateStoreOptions } from './state-store.js';
export type { AgentInvocation, AgentOutput, AgentRunner } from './types.js';
export type { World, WorldFaults, WorldLatencies } from './world.js';
export { loadWorld, SimWorldError, validateWorld } from './world-load.js';
