/** The simulated network: seed (world `network:` section) and the SimNetwork NetworkCloud. */
export {
  loadSimNetworkSeed,
  type SeedVpc,
  type SimNetworkSeed,
  SimNetworkSeedError,
  seedTopologies,
} from './seed.js';
export { SimNetwork, type SimNetworkOptions, type SimNetworkState } from './sim-network.js';
