import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { finalSummary } from '../../../bot/render/slack-status.js';
import { buildRunView } from '../../../bot/render/view.js';
import { SlackNotifier } from '../../../bot/slack/notifier.js';
import type { Scheduler } from '../../../bot/slack/pacer.js';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import type { AuditEvent, Run } from '../../../engine/run.js';
import type { Runbook } from '../../../engine/runbook/types.js';

const MIN = 60_000;

/** Timers fired by hand, oldest first; `fire(ms)` fires only the timers of that delay. */
function timers() {
  const queue: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const schedule: Scheduler = (fn, ms) => {
    const entry = { fn, ms, cancelled: false };
    queue.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  };
  return {
    schedule,
    delays: () => queue.filter((e) => !e.cancelled).map((e) => e.ms),
    async fire(only?: (ms: number) => boolean) {
      const due = queue.filter((e) => !e.cancelled && (!only || only(e.ms)));
      for (const e of due) queue.splice(queue.indexOf(e), 1);
      for (const e of due) e.fn();
      await new Promise((r) => setTimeout(r, 10));
    },
  };
}

function recorder() {
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

const runbook = {
  metadata: { name: 'web-tier' },
  spec: {
    modes: {
      failover: {
        steps: [{ id: 'approve', action: 'approval', needs: [], with: { gate: 'cutover' } }],
        cleanup: [],
      },
    },
    approvals: {
      cutover: {
        required: 2,
        excludeInitiator: true,
        timeout: '30m',
        approvers: { users: ['bob', 'carol'] },
      },
    },
  },
} as unknown as Runbook;

function waitingRun(version: number, status: Run['status'] = 'waiting'): Run {
  return {
    id: 'R1',
    runbook: { name: 'web-tier', hash: 'h' },
    mode: 'failover',
    initiator: 'alice',
    params: {},
    status,
    phase: 'main',
    createdAt: 0,
    updatedAt: version,
    steps: {
      approve: {
        id: 'approve',
        phase: 'main',
        action: 'approval',
        status: 'waiting',
        attempt: 1,
        gate: 'cutover',
        startedAt: 0,
      },
    },
    measures: { objectives: { rtoMs: 15 * MIN, rpoMs: 60 * MIN } },
    meta: { channel: 'C1' },
    version,
    auditSeq: version,
  };
}

const ev = (seq: number, kind: AuditEvent['kind']): AuditEvent => ({
  runId: 'R1',
  seq,
  at: seq,
  kind,
  actor: 'drbot',
  stepKey: 'approve',
  message: `event ${seq}`,
});

describe('Slack status message while waiting', () => {
  it('refreshes about once a minute with elapsed time and the gate deadline', async () => {
    const t = timers();
    const clock = new FakeClock(0);
    const { client, calls } = recorder();
    const notifier = new SlackNotifier({
      client,
      store: new MemoryRunStore(),
      clock,
      runbookOf: async () => runbook,
      schedule: t.schedule,
    });
    await notifier.publish(waitingRun(1), [ev(1, 'run.started')]);
    await t.fire((ms) => ms !== 60_000); // the first tick and its cool-down
    await t.fire((ms) => ms !== 60_000);
    expect(t.delays()).toContain(60_000);
    const before = calls.filter((c) => c.method === 'update').length;
    clock.advance(2 * MIN);
    await t.fire((ms) => ms === 60_000); // a minute passes with no event
    await t.fire((ms) => ms !== 60_000);
    const updates = calls.filter((c) => c.method === 'update');
    expect(updates.length).toBe(before + 1);
    const text = JSON.stringify(updates.at(-1)?.args.blocks);
    expect(text).toContain('expires in 28m');
    expect(text).toContain('*Elapsed*\\n2m');
    notifier.close();
  });

  it('sends at most one thread post per tick, and the scorecard after the final summary', async () => {
    const t = timers();
    const { client, calls } = recorder();
    const notifier = new SlackNotifier({
      client,
      store: new MemoryRunStore(),
      clock: new FakeClock(0),
      runbookOf: async () => runbook,
      schedule: t.schedule,
    });
    await notifier.publish(waitingRun(1, 'running'), [ev(1, 'run.started')]);
    await new Promise((r) => setTimeout(r, 5));
    const ended = { ...waitingRun(30, 'failed'), endedAt: 10 };
    const events = Array.from({ length: 18 }, (_, i) => ev(i + 2, 'step.note'));
    await notifier.publish(ended, [...events, ev(20, 'run.failed')]);
    notifier.postAfterSummary(ended, { text: 'SCORECARD', blocks: [] });
    const threadPosts = () => calls.filter((c) => c.method === 'postMessage' && c.args.thread_ts);
    await t.fire((ms) => ms === 0);
    expect(threadPosts()).toHaveLength(1);
    for (let i = 0; i < 6; i++) await t.fire((ms) => ms !== 60_000);
    const texts = threadPosts().map((c) => String(c.args.text));
    expect(texts).toHaveLength(3);
    expect(texts[1]).toMatch(/Failed/);
    expect(texts[2]).toBe('SCORECARD');
    notifier.close();
  });
});

describe('who approved', () => {
  it('appears in the final summary', () => {
    const run = { ...waitingRun(5, 'succeeded'), endedAt: 5 * MIN };
    run.steps.approve = { ...run.steps.approve, status: 'succeeded' } as Run['steps'][string];
    const gates = [
      {
        runId: 'R1',
        stepKey: 'approve',
        gate: 'cutover',
        required: 2,
        approvals: [
          { user: 'bob', at: MIN },
          { user: 'carol', at: 2 * MIN },
        ],
        decision: { outcome: 'approved' as const, by: 'carol', at: 2 * MIN },
      },
    ];
    const lines = finalSummary(buildRunView(run, { runbook, gates, now: 5 * MIN })).join('\n');
    expect(lines).toMatch(/cutover approved by <@bob> \(.*\) and <@carol> \(.*\)/);
  });
});
