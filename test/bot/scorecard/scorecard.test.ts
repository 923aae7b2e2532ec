import { describe, expect, it } from 'vitest';
import { blockKitViolations } from '../../../bot/render/blocks.js';
import { scorecardLines, scorecardMessage } from '../../../bot/scorecard/render.js';
import { buildScorecard, loadScorecard } from '../../../bot/scorecard/scorecard.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import type { TierState } from '../../../engine/tier/types.js';
import { DAY, drill, step, summary, T0 } from './fixtures.js';

const previous = drill({
  id: 'prev',
  at: T0 - 7 * DAY,
  rtoMin: 6,
  steps: { launch: step('launch', 0, 4), health: step('health', 4, 6) },
});
const current = drill({
  id: 'cur',
  at: T0,
  rtoMin: 8,
  rpoMin: 70,
  steps: { launch: step('launch', 0, 6), health: step('health', 6, 8) },
});

describe('buildScorecard', () => {
  it('judges measured RTO and RPO against the objectives', () => {
    const card = buildScorecard({ run: current, previous, history: [summary(previous)], now: T0 + DAY });
    expect(card.rto).toEqual({ objectiveMs: 15 * 60_000, measuredMs: 8 * 60_000, verdict: 'pass' });
    expect(card.rpo).toEqual({ objectiveMs: 60 * 60_000, measuredMs: 70 * 60_000, verdict: 'fail' });
  });

  it('reports an objective that was not measured as such, not as a pass', () => {
    const card = buildScorecard({ run: drill({ id: 'x', at: T0, status: 'failed' }), history: [], now: T0 });
    expect(card.rto.verdict).toBe('not-measured');
    expect(card.rpo.verdict).toBe('not-measured');
  });

  it('flags steps more than 20% slower than the previous drill', () => {
    const card = buildScorecard({ run: current, previous, history: [summary(previous)], now: T0 + DAY });
    const launch = card.steps.find((s) => s.key === 'launch');
    const health = card.steps.find((s) => s.key === 'health');
    expect(launch).toMatchObject({ durationMs: 6 * 60_000, previousMs: 4 * 60_000, regression: true });
    expect(launch?.change).toBeCloseTo(0.5);
    expect(health).toMatchObject({
      durationMs: 2 * 60_000,
      previousMs: 2 * 60_000,
      change: 0,
      regression: false,
    });
  });

  it('does not call a tiny absolute slowdown a regression', () => {
    const quick = drill({ id: 'q', at: T0, steps: { ping: { ...step('ping', 0, 0), endedAt: T0 + 1500 } } });
    const before = drill({
      id: 'b',
      at: T0 - DAY,
      steps: { ping: { ...step('ping', 0, 0), endedAt: T0 + 1000 } },
    });
    const card = buildScorecard({ run: quick, previous: before, history: [], now: T0 });
    expect(card.steps[0]).toMatchObject({ regression: false });
    expect(card.steps[0]?.change).toBeCloseTo(0.5);
  });

  it('trends the RTO of the last 8 drills, oldest first, this one last', () => {
    const older = Array.from({ length: 10 }, (_, i) =>
      summary(drill({ id: `d${i}`, at: T0 - (10 - i) * 7 * DAY, rtoMin: i + 1 })),
    );
    const card = buildScorecard({ run: drill({ id: 'now', at: T0, rtoMin: 2 }), history: older, now: T0 });
    expect(card.trend.map((ms) => (ms ?? 0) / 60_000)).toEqual([4, 5, 6, 7, 8, 9, 10, 2]);
    expect(card.sparkline).toBe('▃▄▅▅▆▇█▁');
  });

  it('counts days since the last successful drill, this one included', () => {
    const failed = drill({ id: 'f', at: T0, status: 'failed' });
    const ok = summary(drill({ id: 'ok', at: T0 - 20 * DAY }));
    const card = buildScorecard({ run: failed, history: [ok], now: T0 + 60_000 * 30 });
    expect(card.daysSinceLastSuccess).toBe(20);
    expect(card.staleness.stale).toBe(true);
    const passed = buildScorecard({ run: current, history: [ok], now: T0 + 60_000 * 30 });
    expect(passed.daysSinceLastSuccess).toBe(0);
    expect(passed.staleness.stale).toBe(false);
  });
});

