/**
 * Charts as SVG text: the step timeline of one run (a Gantt, critical path in red) and the RTO
 * trend of recent drills against the objective. Plain strings with escaped text, so they embed
 * in HTML and Markdown reports and render to PNG (resvg) for Slack without a browser.
 */
import { duration } from '../render/format.js';
import type { TimelineRow } from '../render/timeline.js';

const FONT = 'font-family="DejaVu Sans, Arial, sans-serif" font-size="12"';

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const COLOUR: Record<string, string> = {
  succeeded: '#2e7d32',
  failed: '#c62828',
  cancelled: '#9e9e9e',
  skipped: '#bdbdbd',
  running: '#1565c0',
  waiting: '#f9a825',
  pending: '#e0e0e0',
};

/** One bar per step; the critical path is outlined in red and labelled. */
export function timelineSvg(rows: TimelineRow[], width = 720): string {
  const label = 200;
  const rowHeight = 22;
  const chart = width - label - 80;
  const span = Math.max(1, ...rows.map((r) => r.endMs));
  const height = rows.length * rowHeight + 40;
  const bars = rows.map((r, i) => {
    const y = 10 + i * rowHeight;
    const x = label + (r.startMs / span) * chart;
    const w = Math.max(2, ((r.endMs - r.startMs) / span) * chart);
    const stroke = r.critical ? ' stroke="#d50000" stroke-width="2"' : '';
    return [
      `<text x="${label - 6}" y="${y + 14}" text-anchor="end" ${FONT}>${escapeXml(r.label)}</text>`,
      `<rect class="step${r.critical ? ' critical' : ''}" data-step="${escapeXml(r.key)}" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="16" fill="${COLOUR[r.status] ?? '#757575'}"${stroke}/>`,
      `<text x="${(x + w + 4).toFixed(1)}" y="${y + 13}" ${FONT}>${escapeXml(duration(r.endMs - r.startMs))}${r.critical ? ' ◆' : ''}</text>`,
    ].join('');
  });
  const axis = `<text x="${label}" y="${height - 8}" ${FONT}>0</text><text x="${label + chart}" y="${height - 8}" text-anchor="end" ${FONT}>${escapeXml(duration(span))}</text>`;
  return svg(width, height, `${bars.join('\n')}\n${axis}`, 'Step timeline (red outline: critical path)');
}

export interface TrendPoint {
  label: string;
  rtoMs?: number;
}

/** RTO of recent drills as a line with dots, and the objective as a dashed line. */
export function trendSvg(points: TrendPoint[], objectiveMs: number, width = 640, height = 240): string {
  const pad = 40;
  const measured = points.map((p) => p.rtoMs ?? 0);
  const top = Math.max(objectiveMs * 1.2, ...measured, 1);
  const x = (i: number) => pad + (points.length <= 1 ? 0 : (i / (points.length - 1)) * (width - 2 * pad));
  const y = (ms: number) => height - pad - (ms / top) * (height - 2 * pad);
  const dots = points
    .map((p, i) =>
      p.rtoMs === undefined
        ? ''
        : `<circle class="drill" cx="${x(i).toFixed(1)}" cy="${y(p.rtoMs).toFixed(1)}" r="4" fill="${p.rtoMs <= objectiveMs ? '#2e7d32' : '#c62828'}"/>`,
    )
    .join('');
  const path = points
    .map((p, i) => (p.rtoMs === undefined ? '' : `${x(i).toFixed(1)},${y(p.rtoMs).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
  const labels = points
    .map(
      (p, i) =>
        `<text x="${x(i).toFixed(1)}" y="${height - 12}" text-anchor="middle" ${FONT}>${escapeXml(p.label)}</text>`,
    )
    .join('');
  const objective = `<line class="objective" x1="${pad}" x2="${width - pad}" y1="${y(objectiveMs).toFixed(1)}" y2="${y(objectiveMs).toFixed(1)}" stroke="#d50000" stroke-dasharray="6 4"/><text x="${width - pad}" y="${(y(objectiveMs) - 4).toFixed(1)}" text-anchor="end" ${FONT}>objective ${escapeXml(duration(objectiveMs))}</text>`;
  const line = path ? `<polyline points="${path}" fill="none" stroke="#1565c0" stroke-width="2"/>` : '';
  return svg(width, height, `${objective}${line}${dots}${labels}`, 'RTO of recent drills');
}

function svg(width: number, height: number, body: string, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${escapeXml(title)}</title><rect width="100%" height="100%" fill="#ffffff"/>\n${body}\n</svg>\n`;
}
