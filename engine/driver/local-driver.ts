/**
 * The in-process driver: calls `advance` again at the `wakeAt` it returns. With the real clock
 * it uses timers; with a FakeClock (anything with `advanceTo`) it jumps the clock instead, so a
 * 30-minute approval timeout runs in milliseconds. On Lambda the SQS driver plays this part.
 *
 * It is also the in-process `Waker`: `wake(runId, reason)` (the sim's completion events)
 * re-advances the run at once with its polls due now; wake-ups that arrive while an advance is
 * under way are coalesced into one more advance after it.
 */
import type { AdvanceResult, Engine } from '../api.js';
import type { Clock, Waker } from '../ports.js';
import { isTerminal, type Run } from '../run.js';

/** A clock tests can move (engine/adapters/memory/clock.ts FakeClock). */
interface SkippableClock extends Clock {
  advanceTo(at: number): void;
  /** FakeClock: the next armed timer (a sim completion event), which may wake a run early. */
  nextTimerAt?(): number | undefined;
}

export interface LocalDriverOptions {
  engine: Engine;
  clock: Clock;
  /** Runs `fn` after `ms`; returns a cancel function. @default setTimeout/clearTimeout */
  schedule?: (fn: () => void, ms: number) => () => void;
  /** How long to wait when another worker holds the run's lease. @default 1000 */
  busyRetryMs?: number;
  /**
   * After a wake-up, how long to wait for more before advancing (they share one advance): 0
   * advances at once per event; a few hundred ms turns a fleet's thousands of events into a few
   * hundred advances for at most that much slack per wait. @default 0
   */
  wakeCoalesceMs?: number;
  /** Errors of background loops started by `kick`. @default ignored */
  onError?: (runId: string, err: unknown) => void;
}

export interface RunToCompletionOptions {
  /** Called when the run waits on people (approval, manual step); approve there to continue. */
  onIdle?: (run: Run) => void | Promise<void>;
}

/** Stops runaway loops in tests: no real run needs this many wake-ups in one call. */
const MAX_WAKEUPS = 100_000;

function canSkip(clock: Clock): clock is SkippableClock {
  return typeof (clock as Partial<SkippableClock>).advanceTo === 'function';
}

