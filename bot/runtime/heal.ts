/**
 * Start-up repair shared by the long-running front ends: a process killed between an ended
 * run's final save and its last audit append leaves those events in the run's outbox. Resumers
 * only kick unfinished runs, so reading the recently ended ones (the engine's getRun repairs the
 * trail and publishes what was missing) closes that gap.
 */
import { isTerminal } from '../../engine/run.js';
import type { BotServices } from '../services.js';

/** How many of the newest runs are checked at start. */
const RECENT_RUNS = 20;

export async function healEndedRuns(services: Pick<BotServices, 'engine' | 'store'>): Promise<void> {
  for (const summary of await services.store.listRuns({ limit: RECENT_RUNS })) {
    if (isTerminal(summary.status)) await services.engine.getRun(summary.id).catch(() => undefined);
  }
}
