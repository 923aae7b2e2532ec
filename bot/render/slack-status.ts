/**
 * The parent status message of a run in Slack: header, progress, current step, clocks, the
 * approval awaited, failures with what to do, the final measures, and an Abort button while the
 * run is in flight. Its size does not grow with the runbook: a 200-step run shows a progress bar.
 */
import type { KnownBlock } from '@slack/types';
import type { Runbook } from '../../engine/runbook/types.js';
import { actions, button, context, fieldsSection, fitBlocks, header, LIMITS, section } from './blocks.js';
import {
  describePrincipals,
  duration,
  escapeMrkdwn,
  MODE_TITLE,
  STATUS_ICON,
  truncate,
  user,
} from './format.js';
import { knownUsersOf, mentionKnownUsers } from './mentions.js';
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
import type { PointRow } from './tier.js';
import { type RunView, stepLabel } from './view.js';

/** `action_id`s of every button drbot posts; the listeners match on them. */
export const ACTION_IDS = {
  approve: 'drbot_approve',
  reject: 'drbot_reject',
  abort: 'drbot_abort',
  confirm: 'drbot_confirm',
  commit: 'drbot_commit',
  /** Opens the menu of earlier recovery points (one button per point, `switchPoint`). */
  switchMenu: 'drbot_switch_menu',
  switchPoint: 'drbot_switch_point',
} as const;

export interface ActionValue {
  runId: string;
  stepKey?: string;
}

/** Button values carry ids only, so they stay far below the 2000-character limit. */
export function encodeActionValue(value: ActionValue): string {
  return JSON.stringify(
    value.stepKey === undefined ? { r: value.runId } : { r: value.runId, s: value.stepKey },
  );
}

export function decodeActionValue(text: string | undefined): ActionValue | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { r, s } = parsed as { r?: unknown; s?: unknown };
    if (typeof r !== 'string' || !r) return undefined;
    return typeof s === 'string' && s ? { runId: r, stepKey: s } : { runId: r };
  } catch {
    return undefined;
  }
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export function statusMessage(view: RunView, runbookArg?: Runbook): SlackMessage {
  const { run } = view;
  const runbook = runbookArg ?? view.runbook;
  const title = `${MODE_TITLE[run.mode] ?? run.mode} · ${run.runbook.name}`;
  const statusWord = run.abortRequested && !view.terminal ? 'aborting' : run.status;
  const blocks: KnownBlock[] = [
    header(`${STATUS_ICON[run.status] ?? ''} ${title}`),
    fieldsSection([
      `*Initiator*\n${user(run.initiator, 'slack')}`,
      `*Status*\n${statusWord}`,
      `*Progress*\n${progressText(view)}`,
      `*Current step*\n${escapeMrkdwn(currentLine(view, runbook, 'slack'))}`,
      `*Elapsed*\n${duration(view.elapsedMs)}`,
      `*RTO*\n${rtoLine(view)}`,
    ]),
  ];
  for (const gate of view.waiting.slice(0, 3)) {
    const expires = expiresLine(gate, view.now);
    blocks.push(
      section(
        `⏳ *Approval waiting* — ${escapeMrkdwn(stepLabel(gate.stepKey, runbook, run))}: ${approvalCount(gate, 'slack')}${expires ? ` · ${expires}` : ''}.\n` +
          `May approve: ${mayApprove(gate, run.initiator, 'slack')}. The buttons are in the thread.`,
      ),
    );
  }
  if (view.waiting.length > 3)
    blocks.push(context(`…and ${view.waiting.length - 3} more approvals waiting.`));
  if (view.decided.length > 0 && !view.terminal)
    blocks.push(context(...view.decided.slice(0, 5).map((g) => `🔓 ${decidedLine(g, 'slack')}`)));
  const known = view.failed.length > 0 ? knownUsersOf(run) : new Set<string>();
  // Failure texts stay short here (the thread has them whole); people become mentions.
  const said = (text: string) => escapeMrkdwn(mentionKnownUsers(truncate(text, 600), known));
  for (const step of view.failed.slice(0, 3)) {
    const err = step.error;
    const key = Object.entries(run.steps).find(([, s]) => s === step)?.[0] ?? step.id;
    blocks.push(
      section(
        `❌ *${escapeMrkdwn(stepLabel(key, runbook, run))} failed*${err ? `: ${said(err.message)}\n*Why:* ${said(err.explanation)}\n*What to do:* ${said(err.action)}` : ''}`,
      ),
    );
  }
  if (view.failed.length > 3)
    blocks.push(context(`…and ${view.failed.length - 3} more failed steps (see the thread).`));
  if (view.terminal) {
    blocks.push(section(finalSummary(view).join('\n')));
  } else {
    const cleanup = cleanupLine(view);
    if (cleanup) blocks.push(context(cleanup));
  }
  if (view.terminal && view.uncommitted) {
    blocks.push(
      section(
        `⚠️ *Uncommitted*: ${escapeMrkdwn(run.runbook.name)} is live on the recovered copies. Commit to accept them, or switch to an earlier recovery point.`,
      ),
      actions(`drbot_tier_${run.id}`.slice(0, 255), [
        button({
          actionId: ACTION_IDS.commit,
          text: 'Commit',
          value: encodeActionValue({ runId: run.id }),
          style: 'primary',
          confirm: {
            title: 'Commit this failover?',
            text: 'The recovered copies stay production; next comes reprotect, then failback.',
            confirm: 'Commit',
            deny: 'Not yet',
          },
        }),
        button({
          actionId: ACTION_IDS.switchMenu,
          text: 'Switch recovery point',
          value: encodeActionValue({ runId: run.id }),
        }),
      ]),
    );
  }
  if (!view.terminal && !run.abortRequested) {
    blocks.push(
      actions(`drbot_run_${run.id}`.slice(0, 255), [
        button({
          actionId: ACTION_IDS.abort,
          text: 'Abort',
          value: encodeActionValue({ runId: run.id }),
          style: 'danger',
          confirm: {
            title: `Abort this ${run.mode}?`,
            text: `Running steps are cancelled${run.mode === 'drill' ? '; drill cleanup still runs' : ''}.`,
            confirm: 'Abort',
            deny: 'Keep running',
          },
        }),
      ]),
    );
  }
  blocks.push(
    context(
      `Run \`${run.id}\``,
      `Abort: ${user(run.initiator, 'slack')} or owners (${describePrincipals(view.owners, 'slack')})`,
    ),
  );
  const text = truncate(
    `${title}: ${statusWord}, ${view.counts.succeeded} of ${view.total} steps succeeded${view.waiting.length ? ', approval waiting' : ''}`,
    LIMITS.messageText,
  );
  return { text, blocks: fitBlocks(blocks, (n) => `${n} blocks summarised.`) };
}

