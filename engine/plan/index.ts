export { estimateStepMs, FALLBACK_ESTIMATE_MS, typicalActionMs } from './estimates.js';
export type { Plan, PlanGate, PlanOptions, PlanPhase, PlanStep } from './plan.js';
export { planRun } from './plan.js';
export { renderPlan } from './render.js';
