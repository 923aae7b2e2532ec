/** Network replication, the resource mapping, launch blueprints and readiness (pure core). */
export * from './blueprint-source.js';
export * from './blueprints.js';
export * from './cidr.js';
export * from './doctor.js';
export * from './doctor-facts.js';
export * from './errors.js';
export * from './mapping.js';
export * from './mapping-store.js';
export * from './plan.js';
export * from './plan-types.js';
export * from './ports.js';
export * from './remap-check.js';
export * from './replicate.js';
export * from './topology.js';
export * from './zones.js';
