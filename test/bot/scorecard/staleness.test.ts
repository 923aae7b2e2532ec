import { describe, expect, it } from 'vitest';
import { DEFAULT_STALE_DAYS, staleDaysFromEnv, staleness } from '../../../bot/scorecard/staleness.js';
import { DAY, drill, summary, T0 } from './fixtures.js';

const runbook = { metadata: { name: 'app-tier' } };

describe('staleness', () => {
  it('flags a runbook that never had a successful drill', () => {
    const failed = summary(drill({ id: 'r1', at: T0, status: 'failed' }));
    const result = staleness(runbook, [failed], T0 + DAY);
    expect(result.stale).toBe(true);
    expect(result.lastSuccessAt).toBeUndefined();
    expect(result.message).toContain('no successful drill');
  });

  it('is fresh within 14 days of the last successful drill and stale after', () => {
    const ok = summary(drill({ id: 'r1', at: T0 }));
    const ended = ok.endedAt ?? 0;
    expect(staleness(runbook, [ok], ended + 14 * DAY).stale).toBe(false);
    const late = staleness(runbook, [ok], ended + 15 * DAY);
    expect(late).toMatchObject({ stale: true, daysSince: 15, thresholdDays: DEFAULT_STALE_DAYS });
    expect(late.message).toBe('last successful drill 15 days ago: stale (over 14 days)');
  });

  it('counts only successful drills of the same runbook', () => {
    const other = summary(drill({ id: 'o', at: T0 + 20 * DAY, runbook: 'db-tier' }));
    const failover = { ...summary(drill({ id: 'f', at: T0 + 20 * DAY })), mode: 'failover' as const };
    const aborted = summary(drill({ id: 'a', at: T0 + 20 * DAY, status: 'aborted' }));
    const ok = summary(drill({ id: 'ok', at: T0 }));
    const result = staleness(runbook, [other, failover, aborted, ok], T0 + 21 * DAY);
    expect(result.lastSuccessAt).toBe(ok.endedAt);
    expect(result.stale).toBe(true);
  });

  it('honours a configured threshold', () => {
    const ok = summary(drill({ id: 'r1', at: T0 }));
    expect(staleness('app-tier', [ok], T0 + 8 * DAY, { staleDays: 7 }).stale).toBe(true);
    expect(staleDaysFromEnv({ DRBOT_STALE_DAYS: '7' })).toBe(7);
    expect(staleDaysFromEnv({})).toBe(14);
    expect(() => staleDaysFromEnv({ DRBOT_STALE_DAYS: 'two weeks' })).toThrow(/DRBOT_STALE_DAYS/);
  });
});
