/**
 * The background audit trail of a lease holder's commits (`deferAudit`): an event stays in the
 * run's outbox until its append has landed, so a crash after a later save cannot lose it, and
 * commits that pile up behind a slow append are appended together, then notified per commit.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';
import type { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import { RunSession } from '../../../engine/executor/session.js';
import type { RunStore } from '../../../engine/ports.js';
import type { AuditEvent } from '../../../engine/run.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness } from './harness.js';

/** A store whose audit appends wait until `release()` and are recorded by their seqs. */
function slowAppends(inner: MemoryRunStore) {
  const appends: number[][] = [];
  let open: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (open = resolve));
  const store = Object.create(inner) as RunStore;
  store.appendAudit = async (events: AuditEvent[]) => {
    appends.push(events.map((e) => e.seq));
    await gate;
    return inner.appendAudit(events);
  };
  const release = () => {
    open();
    gate = Promise.resolve();
  };
  return { store, appends, release };
}

async function sessionOnRun() {
  const h = createHarness();
  const runbook = makeRunbook({ steps: [{ id: 'a', action: 'test.ok' }] });
  const started = await h.start(runbook);
  const run = (await h.store.getRun(started.id))!;
  const slow = slowAppends(h.store);
  const published: number[][] = [];
  const session = new RunSession(
    {
      store: slow.store,
      clock: new FakeClock(),
      notifier: { publish: async (_run, events) => void published.push(events.map((e) => e.seq)) },
    },
    run,
    runbook,
  );
  const note = async (message: string) => {
    const event = session.emit('step.note', { message });
    await session.commit({ deferAudit: true });
    return event.seq;
  };
  const outbox = async () => ((await h.store.getRun(run.id))?.pendingAudit ?? []).map((e) => e.seq);
  return { h, run, session, slow, published, note, outbox };
}

describe('deferred audit appends', () => {
  it('keep an event in the outbox of later saves until its append has landed', async () => {
    const { h, run, session, slow, note, outbox } = await sessionOnRun();
    const first = await note('one');
    const second = await note('two');
    // The first append is still under way: the second save must carry its event too.
    expect(await outbox()).toEqual([first, second]);
    slow.release();
    await session.flush();
    expect((await h.store.listAudit(run.id)).map((e) => e.seq)).toEqual(
      expect.arrayContaining([first, second]),
    );
    const third = await note('three');
    expect(await outbox()).toEqual([third]);
  });

  it('append the commits queued behind a slow append in one call, and notify per commit in order', async () => {
    const { session, slow, published, note } = await sessionOnRun();
    const first = await note('one');
    const second = await note('two');
    const third = await note('three');
    slow.release();
    await session.flush();
    expect(slow.appends).toEqual([[first], [second, third]]);
    expect(published).toEqual([[first], [second], [third]]);
  });
});
