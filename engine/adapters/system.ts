/**
 * The real clock and randomness, for production and local runs. They live among the adapters
 * because the engine core never reads time or randomness itself: tests inject a FakeClock and a
 * SeededRandom (engine/adapters/memory/clock.ts) instead.
 */
import type { Clock, Random } from '../ports.js';

export const systemClock: Clock = { now: () => Date.now() };
export const systemRandom: Random = { next: () => Math.random() };
