/**
 * A manual clock and a seeded random source: tests and benches skip time instead of waiting,
 * so a 30-minute approval timeout runs in milliseconds (Temporal's time-skipping model).
 */
import type { Clock, Random, Timers } from '../../ports.js';

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Also a `Timers`: callbacks armed with `at` fire while the clock moves past their time, in time
 * order, each with the clock set to its own time (the sim's completion events, bench/rto.ts).
 */
export class FakeClock implements Clock, Timers {
  private current: number;
  private timers: FakeTimer[] = [];
  private seq = 0;
  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('a clock only moves forward');
    this.advanceTo(this.current + ms);
  }
  /** Jumps to `at` when it is later than now, firing the timers due on the way. */
  advanceTo(at: number): void {
    for (let next = this.timers[0]; next && next.at <= at; next = this.timers[0]) {
      this.timers.shift();
      if (next.at > this.current) this.current = next.at;
      next.fn();
    }
    if (at > this.current) this.current = at;
  }
  at(at: number, fn: () => void): () => void {
    const timer = { at, seq: this.seq++, fn };
    const index = this.timers.findIndex((t) => t.at > at);
    if (index < 0) this.timers.push(timer);
    else this.timers.splice(index, 0, timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
  /** When the next armed timer fires, if any. */
  nextTimerAt(): number | undefined {
    return this.timers[0]?.at;
  }
}

/** mulberry32: small, fast and good enough for jitter and simulated faults; same seed, same run. */
export class SeededRandom implements Random {
  private state: number;
  constructor(seed = 1) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
