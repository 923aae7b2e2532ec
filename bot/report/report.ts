/**
 * `drbot report <run>`: one run as a document to attach to a DR test record or a post-mortem —
 * what ran, the step timeline (SVG), RTO and RPO against the objectives, who approved and when,
 * the cleanup, and the whole audit trail. Markdown or self-contained HTML, from the same facts
 * the status message shows (RunView), so the report never disagrees with Slack.
 */
import type { AuditEvent, GateRecord, Run } from '../../engine/run.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { describeEvent } from '../render/events.js';
import { duration, MODE_TITLE } from '../render/format.js';
import { outcomeWords } from '../render/history.js';
import { cleanupLine, decidedLine, rpoLine, rtoLine } from '../render/summary.js';
import { timelineRows } from '../render/timeline.js';
import { buildRunView } from '../render/view.js';
import { escapeXml, timelineSvg } from './svg.js';

export type ReportFormat = 'md' | 'html';

export interface ReportInput {
  run: Run;
  runbook?: Runbook;
  audit: AuditEvent[];
  gates: GateRecord[];
  now: number;
}

interface Facts {
  title: string;
  summary: [string, string][];
  measures: string[];
  approvals: string[];
  cleanup: string;
  svg: string;
  trail: [string, string, string][];
}

const utc = (t: number) => `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

function facts(input: ReportInput): Facts {
  const { run, runbook, audit, gates, now } = input;
  const view = buildRunView(run, { ...(runbook ? { runbook } : {}), gates, now });
  return {
    title: `${MODE_TITLE[run.mode] ?? run.mode} of ${run.runbook.name} — ${outcomeWords(run.status)}`,
    summary: [
      ['Run', run.id],
      ['Runbook', `${run.runbook.name} (snapshot ${run.runbook.hash.slice(0, 12)})`],
      ['Mode', run.mode],
      ['Started by', run.initiator],
      ['Started', utc(run.createdAt)],
      ['Ended', run.endedAt ? utc(run.endedAt) : 'still in flight'],
      ['Duration', duration(run.measures.durationMs ?? view.elapsedMs)],
      ['Outcome', outcomeWords(run.status)],
    ],
    measures: [rtoLine(view), rpoLine(view)],
    approvals: view.decided.length
      ? view.decided.map((g) => decidedLine(g, 'text'))
      : view.waiting.length
        ? view.waiting.map((g) => `${g.gate}: waiting, ${g.approvals.length} of ${g.required}`)
        : ['No approval gate in this run.'],
    cleanup: cleanupLine(view) ?? 'No cleanup steps.',
    svg: timelineSvg(timelineRows(run, runbook, now)),
    trail: audit.map((e) => {
      const line = describeEvent(e, run, runbook, 'text');
      return [`+${duration(e.at - run.createdAt)}`, e.actor, line ? `${line.icon} ${line.text}` : e.message];
    }),
  };
}

/** Markdown: the chart as an inline SVG data URI (renders on GitHub, GitLab, most viewers). */
export function reportMarkdown(input: ReportInput): string {
  const f = facts(input);
  const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `# ${f.title}`,
    '',
    '| | |',
    '|---|---|',
    ...f.summary.map(([k, v]) => `| ${k} | ${cell(v)} |`),
    '',
    '## RTO and RPO against the objectives',
    '',
    ...f.measures.map((m) => `- ${m}`),
    '',
    '## Timeline',
    '',
    `![Step timeline](data:image/svg+xml;base64,${Buffer.from(f.svg).toString('base64')})`,
    '',
    '## Approvals',
    '',
    ...f.approvals.map((a) => `- ${a}`),
    '',
    '## Cleanup',
    '',
    f.cleanup,
    '',
    '## Audit trail',
    '',
    '| At | Who | What |',
    '|---|---|---|',
    ...f.trail.map(([at, who, what]) => `| ${at} | ${cell(who)} | ${cell(what)} |`),
    '',
  ].join('\n');
}

/** One self-contained HTML file: inline SVG, inline style, no scripts. */
export function reportHtml(input: ReportInput): string {
  const f = facts(input);
  const e = escapeXml;
  const rows = (pairs: string[][]) =>
    pairs.map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(f.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}</style>
</head><body>
<h1>${e(f.title)}</h1>
<table>${rows(f.summary)}</table>
<h2>RTO and RPO against the objectives</h2>
<ul>${f.measures.map((m) => `<li>${e(m)}</li>`).join('')}</ul>
<h2>Timeline</h2>
${f.svg}
<h2>Approvals</h2>
<ul>${f.approvals.map((a) => `<li>${e(a)}</li>`).join('')}</ul>
<h2>Cleanup</h2>
<p>${e(f.cleanup)}</p>
<h2>Audit trail</h2>
<table><tr><th>At</th><th>Who</th><th>What</th></tr>
${rows(f.trail)}</table>
</body></html>
`;
}

export function renderReport(input: ReportInput, format: ReportFormat): string {
  return format === 'html' ? reportHtml(input) : reportMarkdown(input);
}
