/**
 * Simulated latencies in SIM CLOCK time. `scale` shrinks or stretches them all: `npm start` uses a
 * small scale so a drill feels alive in seconds; tests keep 1 and skip time with a FakeClock.
 */
import { parseDuration } from '../../duration.js';
import type { WorldLatencies } from './world.js';

export class Latency {
  private readonly ms: Record<keyof WorldLatencies, number>;

  constructor(
    latencies: WorldLatencies,
    private readonly scale = 1,
  ) {
    if (!(scale >= 0)) throw new RangeError(`latencyScale must be ≥ 0, got ${scale}`);
    this.ms = Object.fromEntries(Object.entries(latencies).map(([k, v]) => [k, parseDuration(v)])) as Record<
      keyof WorldLatencies,
      number
    >;
  }

  /** A fixed latency, scaled. */
  of(name: keyof WorldLatencies): number {
    return Math.round(this.ms[name] * this.scale);
  }

  /** Capture + cross-region copy: grows with the total size of the volumes. */
  copy(sizeGiB: number): number {
    return Math.round((this.ms.snapshot + this.ms.copyPerGiB * sizeGiB) * this.scale);
  }
}
