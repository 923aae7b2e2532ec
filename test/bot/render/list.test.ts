import { describe, expect, it } from 'vitest';
import type { RunbookEntry } from '../../../bot/commands/replies.js';
import { replyMessage } from '../../../bot/render/slack-replies.js';
import { replyText } from '../../../bot/render/text.js';
import { staleness } from '../../../bot/scorecard/staleness.js';
import type { RunSummary } from '../../../engine/run.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 20, 9);

function drill(runbook: string, daysAgo: number, status: RunSummary['status'] = 'succeeded'): RunSummary {
  const at = NOW - daysAgo * DAY;
  return {
    id: `01${runbook}${daysAgo}`,
    runbook,
    mode: 'drill',
    initiator: 'alice',
    status,
    createdAt: at - 60_000,
    endedAt: at,
    measures: { objectives: { rtoMs: 900_000, rpoMs: 3_600_000 }, rtoMs: 240_000 },
  };
}

function entry(name: string, drills: RunSummary[]): RunbookEntry {
  return {
    name,
    rto: '15m',
    rpo: '1h',
    modes: ['drill'],
    ...(drills[0] ? { lastDrill: drills[0] } : {}),
    staleness: staleness(name, drills, NOW, { staleDays: 14 }),
  };
}

const entries = [
  entry('fresh', [drill('fresh', 3)]),
  entry('old', [drill('old', 1, 'failed'), drill('old', 20)]),
  entry('never', []),
];

describe('list with staleness', () => {
  it('flags stale runbooks in the terminal, and only those', () => {
    const lines = replyText({ kind: 'list', entries });
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^fresh\s+RTO 15m/);
    expect(lines[1]).toMatch(/^old\s+.*last drill failed/);
    expect(lines[2]).toMatch(/^\s+⚠ last successful drill 20 days ago: stale \(over 14 days\)$/);
    expect(lines[4]).toMatch(/^\s+⚠ no successful drill on record: stale \(run drill never\)$/);
    expect(lines.join('\n')).not.toMatch(/fresh[^\n]*\n\s+⚠/);
  });

  it('flags stale runbooks in Slack, and only those', () => {
    const text = JSON.stringify(replyMessage({ kind: 'list', entries }).blocks);
    expect(text).toContain('⚠️ last successful drill 20 days ago: stale (over 14 days)');
    expect(text).toContain('⚠️ no successful drill on record: stale (run `/dr drill never`)');
    expect(text.match(/⚠️/g)).toHaveLength(2);
  });
});
