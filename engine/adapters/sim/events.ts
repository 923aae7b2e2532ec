/**
 * The sim's completion events, as EventBridge delivers them on AWS (bot/lambda/events.ts): when a
 * simulated operation will finish (an instance running, its status checks passed, a snapshot
 * copied, a command done, a DNS change INSYNC, a database restored), a timer on the sim clock
 * wakes the run that owns the resource at that moment, so the run does not wait for its next
 * poll. The owner is the resource's `drbot:run-id` tag (for commands on untagged instances and
 * DNS changes, the run id that starts the idempotency key `runId:step:attempt`).
 *
 * Events are not persisted: a restored sim (or a lost event) falls back to the poll, and a
 * duplicate or early event only makes the run poll once more. Operations that have no owning run
 * (the protect schedule, protected instances started by hand) emit nothing.
 */
import type { Timers, Waker } from '../../ports.js';

/** Where the sim sends its events: the driver's Waker and the clock's timers. */
export interface SimWakeups {
  waker: Waker;
  timers: Timers;
}

/** The run id an idempotency key `runId:step:attempt` starts with. */
export function runOfKey(idempotencyKey: string): string | undefined {
  const runId = idempotencyKey.split(':')[0];
  return runId ? runId : undefined;
}

/** Wakes `runId` at sim time `at` with `reason`; nothing without wake-ups or an owner. */
export function emitAt(
  wakeups: SimWakeups | undefined,
  at: number,
  runId: string | undefined,
  reason: string,
): void {
  if (!wakeups || !runId) return;
  wakeups.timers.at(at, () => wakeups.waker.wake(runId, reason));
}
