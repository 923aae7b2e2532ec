/**
 * `Timers` on the real clock, for the sim's completion events in `npm start` / `drbot serve`:
 * `at(t, fn)` fires when `clock.now()` reaches `t` (long waits in MAX_TIMER_MS slices). Timers are
 * unref'd, so a pending event never keeps the process alive, and `clear()` drops them all.
 */
import type { Clock, Timers } from '../ports.js';
import { MAX_TIMER_MS } from './local-driver.js';

export interface RealTimers extends Timers {
  /** Cancels every pending timer (on close). */
  clear(): void;
}

/** A FakeClock already is its own Timers: use it; else timers on `setTimeout`. */
export function timersFor(clock: Clock): RealTimers {
  const own = clock as Partial<Timers>;
  if (typeof own.at === 'function') {
    const cancels = new Set<() => void>();
    return {
      at: (at, fn) => {
        const cancel = (own.at as Timers['at']).call(clock, at, () => {
          cancels.delete(cancel);
          fn();
        });
        cancels.add(cancel);
        return cancel;
      },
      clear: () => {
        for (const cancel of cancels) cancel();
        cancels.clear();
      },
    };
  }
  const pending = new Set<ReturnType<typeof setTimeout>>();
  const arm = (at: number, fn: () => void): (() => void) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // never synchronous: an event due now fires after the sim call that armed it has returned
    const wait = (first: boolean): void => {
      if (timer) pending.delete(timer);
      const remaining = at - clock.now();
      if (remaining <= 0 && !first) {
        fn();
        return;
      }
      timer = setTimeout(() => wait(false), Math.min(Math.max(0, remaining), MAX_TIMER_MS));
      timer.unref?.();
      pending.add(timer);
    };
    wait(true);
    return () => {
      if (timer) {
        clearTimeout(timer);
        pending.delete(timer);
      }
    };
  };
  return {
    at: (at, fn) => arm(at, fn),
    clear: () => {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
    },
  };
}
