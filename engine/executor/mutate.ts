/**
 * Changes made outside `advance` (approvals, confirmations, abort requests): load, change,
 * version-checked save; on a conflict start over from a fresh copy. The change function must be
 * safe to run again, which is why side items (gate decisions) are written before, not inside it.
 *
 * Within one engine, changes to the same run are queued and applied one after another: 200
 * people clicking at once would otherwise all load the same version and all but one conflict,
 * round after round (quadratic store traffic: ~35 s for 200 clicks on DynamoDB). Queued, each
 * click costs one load and one save. Other processes still race through the version check.
 */
import { ConflictError } from '../errors.js';
import type { Run } from '../run.js';
import { type EngineDeps, openSession } from './deps.js';
import { createMachine, type Machine } from './machine.js';

/** Contended runs (200 people clicking at once) converge well before this. */
const MAX_TRIES = 500;

/** Per engine (its deps), per run: the tail of the queue of changes. */
const queues = new WeakMap<EngineDeps, Map<string, Promise<unknown>>>();

export function mutateRun(
  deps: EngineDeps,
  runId: string,
  change: (m: Machine) => void | Promise<void>,
): Promise<Run> {
  let perRun = queues.get(deps);
  if (!perRun) {
    perRun = new Map();
    queues.set(deps, perRun);
  }
  const queue = perRun;
  const previous = queue.get(runId) ?? Promise.resolve();
  const mine = previous.then(
    () => mutateNow(deps, runId, change),
    () => mutateNow(deps, runId, change),
  );
  queue.set(runId, mine);
  const forget = () => {
    if (queue.get(runId) === mine) queue.delete(runId);
  };
  mine.then(forget, forget);
  return mine;
}

async function mutateNow(
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
