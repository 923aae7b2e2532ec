/** The simulated data tier: seed (world `data:` section) and the SimDatabase DatabasePort. */
export { SimDataSeedError, SimDbStateError } from './errors.js';
export { loadSimDataSeed, type SimDataSeed } from './seed.js';
export { SimDatabase, type SimDatabaseOptions } from './sim-database.js';
export type { SimDataState } from './state.js';
