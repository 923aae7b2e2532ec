/**
 * The driver loop of a replicated `drbot serve`: every few seconds it lists the recent runs in the
 * shared store and kicks each unfinished one this process is not already driving. Any replica may
 * pick up a run another one started or left behind (a crash, a rolling deploy); the engine's lease
 * (a conditional write with expiry) makes sure only one of them advances it at a time, and the
 * others see `advanced: false` and look again later.
 */

import type { RunStore } from '../../engine/ports.js';
import { isTerminal } from '../../engine/run.js';
import { mayAwaitCommit } from '../../engine/tier/commit-policy.js';

export interface SweptDriver {
  kick(runId: string): void;
  isTracking(runId: string): boolean;
}

export interface RunSweeperOptions {
  store: Pick<RunStore, 'listRuns'>;
  driver: SweptDriver;
  /** Pause between sweeps. @default 15000 */
  intervalMs?: number;
  /** Recent runs looked at per sweep (unfinished runs are recent: DR runs last hours). @default 100 */
  limit?: number;
  /** @default console.error */
  log?: (message: string, err?: unknown) => void;
  /** Runs `fn` after `ms`; returns a cancel function. @default an unref'd setTimeout */
  schedule?: (fn: () => void, ms: number) => () => void;
}

export interface RunSweeper {
  /** One sweep now; resolves with the run ids it kicked. */
  sweep(): Promise<string[]>;
  stop(): void;
}

const defaultSchedule = (fn: () => void, ms: number): (() => void) => {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

export function startRunSweeper(options: RunSweeperOptions): RunSweeper {
  const intervalMs = options.intervalMs ?? 15_000;
  const limit = options.limit ?? 100;
  const log = options.log ?? ((message: string, err?: unknown) => console.error(message, err));
  const schedule = options.schedule ?? defaultSchedule;
  let stopped = false;
  let cancel: () => void = () => undefined;
  const seenEnded = new Set<string>();

  const sweep = async (): Promise<string[]> => {
    const kicked: string[] = [];
    for (const summary of await options.store.listRuns({ limit })) {
      if (stopped || options.driver.isTracking(summary.id)) continue;
      // An ended failover is looked at once per process: `advance` re-arms its commit timeout.
      const awaitsCommit = mayAwaitCommit(summary) && !seenEnded.has(summary.id);
      if (isTerminal(summary.status) && !awaitsCommit) continue;
      if (awaitsCommit) seenEnded.add(summary.id);
      options.driver.kick(summary.id);
      kicked.push(summary.id);
    }
    return kicked;
  };
  const loop = () => {
    if (stopped) return;
    cancel = schedule(() => {
      sweep()
        .catch((err: unknown) => log('drbot: sweeping the run store for unfinished runs failed', err))
        .finally(loop);
    }, intervalMs);
  };
  loop();
  return {
    sweep,
    stop() {
      stopped = true;
      cancel();
    },
  };
}
