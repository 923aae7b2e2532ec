import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';
import { systemClock } from '../../../engine/adapters/system.js';
import { timersFor } from '../../../engine/driver/timers.js';

describe('timersFor', () => {
  it('uses a FakeClock’s own timers, and clear() cancels what is pending', () => {
    const clock = new FakeClock(0);
    const timers = timersFor(clock);
    const fired: number[] = [];
    timers.at(10, () => fired.push(10));
    timers.at(20, () => fired.push(20));
    clock.advanceTo(15);
    timers.clear();
    clock.advanceTo(30);
    expect(fired).toEqual([10]);
  });

  it('on the real clock fires a due event after the call that armed it, never inside it', async () => {
    const timers = timersFor(systemClock);
    const fired: string[] = [];
    timers.at(systemClock.now() - 1, () => fired.push('due'));
    const cancelled = timers.at(systemClock.now() + 1, () => fired.push('cancelled'));
    cancelled();
    expect(fired).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual(['due']);
    timers.clear();
  });
});