/**
 * The longest delay `setTimeout` holds: 2^31-1 ms (about 24.8 days). A longer one fires at once
 * (with a TimeoutOverflowWarning), so a 30-day wait would spin the CPU; longer delays are armed
 * in slices of at most this and re-armed until their time has come.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const defaultSchedule = (fn: () => void, ms: number): (() => void) => {
  const timer = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS));
  return () => clearTimeout(timer);
};

export class LocalDriver implements Waker {
  private readonly engine: Engine;
  private readonly clock: Clock;
  private readonly schedule: (fn: () => void, ms: number) => () => void;
  private readonly busyRetryMs: number;
  private readonly onError: (runId: string, err: unknown) => void;
  private readonly timers = new Map<string, () => void>();
  private readonly kicked = new Map<string, () => void>();
  /** Background advances started by `kick` and not finished yet (each holds its run's lease). */
  private readonly inFlight = new Set<Promise<void>>();
  /** Runs with an advance started by `kick` still under way. */
  private readonly advancing = new Map<string, number>();
  /** Runs woken since their last advance began → the first reason (duplicates coalesce). */
  private readonly woken = new Map<string, { reason: string; at: number }>();
  private readonly wakeCoalesceMs: number;
  /** Foreground waits (`runUntilSettled`) a wake-up ends early. */
  private readonly waiters = new Map<string, () => void>();
  private stopped = false;

  constructor(options: LocalDriverOptions) {
    this.engine = options.engine;
    this.clock = options.clock;
    this.schedule = options.schedule ?? defaultSchedule;
    this.busyRetryMs = options.busyRetryMs ?? 1000;
    this.wakeCoalesceMs = Math.max(0, options.wakeCoalesceMs ?? 0);
    this.onError = options.onError ?? (() => undefined);
  }

  /**
   * Advances the run now and keeps it going in the background until it settles. After `stop()`
   * it does nothing: the run stays durable in the store and the next process resumes it.
   */
  kick(runId: string): void {
    this.timers.get(runId)?.();
    this.timers.delete(runId);
    this.kicked.get(runId)?.();
    if (this.stopped) return;
    this.advancing.set(runId, (this.advancing.get(runId) ?? 0) + 1);
    const options = this.takeWake(runId);
    const advancing = this.engine
      .advance(runId, options)
      .then((result) => this.after(runId, result))
      .catch((err: unknown) => this.report(runId, err));
    this.inFlight.add(advancing);
    void advancing.finally(() => {
      this.inFlight.delete(advancing);
      const left = (this.advancing.get(runId) ?? 1) - 1;
      if (left > 0) this.advancing.set(runId, left);
      else this.advancing.delete(runId);
    });
  }

  /**
   * A cloud operation of the run finished: advance it now, its polls due. A run this driver does
   * not drive (no timer, no advance, no foreground wait) is left alone: whoever drives it polls.
   */
  wake(runId: string, reason: string): void {
    if (this.stopped) return;
    const waiter = this.waiters.get(runId);
    const tracked = waiter !== undefined || this.isTracking(runId);
    if (!tracked) return;
    const first = !this.woken.has(runId);
    if (first) this.woken.set(runId, { reason, at: this.clock.now() });
    if (waiter) {
      this.waiters.delete(runId);
      waiter();
      return;
    }
    // under way: `after` advances once more for every wake-up that came meanwhile; not first:
    // an advance for the earlier one is already armed
    if (this.advancing.has(runId) || !first) return;
    this.kickAfterWake(runId);
  }

  /** Advances a woken run once its coalescing window is over. */
  private kickAfterWake(runId: string): void {
    const wokenAt = this.woken.get(runId)?.at ?? this.clock.now();
    if (this.wakeCoalesceMs === 0) {
      queueMicrotask(() => this.kick(runId));
      return;
    }
    this.timers.get(runId)?.();
    this.timers.set(
      runId,
      this.arm(wokenAt + this.wakeCoalesceMs, () => this.kick(runId)),
    );
  }

  /** Resolves once no advance started by `kick` or `wake` is under way (tests, shutdown). */
  async whenIdle(): Promise<void> {
    do {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.allSettled([...this.inFlight]);
    } while (this.inFlight.size > 0);
  }

  /** True while this driver has a wake-up timer or an advance under way for the run. */
  isTracking(runId: string): boolean {
    return this.timers.has(runId) || this.advancing.has(runId);
  }

  /**
   * Cancels every background timer and resolves once the advances already under way have
   * finished. Awaiting it matters when the process is about to exit: an advance cut off in the
   * middle keeps its run's lease until the lease expires, so the next process could not resume
   * the run for that long. Callers that only need the timers gone may ignore the promise.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Advances until the run ends or waits on people (status `waiting`). It does not skip ahead to
   * an approval timeout: people get their chance first; `advance` after moving the clock.
   */
  async runUntilSettled(runId: string): Promise<AdvanceResult> {
    for (let i = 0; i < MAX_WAKEUPS; i++) {
      const result = await this.engine.advance(runId, this.takeWake(runId));
      if (isTerminal(result.status)) return result;
      if (result.advanced && (result.status === 'waiting' || result.wakeAt === undefined)) return result;
      await this.waitUntil(result.advanced ? result.wakeAt : this.clock.now() + this.busyRetryMs, runId);
    }
    throw new Error(`run ${runId} did not settle after ${MAX_WAKEUPS} wake-ups`);
  }

  /**
   * Runs to the end. When the run waits on people it calls `onIdle` (approve there), then waits
   * for the next wake-up (an approval timeout) or a `kick`.
   */
  async runToCompletion(runId: string, options: RunToCompletionOptions = {}): Promise<Run> {
    for (let i = 0; i < MAX_WAKEUPS; i++) {
      const settled = await this.runUntilSettled(runId);
      if (isTerminal(settled.status)) return settled.run;
      await options.onIdle?.(settled.run);
      const next = await this.engine.advance(runId);
      if (isTerminal(next.status)) return next.run;
      if (next.status !== 'waiting') continue;
      // waiting on people: nothing polls, so a (late) cloud event does not end this wait
      if (next.wakeAt !== undefined) await this.waitUntil(next.wakeAt);
      else await new Promise<void>((resolve) => this.kicked.set(runId, resolve));
    }
    throw new Error(`run ${runId} did not complete after ${MAX_WAKEUPS} idle rounds`);
  }

  /** A background loop has no caller to throw to; a throwing `onError` must not become unhandled. */
  private report(runId: string, err: unknown): void {
    try {
      this.onError(runId, err);
    } catch {
      // nothing left to tell
    }
  }

  private takeWake(runId: string): { wake: string } | undefined {
    const woken = this.woken.get(runId);
    if (woken === undefined) return undefined;
    this.woken.delete(runId);
    return { wake: woken.reason };
  }

  private after(runId: string, result: AdvanceResult): void {
    // An ended run may still want a wake-up: the commit timeout of a failover (spec.commit).
    if (this.stopped || (isTerminal(result.status) && result.wakeAt === undefined)) return;
    if (this.woken.has(runId) && !isTerminal(result.status)) {
      this.kickAfterWake(runId);
      return;
    }
    const at = result.advanced ? result.wakeAt : this.clock.now() + this.busyRetryMs;
    if (at === undefined) return;
    this.timers.set(
      runId,
      this.arm(at, () => this.kick(runId)),
    );
  }

  /** Calls `fn` once the clock reaches `at`, in timer slices of at most MAX_TIMER_MS. */
  private arm(at: number, fn: () => void): () => void {
    let cancel: () => void = () => undefined;
    let cancelled = false;
    const next = (): void => {
      if (cancelled) return;
      const remaining = at - this.clock.now();
      if (remaining <= 0) {
        fn();
        return;
      }
      cancel = this.schedule(next, Math.min(remaining, MAX_TIMER_MS));
    };
    const remaining = Math.max(0, at - this.clock.now());
    cancel = this.schedule(next, Math.min(remaining, MAX_TIMER_MS));
    return () => {
      cancelled = true;
      cancel();
    };
  }

  /** Waits until `at`, or less when the run is woken (a sim event on the way, a `wake` call). */
  private async waitUntil(at: number | undefined, runId?: string): Promise<void> {
    if (at === undefined) return;
    if (canSkip(this.clock)) {
      const clock = this.clock;
      // step through the timers before `at` (sim events); once woken, only the coalescing window
      let until = at;
      for (
        let next = clock.nextTimerAt?.();
        next !== undefined && next < until;
        next = clock.nextTimerAt?.()
      ) {
        this.waitingOn(runId, () => clock.advanceTo(next as number));
        const woken = runId === undefined ? undefined : this.woken.get(runId);
        if (woken) until = Math.min(at, woken.at + this.wakeCoalesceMs);
      }
      this.waitingOn(runId, () => clock.advanceTo(until));
      return;
    }
    const wokenAt = runId === undefined ? undefined : this.woken.get(runId)?.at;
    if (wokenAt !== undefined) at = Math.min(at, wokenAt + this.wakeCoalesceMs);
    await new Promise<void>((resolve) => {
      let cancel = this.arm(at, () => {
        if (runId !== undefined) this.waiters.delete(runId);
        resolve();
      });
      if (runId !== undefined) {
        this.waiters.set(runId, () => {
          cancel();
          cancel = this.arm(Math.min(at, this.clock.now() + this.wakeCoalesceMs), resolve);
        });
      }
    });
  }

  /** Runs `fn` (firing fake timers) with the run registered as waiting, so its wake-ups count. */
  private waitingOn(runId: string | undefined, fn: () => void): void {
    if (runId === undefined) {
      fn();
      return;
    }
    this.waiters.set(runId, () => undefined);
    try {
      fn();
    } finally {
      this.waiters.delete(runId);
    }
  }
}
