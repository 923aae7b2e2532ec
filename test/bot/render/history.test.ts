import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../bot/render/events.js';
import { statusMessage } from '../../../bot/render/slack-status.js';
import { replyText } from '../../../bot/render/text.js';
import { buildRunView } from '../../../bot/render/view.js';
import { loadScorecard } from '../../../bot/scorecard/scorecard.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import type { AuditEvent, Run } from '../../../engine/run.js';
import type { Runbook } from '../../../engine/runbook/types.js';
import { drill, MINUTE, step, summary, T0 } from '../scorecard/fixtures.js';

/** a → b → d and a → c → d, with c the slow branch: the critical path is a, c, d. */
function diamond(): { run: Run; runbook: Runbook } {
  const run = drill({
    id: '01JTESTRUN00000000000ABC123',
    at: T0,
    steps: { a: step('a', 0, 1), b: step('b', 1, 2), c: step('c', 1, 6), d: step('d', 6, 7) },
  });
  const mk = (id: string, needs: string[]) => ({ id, action: 'wait', needs, with: {} });
  const runbook = {
    metadata: { name: 'app-tier' },
    spec: {
      modes: {
        drill: { steps: [mk('a', []), mk('b', ['a']), mk('c', ['a']), mk('d', ['b', 'c'])], cleanup: [] },
      },
      approvals: {},
    },
  } as unknown as Runbook;
  return { run, runbook };
}

describe('runs and timeline', () => {
  it('lists runs with start time, duration, mode and outcome in words (no markers)', () => {
    const lines = replyText({
      kind: 'runs',
      runs: [summary(drill({ id: '01JTESTRUN00000000000ABC123', at: T0, rtoMin: 4 }))],
      now: T0 + 60 * MINUTE,
    });
    expect(lines.join('\n')).toContain(
      '2026-01-05 09:00 UTC · 20m · drill of app-tier by drbot · succeeded, RTO 4m · run ABC123',
    );
    expect(lines.join('\n')).not.toMatch(/^[?~!✓✗] /m);
  });

  it('shows the audit trail and a Gantt chart with the critical path marked', () => {
    const { run, runbook } = diamond();
    const audit: AuditEvent[] = [
      { runId: run.id, seq: 1, at: T0, kind: 'run.started', actor: 'drbot', message: 'started' },
      {
        runId: run.id,
        seq: 2,
        at: T0 + 6 * MINUTE,
        kind: 'step.succeeded',
        actor: 'drbot',
        stepKey: 'c',
        message: 'c ok',
      },
    ];
    const lines = replyText({ kind: 'timeline', run, runbook, audit, now: T0 + 30 * MINUTE });
    const chart = lines.filter((l) => l.includes('│'));
    const critical = chart.filter((l) => l.includes('◆ critical path')).map((l) => l.trim()[0]);
    expect(critical).toEqual(['a', 'c', 'd']);
    expect(chart.find((l) => l.startsWith('b'))).not.toContain('critical');
    expect(lines.join('\n')).toContain('Audit trail:');
    expect(lines.join('\n')).toMatch(/\+6m\s+drbot\s+✅ c succeeded in 5m/);
  });
});

describe('progress tells the truth', () => {
  it('counts cancelled steps apart from succeeded ones', () => {
    const { run } = diamond();
    run.status = 'failed';
    run.steps.b = { ...run.steps.b, status: 'failed' } as Run['steps'][string];
    run.steps.c = { ...run.steps.c, status: 'cancelled' } as Run['steps'][string];
    run.steps.d = { ...run.steps.d, status: 'cancelled' } as Run['steps'][string];
    const message = statusMessage(buildRunView(run, { now: T0 }));
    expect(message.text).toContain('1 of 4 steps succeeded');
    expect(JSON.stringify(message.blocks)).toContain('1/4 succeeded · 1 failed · 2 cancelled');
  });

  it('names who aborted the run, not drbot', () => {
    const { run } = diamond();
    run.abortRequested = { by: 'bob', at: T0 };
    const line = describeEvent(
      { runId: run.id, seq: 9, at: T0, kind: 'run.aborted', actor: 'drbot', message: 'Run was aborted.' },
      run,
      undefined,
      'text',
    );
    expect(line?.text).toBe('Run aborted by bob');
  });

  it('never shows a negative claimed RPO', () => {
    const { run } = diamond();
    run.measures.rpoClaimedMs = -40;
    expect(buildRunView(run, { now: T0 }).rpo.claimedMs).toBe(0);
  });

  it('compares a drill only with an earlier drill that succeeded', async () => {
    const store = new MemoryRunStore();
    const good = drill({ id: 'R1', at: T0, steps: { a: step('a', 0, 5) } });
    const failed = drill({
      id: 'R2',
      at: T0 + 60 * MINUTE,
      status: 'failed',
      steps: { a: step('a', 0, 1, 'failed') },
    });
    const now = drill({ id: 'R3', at: T0 + 120 * MINUTE, steps: { a: step('a', 0, 6) } });
    for (const r of [good, failed, now]) {
      await store.createRun(r);
    }
    const card = await loadScorecard(store, now, T0 + 200 * MINUTE);
    expect(card.previousRunId).toBe('R1');
  });
});
