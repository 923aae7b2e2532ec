import { describe, expect, it } from 'vitest';
import { ACTION_IDS, statusMessage, switchMenuMessage } from '../../../bot/render/slack-status.js';
import { pointsLines, tierLines, tierSummary } from '../../../bot/render/tier.js';
import { buildRunView } from '../../../bot/render/view.js';
import type { TierState } from '../../../engine/tier/types.js';
import { makeRun } from '../../engine/adapters/run-store-contract.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const HOUR = 3_600_000;

function actionIds(blocks: unknown[]): string[] {
  return (
    JSON.stringify(blocks)
      .match(/"action_id":"[^"]+"/g)
      ?.map((m) => m.slice(13, -1)) ?? []
  );
}

const failover = (over = {}) =>
  makeRun('01RUNFAILOVER7M2W', {
    mode: 'failover',
    status: 'succeeded',
    phase: 'done',
    endedAt: T0,
    ...over,
  });

describe('tier rendering', () => {
  it('offers Commit and Switch recovery point on an uncommitted failover, and not after the choice', () => {
    const open = statusMessage(buildRunView(failover(), { now: T0 }));
    expect(actionIds(open.blocks)).toEqual([ACTION_IDS.commit, ACTION_IDS.switchMenu]);
    const committed = failover({ tierChoice: { kind: 'committed', by: 'bob', at: T0 } });
    expect(actionIds(statusMessage(buildRunView(committed, { now: T0 })).blocks)).toEqual([]);
    const drill = makeRun('R2', { status: 'succeeded', phase: 'done', endedAt: T0 });
    expect(actionIds(statusMessage(buildRunView(drill, { now: T0 })).blocks)).not.toContain(
      ACTION_IDS.commit,
    );
  });

  it('menus only the points earlier than the current one, each with its capture time and age', () => {
    const rows = [0, 1, 2].map((n) => ({
      instanceId: 'i-1',
      pointId: `snap-${n}`,
      capturedAt: T0 - n * HOUR,
      appConsistent: n === 1,
      region: 'us-west-2',
    }));
    const menu = switchMenuMessage('01RUN', rows, T0, T0);
    const text = JSON.stringify(menu.blocks);
    expect(text).not.toContain('Switch to snap-0');
    expect(text).toContain('Switch to snap-1');
    expect(text).toContain('Switch to snap-2');
    expect(text).toContain('app-consistent');
    expect(text).toContain('1h');
    expect(pointsLines('app-tier', rows, T0)).toHaveLength(5);
  });

  it('says where the tier is live and what to type next', () => {
    const tier: TierState = {
      runbook: 'app-tier',
      version: 3,
      active: { side: 'target', region: 'us-west-2', sinceRun: '01RUNFAILOVER7M2W', since: T0 },
      protection: { direction: 'source→target', state: 'none', inventory: [] },
      committed: { runId: '01RUNFAILOVER7M2W', by: 'bob', at: T0 },
      lastDrill: { runId: 'D1', outcome: 'failed', at: T0 - 2 * 86_400_000 },
      applied: [],
      updatedAt: T0,
    };
    expect(tierSummary(tier, HOUR, T0)).toBe(
      'live in us-west-2 (target) · unprotected · last drill FAIL 2 days ago · next: `reprotect app-tier`',
    );
    expect(tierLines(tier, HOUR, T0)[0]).toBe('app-tier: live in us-west-2 (target) since run …7M2W');
    const protecting = { ...tier, protection: { ...tier.protection, state: 'protecting' as const } };
    expect(tierSummary(protecting, HOUR, T0)).toContain('(target) · protection source→target · last drill');
    const paused = { ...tier, protection: { ...tier.protection, state: 'paused' as const } };
    expect(tierSummary(paused, HOUR, T0)).toContain('· protection source→target paused ·');
  });
});
