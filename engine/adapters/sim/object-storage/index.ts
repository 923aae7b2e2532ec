/** The simulated object store. */
export { type SimObjectState, SimObjectStorage, type SimObjectStorageOptions } from './sim-object-storage.js';
