/**
 * Changes made outside `advance` (approvals, confirmations, abort requests): load, change,
 * version-checked save; on a conflict start over from a fresh copy. The change function must be
 * safe to run again, which is why side items (gate decisions) are written before, not inside it.
 */
import { ConflictError } from '../errors.js';
import type { Run } from '../run.js';
import { type EngineDeps, openSession } from './deps.js';
import { createMachine, type Machine } from './machine.js';

/** Contended runs (200 people clicking at once) converge well before this. */
const MAX_TRIES = 500;

export async function mutateRun(
  deps: EngineDeps,
  runId: string,
  change: (m: Machine) => void | Promise<void>,
): Promise<Run> {
  for (let tries = 1; ; tries++) {
    const m = createMachine(deps, await openSession(deps, runId));
    await change(m);
    try {
      await m.s.commit();
      return m.s.run;
    } catch (err) {
      if (!(err instanceof ConflictError) || tries >= MAX_TRIES) throw err;
    }
  }
}
