/**
 * When a run needs the engine again, and whether it is busy or only waiting on people.
 */
import { isTerminal, type Run, type RunStatus, type StepState } from '../run.js';

/** A step's deadline (first start + its timeout), when it has one. */
export type DeadlineOf = (key: string, step: StepState) => number | undefined;

/** 'waiting' when nothing runs or is scheduled and someone must approve or confirm. */
export function statusOf(run: Run): RunStatus {
  let busy = 0;
  let waiting = 0;
  for (const step of Object.values(run.steps)) {
    if (step.status === 'running' || (step.status === 'pending' && step.attempt > 0)) busy++;
    if (step.status === 'waiting') waiting++;
  }
  return statusFromCounts(run, busy, waiting);
}

/**
 * The same from counts the executor keeps (StepIndex): `busy` steps are running or pending a
 * retry, `waiting` ones wait on people.
 */
export function statusFromCounts(run: Run, busy: number, waiting: number): RunStatus {
  if (isTerminal(run.status) || run.phase === 'done') return run.status;
  if (busy > 0) return 'running';
  return waiting > 0 ? 'waiting' : 'running';
}

/** The earliest of: due polls, retries, gate timeouts and step deadlines. */
export function nextWake(run: Run, deadlineOf?: DeadlineOf): number | undefined {
  if (isTerminal(run.status)) return undefined;
  let wakeAt: number | undefined;
  const consider = (at: number | undefined): void => {
    if (at !== undefined && (wakeAt === undefined || at < wakeAt)) wakeAt = at;
  };
  for (const [key, step] of Object.entries(run.steps)) {
    const retrying = step.status === 'pending' && step.attempt > 0;
    if (step.status !== 'running' && step.status !== 'waiting' && !retrying) continue;
    consider(step.nextAt);
    // Gate steps fold their timeout into nextAt; others may time out before their next poll.
    if (step.status !== 'waiting') consider(deadlineOf?.(key, step));
  }
  return wakeAt;
}
