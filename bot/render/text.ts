/**
 * The terminal renderer: the same facts as the Slack messages, as plain lines. The status block
 * is a few lines per run whatever the runbook's size; events are one log line each.
 */
import { formatDoctorReport } from '../../engine/network/doctor.js';
import { renderPlan } from '../../engine/plan/index.js';
import type { Runbook } from '../../engine/runbook/types.js';
import type { Reply } from '../commands/replies.js';
import type { EventLine } from './events.js';
import { describePrincipals, duration, MODE_TITLE, truncate } from './format.js';
import { helpLines, usageLines } from './help.js';
import { runLine, runTag, timelineText } from './history.js';
import {
  approvalCount,
  cleanupLine,
  currentLine,
  decidedLine,
  expiresLine,
  mayApprove,
  progressText,
  rpoLine,
  rtoLine,
} from './summary.js';
import { pointsLines, tierLines } from './tier.js';
import { type RunView, stepLabel } from './view.js';

/** The live status block of one run. */
export function runBlock(view: RunView, runbookArg?: Runbook): string[] {
  const { run } = view;
  const runbook = runbookArg ?? view.runbook;
  const status = run.abortRequested && !view.terminal ? 'aborting' : run.status;
  const lines = [
    `┌ ${runTag(run)} ${MODE_TITLE[run.mode] ?? run.mode} · ${run.runbook.name} · by ${run.initiator} · ${status.toUpperCase()}   run ${run.id}`,
    `│ ${progressText(view, 20)} · now: ${currentLine(view, runbook, 'text')} · ${duration(view.elapsedMs)} elapsed`,
    `│ ${rtoLine(view)}`,
  ];
  for (const gate of view.waiting) {
    const expires = expiresLine(gate, view.now);
    lines.push(
      `│ ⏳ approval waiting: ${stepLabel(gate.stepKey, runbook, run)} — ${approvalCount(gate, 'text')}${expires ? ` · ${expires}` : ''}; may approve: ${mayApprove(gate, run.initiator, 'text')}`,
      `│    type: /as <approver> then approve ${run.id.slice(-6)}  (or reject ${run.id.slice(-6)} <reason>)`,
    );
  }
  for (const m of view.manual) {
    lines.push(
      `│ 🧑‍🔧 manual step waiting: ${stepLabel(m.stepKey, runbook, run)}${m.instructions ? ` — ${truncate(m.instructions, 200)}` : ''}`,
      `│    when it is done, type: confirm ${run.id.slice(-6)} ${m.stepKey}`,
    );
  }
  for (const gate of view.decided) lines.push(`│ 🔓 ${decidedLine(gate, 'text')}`);
  const failed = Object.entries(run.steps).filter(([, s]) => s.status === 'failed' && s.error);
  for (const [key, step] of failed.slice(0, 3)) {
    lines.push(
      `│ ✗ ${stepLabel(key, runbook, run)} failed: ${truncate(step.error?.message ?? '', 300)}`,
      `│    why: ${truncate(step.error?.explanation ?? '', 300)}`,
      `│    what to do: ${truncate(step.error?.action ?? '', 300)}`,
    );
  }
  if (failed.length > 3) lines.push(`│ …and ${failed.length - 3} more failed steps (see the log)`);
  if (view.terminal) {
    lines.push(`│ ${rpoLine(view)}`, `│ duration ${duration(run.measures.durationMs ?? view.elapsedMs)}`);
  }
  const cleanup = cleanupLine(view);
  if (cleanup) lines.push(`│ ${cleanup}`);
  // Like Slack's Abort button, the hint shows only while the run can still be stopped.
  if (view.terminal)
    lines.push(
      `└ ended ${run.endedAt ? new Date(run.endedAt).toISOString().replace('T', ' ').slice(0, 19) : ''} UTC`,
    );
  else lines.push(`└ abort: ${run.initiator} or owners (${describePrincipals(view.owners, 'text')})`);
  return lines;
}

