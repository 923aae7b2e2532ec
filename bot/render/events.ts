/**
 * One line per audit event, for the Slack thread and the shell log. Failures carry their
 * `{ message, explanation, action }` as extra lines so nobody has to open a log to know what to do.
 */
import type { AuditEvent, Run } from '../../engine/run.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { type Audience, duration, escapeMrkdwn, MODE_TITLE, truncate, user } from './format.js';
import { knownUsersOf, mentionKnownUsers } from './mentions.js';
import { stepLabel } from './view.js';

export interface EventLine {
  icon: string;
  text: string;
  /** Extra lines: why it failed and what to do. */
  detail?: string[];
  /** Failures and decisions are worth a notification; progress is not. */
  important: boolean;
}

/** Events the thread and log skip: the parent message and approval message already show them. */
const QUIET = new Set(['approval.recorded', 'approval.refused']);

export function describeEvent(
  event: AuditEvent,
  run: Run,
  runbook: Runbook | undefined,
  audience: Audience,
): EventLine | undefined {
  if (QUIET.has(event.kind)) return undefined;
  const esc = audience === 'slack' ? escapeMrkdwn : (t: string) => t;
  // Texts the engine wrote name people as `@bob`: real mentions in Slack, unchanged elsewhere.
  const said = audience === 'slack' ? slackSaid(run, event) : esc;
  const label = event.stepKey ? esc(stepLabel(event.stepKey, runbook, run)) : '';
  const step = event.stepKey ? run.steps[event.stepKey] : undefined;
  const bold = (t: string) => (audience === 'slack' ? `*${t}*` : t);
  const by = user(event.actor, audience);
  // Each part capped on its own, so a long message (often quoting input) never pushes the
  // remedy past Slack's 3000-character section.
  const detail = event.error
    ? [
        `${bold('What happened:')} ${said(truncate(event.error.message, 600))}`,
        `${bold('Why:')} ${said(truncate(event.error.explanation, 900))}`,
        `${bold('What to do:')} ${said(truncate(event.error.action, 900))}`,
      ]
    : undefined;
  switch (event.kind) {
    case 'run.started':
      return {
        icon: '🚀',
        text: `${MODE_TITLE[run.mode] ?? run.mode} of ${bold(esc(run.runbook.name))} started by ${user(run.initiator, audience)}`,
        important: true,
      };
    case 'step.started': {
      const attempt = typeof event.data?.attempt === 'number' ? event.data.attempt : (step?.attempt ?? 1);
      return {
        icon: '▶️',
        text: `${label} started${attempt > 1 ? ` (attempt ${attempt})` : ''}`,
        important: false,
      };
    }
    case 'step.retrying':
      return {
        icon: '🔁',
        text: `${label}: ${said(event.error?.message ?? event.message)} — retrying`,
        important: false,
      };
    case 'step.succeeded': {
      const took =
        step?.startedAt !== undefined && step.endedAt !== undefined
          ? step.endedAt - step.startedAt
          : undefined;
      return {
        icon: '✅',
        text: `${label} succeeded${took === undefined ? '' : ` in ${duration(took)}`}`,
        important: false,
      };
    }
    case 'step.failed':
      return {
        icon: '❌',
        text: `${label} failed${event.error ? `: ${said(truncate(event.error.message, 600))}` : ''}`,
        ...(detail ? { detail: detail.slice(1) } : {}),
        important: true,
      };
    case 'step.skipped':
      return {
        icon: '⏭️',
        text: `${label} skipped${event.message ? ` — ${said(event.message)}` : ''}`,
        important: false,
      };
    case 'step.cancelled':
      return { icon: '🚫', text: `${label} cancelled`, important: false };
    case 'step.waiting':
      return { icon: '⏳', text: `${label}: ${said(event.message)}`, important: false };
    case 'step.note':
      return { icon: '📝', text: `${label ? `${label}: ` : ''}${said(event.message)}`, important: false };
    case 'phase.changed':
      return { icon: '➡️', text: said(event.message), important: false };
    case 'approval.requested':
      return { icon: '🔐', text: `${label}: approval requested`, important: true };
    case 'approval.granted':
      return { icon: '🔓', text: `${label}: approved (${said(event.message)})`, important: true };
    case 'approval.rejected':
      return { icon: '⛔', text: `${label}: rejected by ${by}${reasonOf(event, esc)}`, important: true };
    case 'approval.timed-out':
      return { icon: '⌛', text: `${label}: no decision in time — ${said(event.message)}`, important: true };
    case 'manual.confirmed':
      return { icon: '☑️', text: `${label}: confirmed by ${by}`, important: false };
    case 'run.abort-requested':
      return { icon: '🛑', text: `Abort requested by ${by}${reasonOf(event, esc)}`, important: true };
    case 'run.succeeded':
      return { icon: '🏁', text: `Run succeeded in ${duration(run.measures.durationMs)}`, important: true };
    case 'run.failed':
      return {
        icon: '🏁',
        text: `Run failed${event.error ? `: ${said(truncate(event.error.message, 600))}` : ''}`,
        ...(detail ? { detail: detail.slice(1) } : {}),
        important: true,
      };
    case 'run.aborted':
      // The engine ends the run, but a person asked for it: name them.
      return {
        icon: '🏁',
        text: `Run aborted by ${user(run.abortRequested?.by ?? event.actor, audience)}`,
        important: true,
      };
    default:
      return { icon: '•', text: said(event.message), important: false };
  }
}

/** Escapes engine text for mrkdwn after turning the run's people into mentions. */
function slackSaid(run: Run, event: AuditEvent): (text: string) => string {
  let known: Set<string> | undefined;
  return (text) => {
    if (!known) known = knownUsersOf(run, [event]);
    return escapeMrkdwn(mentionKnownUsers(text, known));
  };
}

function reasonOf(event: AuditEvent, esc: (t: string) => string): string {
  const reason = event.data?.reason;
  // a reason is typed text: cap it so what follows in the message still fits
  return typeof reason === 'string' && reason ? `: “${esc(truncate(reason, 300))}”` : '';
}

/** Terminal runs: the events that end a run. */
export function isFinal(event: AuditEvent): boolean {
  return event.kind === 'run.succeeded' || event.kind === 'run.failed' || event.kind === 'run.aborted';
}