/** Lines of the final summary: outcome, RTO and RPO against objectives, duration, cleanup. */
export function finalSummary(view: RunView): string[] {
  const { run } = view;
  const outcome =
    run.status === 'succeeded' ? '✅ *Succeeded*' : run.status === 'aborted' ? '🛑 *Aborted*' : '❌ *Failed*';
  const lines = [
    `${outcome} in ${duration(run.measures.durationMs ?? view.elapsedMs)}`,
    rtoLine(view),
    rpoLine(view),
  ];
  const cleanup = cleanupLine(view);
  if (cleanup) lines.push(cleanup);
  for (const gate of view.decided) lines.push(`🔓 ${decidedLine(gate, 'slack')}`);
  if (run.abortRequested) lines.push(`Abort requested by ${user(run.abortRequested.by, 'slack')}`);
  return lines;
}

/** The menu of earlier recovery points for a Switch recovery point click: one button per point. */
export function switchMenuMessage(
  runId: string,
  rows: PointRow[],
  now: number,
  current?: number,
): SlackMessage {
  const earlier = rows.filter((r) => current === undefined || r.capturedAt < current).slice(0, 20);
  if (earlier.length === 0) {
    return {
      text: 'No earlier recovery point',
      blocks: [section('There is no recovery point earlier than the one this failover launched from.')],
    };
  }
  const blocks: KnownBlock[] = [section(`*Switch run \`${runId}\` to an earlier recovery point*`)];
  for (const r of earlier) {
    blocks.push(
      section(
        `\`${escapeMrkdwn(r.pointId)}\` · ${escapeMrkdwn(r.instanceId)} · captured ${new Date(r.capturedAt).toISOString().slice(0, 16)}Z · ${duration(now - r.capturedAt)} old · ${r.appConsistent ? 'app-consistent' : 'crash-consistent'}`,
      ),
      actions(`drbot_sw_${r.pointId}`.slice(0, 255), [
        button({
          actionId: ACTION_IDS.switchPoint,
          text: `Switch to ${r.pointId}`.slice(0, 75),
          value: encodeActionValue({ runId, stepKey: r.pointId }),
          confirm: {
            title: 'Switch the recovery point?',
            text: 'A new failover run recovers from this point (behind its own approvals); the current copies go once the new ones are healthy.',
            confirm: 'Switch',
            deny: 'Cancel',
          },
        }),
      ]),
    );
  }
  return {
    text: `Earlier recovery points for run ${runId}`,
    blocks: fitBlocks(blocks, (n) => `${n} blocks summarised.`),
  };
}