/** One log line for the thread: `12:00:03 [app-tier 4XQ2] ✓ launch succeeded in 3s`. */
export function eventText(line: EventLine, at: number, runId: string, runbook: string): string[] {
  const time = new Date(at).toISOString().slice(11, 19);
  const head = `${time} [${runbook} ${runId.slice(-6)}] ${line.icon} ${line.text.replace(/\*/g, '')}`;
  return [head, ...(line.detail ?? []).map((d) => `           ${d.replace(/\*/g, '')}`)];
}

export function replyText(reply: Reply): string[] {
  switch (reply.kind) {
    case 'error':
      return [
        `⚠ ${reply.error.message}`,
        `  why: ${reply.error.explanation}`,
        `  what to do: ${reply.error.action}`,
      ];
    case 'usage': {
      // one element per line: the screen escapes a newline inside a line like any control character
      const [problem, ...rest] = usageLines(reply.error, 'shell');
      return [`⚠ ${problem ?? ''}`, ...rest, 'Nothing was started.'];
    }
    case 'help':
      return helpLines('shell', reply.topic);
    case 'started':
      return [
        `${runTag(reply.run)} 🚀 started the ${reply.run.mode} of ${reply.run.runbook.name} as run ${reply.run.id} (initiator ${reply.run.initiator})`,
        `   follow it with: status ${reply.run.id.slice(-6)} · timeline ${reply.run.id.slice(-6)}`,
      ];
    case 'status':
      if (reply.views.length === 0) return [reply.empty?.replace(/`/g, '') ?? 'No runs.'];
      return reply.views.flatMap((v) => runBlock(v));
    case 'runs':
      if (reply.runs.length === 0) return ['No runs yet. Start one with: drill <runbook>'];
      return [
        'started (UTC)    · took · what · outcome · run',
        ...reply.runs.map((r) => runLine(r, reply.now, 'text')),
      ];
    case 'timeline':
      return timelineText(reply.run, reply.runbook, reply.audit, reply.now);
    case 'list':
      if (reply.entries.length === 0) return ['No runbooks are loaded.'];
      return reply.entries.flatMap((e) => {
        const last = e.lastDrill
          ? `last drill ${e.lastDrill.status} ${new Date(e.lastDrill.createdAt).toISOString().slice(0, 16)}Z`
          : 'never drilled';
        const line = `${e.name.padEnd(14)} RTO ${e.rto.padEnd(5)} RPO ${e.rpo.padEnd(5)} ${e.modes.join('/').padEnd(24)} ${last}`;
        const tier = e.tierLine ? [`${' '.repeat(15)}${e.tierLine.replace(/`/g, '')}`] : [];
        return e.staleness.stale
          ? [
              line,
              ...tier,
              `${' '.repeat(15)}⚠ ${e.staleness.message.replace(/`\/dr /g, '`').replace(/`/g, '')}`,
            ]
          : [line, ...tier];
      });
    case 'tier':
      return [
        ...(reply.headline ? [reply.headline] : []),
        ...tierLines(reply.tier, reply.rpoMs, reply.now).map((l) => l.replace(/`/g, '')),
      ];
    case 'points':
      return pointsLines(reply.runbook, reply.rows, reply.now);
    case 'plan':
      return [...renderPlan(reply.plan).split('\n'), '(a plan only: nothing was done)'];
    case 'doctor':
      return [...formatDoctorReport(reply.report).split('\n'), '(a check only: nothing was started)'];
    case 'approval': {
      const a = reply.answer;
      const mark = a.counted ? (a.opened ? '🔓' : a.rejected ? '⛔' : '👍') : '✋';
      return [`${runTag({ id: reply.runId, runbook: reply.runbook ?? 'run' })} ${mark} ${a.explanation}`];
    }
    case 'aborted':
      return [`${runTag(reply.run)} 🛑 abort requested for run ${reply.run.id}`];
    case 'confirmed':
      return [`${runTag(reply.run)} ☑ confirmed ${reply.stepKey} of run ${reply.run.id}`];
  }
}
