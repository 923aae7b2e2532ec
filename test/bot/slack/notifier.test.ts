import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { SlackNotifier } from '../../../bot/slack/notifier.js';
import { ChannelPacer, type Scheduler } from '../../../bot/slack/pacer.js';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import type { AuditEvent, Run } from '../../../engine/run.js';

/** A scheduler the test fires by hand: nothing happens until `fire()`. */
function manualScheduler() {
  const queue: { fn: () => void; cancelled: boolean }[] = [];
  const schedule: Scheduler = (fn) => {
    const entry = { fn, cancelled: false };
    queue.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  };
  return {
    schedule,
    pending: () => queue.filter((e) => !e.cancelled).length,
    async fire() {
      const due = queue.splice(0).filter((e) => !e.cancelled);
      for (const e of due) e.fn();
      await new Promise((r) => setTimeout(r, 5));
    },
  };
}

function fakeClient() {
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  let ts = 0;
  const client = {
    chat: {
      postMessage: async (args: Record<string, unknown>) => {
        calls.push({ method: 'postMessage', args });
        ts += 1;
        return { ok: true, channel: args.channel, ts: `1.${ts}` };
      },
      update: async (args: Record<string, unknown>) => {
        calls.push({ method: 'update', args });
        return { ok: true };
      },
    },
  };
  return { client: client as unknown as WebClient, calls };
}

function run(version: number, status: Run['status'] = 'running'): Run {
  return {
    id: 'R1',
    runbook: { name: 'app-tier', hash: 'h' },
    mode: 'drill',
    initiator: 'alice',
    params: {},
    status,
    phase: 'main',
    createdAt: 0,
    updatedAt: version,
    steps: { launch: { id: 'launch', phase: 'main', action: 'ec2.launch', status: 'running', attempt: 1 } },
    measures: { objectives: { rtoMs: 900_000, rpoMs: 3_600_000 } },
    meta: { channel: 'C1' },
    version,
    auditSeq: version,
  };
}

const event = (seq: number, kind: AuditEvent['kind']): AuditEvent => ({
  runId: 'R1',
  seq,
  at: seq,
  kind,
  actor: 'drbot',
  stepKey: 'launch',
  message: 'm',
});

describe('ChannelPacer', () => {
  it('runs at most one tick per interval per channel, coalescing marks during the cool-down', async () => {
    const timers = manualScheduler();
    const ticks: string[] = [];
    const pacer = new ChannelPacer(1000, async (ch) => void ticks.push(ch), timers.schedule);
    pacer.mark('C1');
    pacer.mark('C1');
    await timers.fire(); // first tick
    expect(ticks).toEqual(['C1']);
    for (let i = 0; i < 50; i++) pacer.mark('C1');
    expect(ticks).toEqual(['C1']);
    await timers.fire(); // cool-down ends: one more tick for the 50 marks
    expect(ticks).toEqual(['C1', 'C1']);
    await timers.fire(); // cool-down after the second tick, nothing pending
    expect(pacer.hasPending()).toBe(false);
    expect(timers.pending()).toBe(0);
  });
});

describe('SlackNotifier', () => {
  it('posts the parent once, then coalesces a burst of events into one thread reply and one chat.update', async () => {
    const timers = manualScheduler();
    const { client, calls } = fakeClient();
    const store = new MemoryRunStore();
    const notifier = new SlackNotifier({
      client,
      store,
      clock: new FakeClock(),
      runbookOf: async () => undefined,
      schedule: timers.schedule,
    });
    await notifier.publish(run(1), [event(1, 'run.started')]);
    await new Promise((r) => setTimeout(r, 5));
    expect(calls.map((c) => c.method)).toEqual(['postMessage']);
    expect(await store.getDoc('slack-message', 'R1')).toEqual({ channel: 'C1', ts: '1.1' });

    for (let v = 2; v < 40; v++)
      await notifier.publish(run(v), [event(v, v % 2 ? 'step.started' : 'step.succeeded')]);
    await timers.fire();
    const updates = calls.filter((c) => c.method === 'update');
    const thread = calls.filter((c) => c.method === 'postMessage' && c.args.thread_ts === '1.1');
    expect(updates).toHaveLength(1);
    expect(thread).toHaveLength(1);
    expect(String(thread[0]?.args.text)).toMatch(/^38 updates/);
    expect(calls.filter((c) => c.method === 'postMessage' && !c.args.thread_ts)).toHaveLength(1);
  });

  it('posts nothing for runs without a channel (started from the shell)', async () => {
    const { client, calls } = fakeClient();
    const notifier = new SlackNotifier({
      client,
      store: new MemoryRunStore(),
      clock: new FakeClock(),
      runbookOf: async () => undefined,
      schedule: manualScheduler().schedule,
    });
    await notifier.publish({ ...run(1), meta: {} }, [event(1, 'run.started')]);
    expect(calls).toEqual([]);
  });
});
