/**
 * Renders a scorecard for Slack (Block Kit, posted in the drill's thread) and for the terminal
 * (plain lines). Both say the same things in the same order: objectives, trend, freshness, steps.
 */
import type { KnownBlock } from '@slack/types';
import { context, fitBlocks, header, linesToSections, section } from '../render/blocks.js';
import { type Audience, duration, escapeMrkdwn } from '../render/format.js';
import type { SlackMessage } from '../render/slack-status.js';
import { scorecardReplicationLines } from './replication.js';
import type { ObjectiveResult, Scorecard, StepComparison } from './scorecard.js';

const VERDICT_TEXT = { pass: '✅ pass', fail: '❌ fail', 'not-measured': '➖ not measured' } as const;

function objectiveLine(name: 'RTO' | 'RPO', result: ObjectiveResult): string {
  const measured = result.measuredMs === undefined ? 'not measured' : duration(result.measuredMs);
  return `${name} ${measured} (objective ${duration(result.objectiveMs)}) ${VERDICT_TEXT[result.verdict]}`;
}

function percent(change: number): string {
  const rounded = Math.round(change * 100);
  return `${rounded > 0 ? '+' : ''}${rounded}%`;
}

/** "launch 3m10s (prev 2m05s, +52%) ⚠️ slower" */
export function stepLine(step: StepComparison, audience: Audience): string {
  const name = audience === 'slack' ? `\`${escapeMrkdwn(step.key)}\`` : step.key;
  const took = step.durationMs === undefined ? step.status : duration(step.durationMs);
  const parts = [`${name} ${took}`];
  if (step.previousMs !== undefined && step.change !== undefined) {
    parts.push(`(prev ${duration(step.previousMs)}, ${percent(step.change)})`);
  } else if (step.durationMs !== undefined) {
    parts.push('(no previous)');
  }
  if (step.regression) parts.push('⚠️ regression');
  if (step.status === 'failed') parts.push('❌ failed');
  return parts.join(' ');
}

/** "▂▃▂▅▇▄▃▂ last 8 drills, 3m10s → 4m12s" */
export function trendLine(card: Scorecard): string {
  const measured = card.trend.filter((v): v is number => v !== undefined);
  if (measured.length === 0) return 'RTO trend: no drill has measured an RTO yet';
  const first = measured[0];
  const last = measured[measured.length - 1];
  const span = measured.length > 1 ? `, ${duration(first)} → ${duration(last)}` : '';
  return `RTO trend ${card.sparkline} (last ${card.trend.length} drill${card.trend.length === 1 ? '' : 's'}${span})`;
}

export function freshnessLine(card: Scorecard): string {
  const days = card.daysSinceLastSuccess;
  if (days === undefined) return 'No successful drill on record yet ⚠️';
  const since = days === 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} ago`;
  const flag = card.staleness.stale ? ` ⚠️ stale (over ${card.staleness.thresholdDays} days)` : '';
  return `Last successful drill: ${since}${flag}`;
}

/** The scorecard as plain lines (terminal, logs, tests). */
export function scorecardLines(card: Scorecard, audience: Audience = 'text'): string[] {
  const regressions = card.steps.filter((s) => s.regression).length;
  return [
    `Scorecard for ${card.runbook} drill ${card.runId}: ${card.status}`,
    objectiveLine('RTO', card.rto),
    objectiveLine('RPO', card.rpo),
    trendLine(card),
    freshnessLine(card),
    ...(card.tier?.lines ?? []),
    ...scorecardReplicationLines(card.replication),
    card.previousRunId
      ? `Steps vs previous drill ${card.previousRunId}${regressions ? ` (${regressions} regression${regressions === 1 ? '' : 's'})` : ''}:`
      : 'Steps (first drill, nothing to compare):',
    ...card.steps.map((s) => `  ${stepLine(s, audience)}`),
  ];
}

/** The replication readiness rows (drs tiers), one line per source server. */
function replicationBlocks(card: Scorecard): KnownBlock[] {
  const lines = scorecardReplicationLines(card.replication);
  if (lines.length === 0) return [];
  const [title, ...rows] = lines;
  return linesToSections(
    [`*${escapeMrkdwn(title!)}*`, ...rows.map((r) => escapeMrkdwn(r.trim()))],
    5,
    (n) => `…and ${n} more source servers`,
  );
}

/** The scorecard as a Slack message for the drill's thread. */
export function scorecardMessage(card: Scorecard): SlackMessage {
  const passed = card.rto.verdict === 'pass' && card.rpo.verdict !== 'fail' && card.status === 'succeeded';
  const title = `${passed ? '✅' : '⚠️'} Drill scorecard: ${card.runbook}`;
  const steps = card.steps.map((s) => stepLine(s, 'slack'));
  const blocks: KnownBlock[] = [
    header(title),
    section(`*${objectiveLine('RTO', card.rto)}*\n*${objectiveLine('RPO', card.rpo)}*`),
    section(`${trendLine(card)}\n${freshnessLine(card)}`),
    ...(card.tier ? [section(card.tier.lines.join('\n'))] : []),
    ...replicationBlocks(card),
    ...(steps.length > 0
      ? linesToSections(
          [
            card.previousRunId
              ? `*Steps* vs previous drill \`${card.previousRunId}\``
              : '*Steps* (first drill)',
            ...steps,
          ],
          20,
          (n) => `…and ${n} more steps`,
        )
      : []),
    context(`run \`${card.runId}\` · ${card.status}`),
  ];
  return {
    text: `${title}: ${objectiveLine('RTO', card.rto)}; ${objectiveLine('RPO', card.rpo)}`,
    blocks: fitBlocks(blocks, (n) => `${n} blocks summarised`),
  };
}
