/** The executor: `createEngine` implements engine/api.ts `Engine`. */
export { createEngine } from './engine.js';
export { DECLARED_AT_PARAM } from './measures.js';
export { backoffMs, decideRetry } from './retry.js';
export { CLEANUP_PREFIX, COMPENSATE_PREFIX } from './scheduling.js';
