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
});
