import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AdvanceResult, Engine } from '../../../engine/api.js';
import { LocalDriver, MAX_TIMER_MS } from '../../../engine/driver/local-driver.js';
import type { Clock } from '../../../engine/ports.js';
import type { Run } from '../../../engine/run.js';

const DAY = 86_400_000;
const dateClock: Clock = { now: () => Date.now() };

/** An engine whose run waits until `wakeAt`, then succeeds. */
function waitingEngine(wakeAt: number) {
  const calls: number[] = [];
  const advance = async (): Promise<AdvanceResult> => {
    calls.push(Date.now());
    const done = Date.now() >= wakeAt;
    return {
      advanced: true,
      status: done ? 'succeeded' : 'running',
      wakeAt: done ? undefined : wakeAt,
      run: { id: 'r1' } as Run,
    } as AdvanceResult;
  };
  return { engine: { advance } as unknown as Engine, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('local driver: waits longer than setTimeout holds', () => {
  it('a 30-day wait neither fires early nor spins (kick)', async () => {
    vi.useFakeTimers({ now: 0 });
    const { engine, calls } = waitingEngine(30 * DAY);
    const driver = new LocalDriver({ engine, clock: dateClock });
    driver.kick('r1');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    // One slice of ~24.8 days has passed: re-armed, not advanced early.
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30 * DAY - MAX_TIMER_MS - 1001);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(calls).toEqual([0, 30 * DAY]);
    await driver.stop();
  });

  it('runUntilSettled waits 30 days on a real clock in two timer slices, never with an overflowing delay', async () => {
    vi.useFakeTimers({ now: 0 });
    const { engine, calls } = waitingEngine(30 * DAY);
    const delays: number[] = [];
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const driver = new LocalDriver({ engine, clock: dateClock });
    const settled = driver.runUntilSettled('r1');
    await vi.advanceTimersByTimeAsync(30 * DAY);
    expect((await settled).status).toBe('succeeded');
    for (const call of spy.mock.calls) delays.push(Number(call[1] ?? 0));
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(calls).toEqual([0, 30 * DAY]);
    spy.mockRestore();
  });

  it('stop cancels a long wait between slices', async () => {
    vi.useFakeTimers({ now: 0 });
    const { engine, calls } = waitingEngine(60 * DAY);
    const driver = new LocalDriver({ engine, clock: dateClock });
    driver.kick('r1');
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 10);
    await driver.stop();
    await vi.advanceTimersByTimeAsync(60 * DAY);
    expect(calls).toHaveLength(1);
  });
});
