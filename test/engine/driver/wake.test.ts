import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';
import { LocalDriver } from '../../../engine/driver/local-driver.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness } from '../executor/harness.js';

const slow = makeRunbook({ steps: [{ id: 'a', action: 'test.slow', with: { pollMs: 600_000, polls: 3 } }] });
const polls = (h: ReturnType<typeof createHarness>) =>
  h.actions.calls.filter((c) => c.kind === 'poll').length;

describe('FakeClock timers', () => {
  it('fires timers in time order while the clock moves past them, each at its own time', () => {
    const clock = new FakeClock(0);
    const fired: [string, number][] = [];
    clock.at(300, () => fired.push(['c', clock.now()]));
    clock.at(100, () => fired.push(['a', clock.now()]));
    const cancel = clock.at(200, () => fired.push(['cancelled', clock.now()]));
    clock.at(100, () => fired.push(['b', clock.now()]));
    cancel();
    clock.advanceTo(250);
    expect(fired).toEqual([
      ['a', 100],
      ['b', 100],
    ]);
    expect(clock.now()).toBe(250);
    expect(clock.nextTimerAt()).toBe(300);
  });
});

describe('advance({ wake })', () => {
  it('polls a running step before its nextAt; a plain advance does not', async () => {
    const h = createHarness();
    const run = await h.start(slow);
    await h.engine.advance(run.id);
    h.clock.advance(1000);
    await h.engine.advance(run.id);
    expect(polls(h)).toBe(0);
    const woken = await h.engine.advance(run.id, { wake: 'ec2:running i-1' });
    expect(polls(h)).toBe(1);
    expect(woken.wakeAt).toBe(h.clock.now() + 600_000);
  });
});

describe('LocalDriver.wake', () => {
  it('ends a foreground wait at a timer that wakes the run, instead of at the next poll', async () => {
    const h = createHarness();
    const driver = new LocalDriver({ engine: h.engine, clock: h.clock });
    const run = await h.start(slow);
    for (const ms of [1000, 2000]) h.clock.at(run.createdAt + ms, () => driver.wake(run.id, `event ${ms}`));
    const done = await driver.runToCompletion(run.id);
    expect(done.status).toBe('succeeded');
    // polled at each event (1 s, 2 s) then the third poll: 600 s after the second
    expect(h.actions.calls.filter((c) => c.kind === 'poll').map((c) => c.at - run.createdAt)).toEqual([
      1000, 2000, 602_000,
    ]);
  });

  it('coalesces the events of one window into one advance', async () => {
    const h = createHarness();
    const driver = new LocalDriver({ engine: h.engine, clock: h.clock, wakeCoalesceMs: 500 });
    const run = await h.start(slow);
    for (const ms of [1000, 1100, 1400, 3000])
      h.clock.at(run.createdAt + ms, () => driver.wake(run.id, `event ${ms}`));
    await driver.runToCompletion(run.id);
    expect(h.actions.calls.filter((c) => c.kind === 'poll').map((c) => c.at - run.createdAt)).toEqual([
      1500, 3500, 603_500,
    ]);
  });

  it('re-advances a run driven in the background at once, once for a burst of wake-ups', async () => {
    const h = createHarness();
    const driver = new LocalDriver({ engine: h.engine, clock: h.clock });
    const run = await h.start(slow);
    driver.kick(run.id);
    await driver.whenIdle();
    expect(polls(h)).toBe(0);
    driver.wake(run.id, 'one');
    driver.wake(run.id, 'two');
    driver.wake(run.id, 'three');
    await driver.whenIdle();
    expect(polls(h)).toBe(1);
    await driver.stop();
  });

  it('leaves alone a run it does not drive', async () => {
    const h = createHarness();
    const driver = new LocalDriver({ engine: h.engine, clock: h.clock });
    const run = await h.start(slow);
    await h.engine.advance(run.id);
    driver.wake(run.id, 'stray');
    await driver.whenIdle();
    expect(polls(h)).toBe(0);
    expect(driver.isTracking(run.id)).toBe(false);
  });
});
