import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { PNG_MAGIC } from '../../../bot/report/png.js';
import { renderReport } from '../../../bot/report/report.js';
import type { Scorecard } from '../../../bot/scorecard/scorecard.js';
import { trendChartPng, trendChartSvg, uploadTrendChart } from '../../../bot/scorecard/trend-chart.js';
import type { Run } from '../../../engine/run.js';
import type { Runbook } from '../../../engine/runbook/types.js';
import { drill, MINUTE, step, T0 } from '../scorecard/fixtures.js';

function failover(): { run: Run; runbook: Runbook } {
  const run = drill({
    id: '01JTESTRUN00000000000ABC123',
    at: T0,
    rtoMin: 7,
    steps: { approve: step('approve', 0, 2), launch: step('launch', 2, 6), dns: step('dns', 6, 7) },
  });
  run.mode = 'failover';
  run.initiator = 'alice';
  run.steps.approve = { ...run.steps.approve, action: 'approval', gate: 'cutover' } as Run['steps'][string];
  const mk = (id: string, needs: string[], action = 'wait') => ({ id, action, needs, with: {} });
  const runbook = {
    metadata: { name: 'app-tier' },
    spec: {
      modes: {
        failover: {
          steps: [mk('approve', [], 'approval'), mk('launch', ['approve']), mk('dns', ['launch'])],
          cleanup: [],
        },
      },
      approvals: { cutover: { required: 2, excludeInitiator: true, timeout: '30m' } },
    },
  } as unknown as Runbook;
  return { run, runbook };
}

const gates = [
  {
    runId: '01JTESTRUN00000000000ABC123',
    stepKey: 'approve',
    gate: 'cutover',
    required: 2,
    approvals: [
      { user: 'bob', at: T0 + MINUTE },
      { user: 'carol', at: T0 + 2 * MINUTE },
    ],
    decision: { outcome: 'approved' as const, by: 'carol', at: T0 + 2 * MINUTE },
  },
];

describe('drbot report', () => {
  for (const format of ['md', 'html'] as const) {
    it(`${format}: timeline chart, RTO/RPO against objectives, approvals with names and times, cleanup, audit`, () => {
      const { run, runbook } = failover();
      const audit = [
        { runId: run.id, seq: 1, at: T0, kind: 'run.started' as const, actor: 'alice', message: 'started' },
      ];
      const text = renderReport({ run, runbook, audit, gates, now: T0 + 60 * MINUTE }, format);
      expect(text).toContain('RTO 7m (objective 15m)');
      expect(text).toContain('RPO not measured (objective 1h)');
      expect(text).toContain('cutover approved by bob (09:01 UTC) and carol (09:02 UTC)');
      expect(text).toContain('No cleanup steps.');
      expect(text).toContain('Failover (CUTOVER) of app-tier started by alice');
      const svg =
        format === 'html'
          ? text
          : Buffer.from(
              /data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(text)?.[1] ?? '',
              'base64',
            ).toString();
      expect(svg.match(/<rect class="step critical"/g)).toHaveLength(3);
      if (format === 'html') expect(text).not.toContain('<script');
    });
  }
});

describe('weekly RTO trend chart', () => {
  const card = {
    runId: 'R9',
    runbook: 'app-tier',
    rto: { objectiveMs: 15 * MINUTE, measuredMs: 9 * MINUTE, verdict: 'pass' },
    trend: [10 * MINUTE, undefined, 12 * MINUTE, 20 * MINUTE, 9 * MINUTE],
  } as unknown as Scorecard;

  it('draws one dot per measured drill and the objective line', () => {
    const svg = trendChartSvg(card);
    expect(svg.match(/<circle class="drill"/g)).toHaveLength(4);
    expect(svg).toContain('class="objective"');
    expect(svg).toContain('objective 15m');
    expect(svg).toContain('#c62828'); // the 20m drill is over the objective
  });

  it('renders to a PNG (resvg) 1280 pixels wide', async () => {
    const png = await trendChartPng(card);
    expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    expect(png.readUInt32BE(16)).toBe(1280); // IHDR width
    expect(png.length).toBeGreaterThan(2000);
  });

  it('uploads it into the thread with files.uploadV2', async () => {
    const calls: Record<string, unknown>[] = [];
    const client = { files: { uploadV2: async (args: Record<string, unknown>) => void calls.push(args) } };
    await uploadTrendChart(client as unknown as WebClient, { channel: 'C1', ts: '1.2' }, card);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      channel_id: 'C1',
      thread_ts: '1.2',
      filename: 'rto-trend-app-tier.png',
    });
    const file = calls[0]?.file as Buffer | undefined;
    expect(file?.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
  });
});
