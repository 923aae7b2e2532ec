/**
 * Simulated latencies in SIM CLOCK time. `scale` shrinks or stretches them all: `npm start` uses a
 * small scale so a drill feels alive in seconds; tests keep 1 and skip time with a FakeClock.
 */
import { parseDuration } from '../../duration.js';
import type { WorldLatencies } from './world.js';

/**
 * Draws one operation's latency from the world's value (its median, in ms): benches pass a seeded
 * lognormal here (bench/rto.ts) so latencies fall between polls as real ones do. Absent, every
 * operation takes exactly the world's value.
 */
export type LatencySampler = (name: keyof WorldLatencies, medianMs: number) => number;

export class Latency {
  private readonly ms: Record<keyof WorldLatencies, number>;

  constructor(
    latencies: WorldLatencies,
    private readonly scale = 1,
    private readonly sampler?: LatencySampler,
  ) {
    if (!(scale >= 0)) throw new RangeError(`latencyScale must be ≥ 0, got ${scale}`);
    this.ms = Object.fromEntries(Object.entries(latencies).map(([k, v]) => [k, parseDuration(v)])) as Record<
      keyof WorldLatencies,
      number
    >;
  }

  /** A fixed latency, scaled. */
  of(name: keyof WorldLatencies): number {
    const ms = this.sampler ? this.sampler(name, this.ms[name]) : this.ms[name];
    return Math.round(ms * this.scale);
  }

  /** Any other duration (DRS phases …), scaled like the world's. */
  scaled(ms: number): number {
    return Math.round(ms * this.scale);
  }

  /** Capture + cross-region copy: grows with the total size of the volumes. */
  copy(sizeGiB: number): number {
    return Math.round((this.ms.snapshot + this.ms.copyPerGiB * sizeGiB) * this.scale);
  }
}
