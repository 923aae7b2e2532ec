import { describe, expect, it } from 'vitest';
import { LocalDriver } from '../../../engine/driver/local-driver.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness } from '../executor/harness.js';

const approvalRunbook = makeRunbook({
  steps: [
    { id: 'ok', action: 'approval', with: { gate: 'go' } },
    { id: 'after', action: 'test.slow', needs: ['ok'], with: { pollMs: 600_000 } },
  ],
  approvals: { go: { required: 1, approvers: { users: ['alice'] }, timeout: '30m' } },
});

describe('LocalDriver', () => {
  it('skips the fake clock to each wakeAt and stops when the run waits on people', async () => {
    const h = createHarness();
    const run = await h.start(approvalRunbook);
    const settled = await h.driver.runUntilSettled(run.id);
    expect(settled.status).toBe('waiting');
    expect(h.clock.now()).toBe(run.createdAt);
  });

  it('runToCompletion lets onIdle approve, then runs the rest on the fake clock', async () => {
    const h = createHarness();
    const run = await h.start(approvalRunbook);
    let idleCalls = 0;
    const done = await h.driver.runToCompletion(run.id, {
      onIdle: async (waiting) => {
        idleCalls++;
        await h.engine.approve(waiting.id, 'ok', 'alice');
      },
    });
    expect(done.status).toBe('succeeded');
    expect(idleCalls).toBe(1);
    expect(h.clock.now()).toBe(run.createdAt + 600_000);
  });

  it('runToCompletion fires an approval timeout when nobody approves', async () => {
    const h = createHarness();
    const run = await h.start(approvalRunbook);
    const done = await h.driver.runToCompletion(run.id);
    expect(done.status).toBe('failed');
    expect(h.clock.now()).toBe(run.createdAt + 30 * 60_000);
  });

  it('kick keeps advancing in the background at each wakeAt until the run ends', async () => {
    const h = createHarness();
    const run = await h.start(
      makeRunbook({ steps: [{ id: 'a', action: 'test.slow', with: { pollMs: 5, polls: 2 } }] }),
    );
    const scheduled: number[] = [];
    const driver = new LocalDriver({
      engine: h.engine,
      clock: h.clock,
      schedule: (fn, ms) => {
        scheduled.push(ms);
        h.clock.advance(ms);
        const timer = setTimeout(fn, 0);
        return () => clearTimeout(timer);
      },
    });
    driver.kick(run.id);
    for (let i = 0; i < 100 && (await h.engine.getRun(run.id)).status !== 'succeeded'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect((await h.engine.getRun(run.id)).status).toBe('succeeded');
    expect(scheduled).toEqual([5, 5]);
    driver.stop();
  });

  it('stop waits for an advance in flight, so its lease is free once stop resolves', async () => {
    const h = createHarness();
    const run = await h.start(
      makeRunbook({
        steps: [
          { id: 'busy', action: 'test.sleep', with: { ms: 150 } },
          { id: 'later', action: 'test.slow', needs: ['busy'], with: { pollMs: 600_000 } },
        ],
      }),
    );
    let advancing: (() => void) | undefined;
    const advanceStarted = new Promise<void>((resolve) => {
      advancing = resolve;
    });
    const scheduled: number[] = [];
    const driver = new LocalDriver({
      engine: {
        ...h.engine,
        advance: (runId: string) => {
          advancing?.();
          return h.engine.advance(runId);
        },
      },
      clock: h.clock,
      schedule: (_fn, ms) => {
        scheduled.push(ms);
        return () => undefined;
      },
    });
    driver.kick(run.id);
    await advanceStarted;
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The advance holds the lease (the fake clock never lets it expire).
    expect(await h.store.acquireLease(run.id, 'next-process', h.clock.now(), 1_000)).toBe(false);

    await driver.stop();

    expect((await h.engine.getRun(run.id)).steps.busy?.status).toBe('succeeded');
    expect(await h.store.acquireLease(run.id, 'next-process', h.clock.now(), 1_000)).toBe(true);
    expect(scheduled).toEqual([]);
  });

  it('stop resolves at once when nothing is in flight, and a kick after stop starts nothing', async () => {
    const h = createHarness();
    const run = await h.start(makeRunbook({ steps: [{ id: 'a', action: 'test.ok' }] }));
    let advances = 0;
    const driver = new LocalDriver({
      engine: {
        ...h.engine,
        advance: (runId: string) => {
          advances++;
          return h.engine.advance(runId);
        },
      },
      clock: h.clock,
    });
    await driver.stop();
    driver.kick(run.id);
    await driver.stop();
    expect(advances).toBe(0);
    expect((await h.engine.getRun(run.id)).status).toBe('running');
  });

  it('reports a failed background advance to onError instead of leaving it unhandled', async () => {
    const h = createHarness();
    const errors: string[] = [];
    const driver = new LocalDriver({
      engine: { ...h.engine, advance: () => Promise.reject(new Error('store down')) },
      clock: h.clock,
      onError: (runId, err) => errors.push(`${runId}: ${(err as Error).message}`),
    });
    driver.kick('r1');
    await driver.stop();
    expect(errors).toEqual(['r1: store down']);
  });
});
