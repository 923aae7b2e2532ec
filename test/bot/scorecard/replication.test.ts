/** The drill scorecard's replication readiness (drs tiers), from the drill's drs.readiness step. */
import { describe, expect, it } from 'vitest';
import { scorecardLines, scorecardMessage } from '../../../bot/scorecard/render.js';
import { buildScorecard } from '../../../bot/scorecard/scorecard.js';
import { drill, MINUTE, step, T0 } from './fixtures.js';

const readiness = {
  ...step('readiness', 0, 1),
  action: 'drs.readiness',
  outputs: {
    ready: false,
    servers: {
      's-1': {
        sourceInstanceId: 'i-1',
        state: 'CONTINUOUS',
        lagMs: 4_000,
        backlogBytes: 0,
        lastSnapshotAt: T0 - 5 * MINUTE,
      },
      's-2': {
        sourceInstanceId: 'i-2',
        state: 'CONTINUOUS',
        lagMs: 90 * MINUTE,
        backlogBytes: 3 * 1024 * 1024,
        lastSnapshotAt: T0 - 5 * MINUTE,
      },
    },
  },
};

describe('scorecard: replication readiness of a drs drill', () => {
  it('lists each source server with its state, lag vs the RPO, backlog and newest snapshot', () => {
    const run = drill({ id: 'r1', at: T0, steps: { readiness, launch: step('launch', 1, 5) } });
    const card = buildScorecard({ run, history: [], now: T0 + 30 * MINUTE });
    expect(card.replication?.rows.map((r) => [r.sourceServerId, r.problem])).toEqual([
      ['s-1', undefined],
      ['s-2', 'lags 1h30m, over the 1h allowed'],
    ]);
    const lines = scorecardLines(card).join('\n');
    expect(lines).toContain('Replication readiness: 1/2 source server(s) ready');
    expect(lines).toMatch(/s-1 \(i-1\): CONTINUOUS, lag 4s of 1h RPO, backlog 0 B, newest snapshot 6m ago ✓/);
    expect(lines).toMatch(/s-2 \(i-2\): CONTINUOUS, lag 1h30m of 1h RPO, backlog 3\.0 MiB, .*✗ lags/);
    expect(JSON.stringify(scorecardMessage(card).blocks)).toContain('Replication readiness: 1/2');
  });

  it('has no replication section for a snapshot drill', () => {
    const card = buildScorecard({
      run: drill({ id: 'r2', at: T0, steps: { launch: step('launch', 1, 5) } }),
      history: [],
      now: T0,
    });
    expect(card.replication).toBeUndefined();
    expect(scorecardLines(card).join('\n')).not.toContain('Replication');
  });
});