describe('scorecard rendering', () => {
  const history = [summary(previous)];
  const card = buildScorecard({ run: current, previous, history, now: T0 + DAY });

  it('writes verdicts, the trend sparkline, freshness and regressions as text', () => {
    const text = scorecardLines(card).join('\n');
    expect(text).toContain('RTO 8m (objective 15m) ✅ pass');
    expect(text).toContain('RPO 1h10m (objective 1h) ❌ fail');
    expect(text).toContain('RTO trend ▁█ (last 2 drills, 6m → 8m)');
    expect(text).toContain('Last successful drill: today');
    expect(text).toContain('launch 6m (prev 4m, +50%) ⚠️ regression');
    expect(text).toContain('health 2m (prev 2m, 0%)');
  });

  it('flags a stale runbook in the freshness line', () => {
    const failed = buildScorecard({
      run: drill({ id: 'f', at: T0, status: 'failed' }),
      history: [summary(drill({ id: 'ok', at: T0 - 30 * DAY }))],
      now: T0 + DAY,
    });
    expect(scorecardLines(failed).join('\n')).toContain('⚠️ stale (over 14 days)');
  });

  it('builds a valid Block Kit message with the same facts', () => {
    const message = scorecardMessage(card);
    expect(blockKitViolations(message.blocks)).toEqual([]);
    const all = JSON.stringify(message.blocks);
    expect(all).toContain('▁█');
    expect(all).toContain('⚠️ regression');
    expect(message.text).toContain('RPO 1h10m (objective 1h) ❌ fail');
  });
});

describe('scorecard tier state', () => {
  const tier = (over: Partial<TierState> = {}): TierState => ({
    runbook: 'app-tier',
    version: 3,
    active: { side: 'target', region: 'us-west-2', sinceRun: '01FAILOVERRUN7M2W', since: T0 - DAY },
    protection: {
      direction: 'target→source',
      state: 'protecting',
      inventory: [],
      newestPoint: { id: 'p1', capturedAt: T0 - 2 * 3_600_000 },
    },
    lastDrill: { runId: 'prev', outcome: 'succeeded', at: T0 - 7 * DAY },
    applied: [],
    updatedAt: T0,
    ...over,
  });

  it('shows the active site, protection against the RPO, and this drill as the last one', () => {
    const built = buildScorecard({
      run: current,
      previous,
      history: [summary(previous)],
      now: T0,
      tier: tier(),
    });
    const text = scorecardLines(built).join('\n');
    expect(text).toContain('Active site: us-west-2 (target) since run …7M2W');
    expect(text).toContain('Protection: target→source, protecting · newest point 2h old ⚠️ over RPO');
    expect(text).toContain('Last drill: pass today (run …cur)');
    expect(text).not.toContain('Uncommitted');
    expect(JSON.stringify(scorecardMessage(built).blocks)).toContain('Active site: us-west-2');
  });

  it('flags an uncommitted failover and a due rollback with the next step', () => {
    const pending = { runId: '01PENDINGRUNABCD', since: T0 - 3 * 3_600_000, instances: [] };
    const uncommitted = buildScorecard({
      run: current,
      history: [],
      now: T0,
      tier: tier({
        pendingCommit: pending,
        protection: { direction: 'source→target', state: 'none', inventory: [] },
      }),
    });
    const text = scorecardLines(uncommitted).join('\n');
    expect(text).toContain('⚠️ Uncommitted failover: run …ABCD for 3h. Next: `commit 01PENDINGRUNABCD`');
    expect(text).toContain('Protection: source→target, none ⚠️ not protected');
    const due = buildScorecard({
      run: current,
      history: [],
      now: T0,
      tier: tier({ pendingCommit: { ...pending, rollbackDue: { at: T0 - 3_600_000 } } }),
    });
    expect(scorecardLines(due).join('\n')).toContain('⚠️ Rollback due: failover run …ABCD');
  });

  it('loads the tier state from the store', async () => {
    const store = new MemoryRunStore();
    await store.saveTier(tier(), 0);
    const loaded = await loadScorecard(store, current, T0);
    expect(loaded.tier?.facts.active.region).toBe('us-west-2');
  });

  it('has no tier part when the tier was never stored', () => {
    expect(buildScorecard({ run: current, history: [], now: T0 }).tier).toBeUndefined();
  });
});
