/**
 * The weekly scorecard's picture: the RTO of recent drills against the objective, drawn as SVG
 * and rendered to PNG, uploaded into the run's thread with files.uploadV2 (Slack shows images,
 * not SVG). The sparkline in the text stays, for clients that do not load files.
 */
import type { WebClient } from '@slack/web-api';
import { svgToPng } from '../report/png.js';
import { trendSvg } from '../report/svg.js';
import type { Scorecard } from './scorecard.js';

export function trendChartSvg(card: Scorecard): string {
  const points = card.trend.map((rtoMs, i) => ({
    label: i === card.trend.length - 1 ? 'this' : `-${card.trend.length - 1 - i}`,
    ...(rtoMs === undefined ? {} : { rtoMs }),
  }));
  return trendSvg(points, card.rto.objectiveMs);
}

export async function trendChartPng(card: Scorecard): Promise<Buffer> {
  return svgToPng(trendChartSvg(card));
}

/** Uploads the chart into a thread; never throws (the scorecard text is already posted). */
export async function uploadTrendChart(
  client: WebClient,
  where: { channel: string; ts: string },
  card: Scorecard,
  log: (message: string, err?: unknown) => void = (m, e) => console.error(m, e),
): Promise<void> {
  try {
    await client.files.uploadV2({
      channel_id: where.channel,
      thread_ts: where.ts,
      file: await trendChartPng(card),
      filename: `rto-trend-${card.runbook}.png`,
      title: `RTO of the last ${card.trend.length} drills of ${card.runbook}`,
    });
  } catch (err) {
    log(`drbot: could not upload the RTO trend chart of ${card.runId}`, err);
  }
}
