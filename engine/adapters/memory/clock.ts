/**
 * A manual clock and a seeded random source: tests and benches skip time instead of waiting,
 * so a 30-minute approval timeout runs in milliseconds (Temporal's time-skipping model).
 */
import type { Clock, Random } from '../../ports.js';

export class FakeClock implements Clock {
  private current: number;
  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  /** Moves time forward by `ms`. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('a clock only moves forward');
    this.current += ms;
  }
  /** Jumps to `at` when it is later than now. */
  advanceTo(at: number): void {
    if (at > this.current) this.current = at;
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
