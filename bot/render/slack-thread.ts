/**
 * Thread replies under a run's status message: batches of step events, the approval message with
 * its buttons (replaced by the decision once made), and the final summary.
 */
import type { KnownBlock } from '@slack/types';
import type { Run } from '../../engine/run.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { actions, button, context, fitBlocks, LIMITS, linesToSections, section } from './blocks.js';
import type { EventLine } from './events.js';
import { escapeMrkdwn, joinWords, truncate, user, when } from './format.js';
import { ACTION_IDS, encodeActionValue, finalSummary, type SlackMessage } from './slack-status.js';
import { approvalCount, mayApprove } from './summary.js';
import { type GateView, type RunView, stepLabel } from './view.js';

/** One thread reply for a batch of events; a long batch is summarised, failures are kept whole. */
export function threadMessage(lines: EventLine[]): SlackMessage | undefined {
  if (lines.length === 0) return undefined;
  const blocks: KnownBlock[] = [];
  const routine: string[] = [];
  const flush = () => {
    if (routine.length === 0) return;
    blocks.push(...linesToSections(routine.splice(0), 10, (n) => `…and ${n} more step updates`));
  };
  for (const line of lines) {
    if (line.detail) {
      flush();
      blocks.push(section([`${line.icon} ${line.text}`, ...line.detail].join('\n')));
    } else {
      routine.push(`${line.icon} ${line.text}`);
    }
  }
  flush();
  const first = lines.find((l) => l.important) ?? lines[0];
  const text = truncate(
    lines.length === 1 ? `${first?.icon} ${first?.text}` : `${lines.length} updates: ${first?.text ?? ''}`,
    LIMITS.messageText,
  );
  return {
    text,
    blocks: fitBlocks(blocks, (n) => `…${n} more updates summarised; \`/dr status\` shows the run.`),
  };
}

/** The approval request with Approve / Reject buttons, or the decision once the gate is decided. */
export function approvalMessage(
  run: Run,
  gate: GateView,
  runbook: Runbook | undefined,
  now: number,
): SlackMessage {
  const label = escapeMrkdwn(stepLabel(gate.stepKey, runbook, run));
  const cutover = run.mode !== 'drill';
  const what = cutover
    ? `a *${run.mode.toUpperCase()}* of *${escapeMrkdwn(run.runbook.name)}*${run.mode === 'failover' ? ' (CUTOVER: real traffic moves)' : ''}`
    : `the drill of *${escapeMrkdwn(run.runbook.name)}*`;
  const blocks: KnownBlock[] = [
    section(
      `🔐 *Approval needed: ${label}* for ${what}, started by ${user(run.initiator, 'slack')}.` +
        (gate.description ? `\n${escapeMrkdwn(gate.description)}` : ''),
    ),
    section(
      `*${approvalCount(gate, 'slack')}*\nMay approve: ${mayApprove(gate, run.initiator, 'slack')}. Each person counts once.`,
    ),
  ];
  if (gate.decision) {
    const d = gate.decision;
    const approvers = joinWords(gate.approvals.map((a) => user(a.user, 'slack')));
    const line =
      d.outcome === 'approved'
        ? `✅ *Approved* by ${approvers || user(d.by, 'slack')} — gate opened ${when(d.at, 'slack')}`
        : d.outcome === 'rejected'
          ? `⛔ *Rejected* by ${user(d.by, 'slack')} ${when(d.at, 'slack')}${d.reason ? `: “${escapeMrkdwn(d.reason)}”` : ''}`
          : `⌛ *Timed out* ${when(d.at, 'slack')}: not enough approvals in time`;
    blocks.push(section(line));
  } else {
    const value = encodeActionValue({ runId: run.id, stepKey: gate.stepKey });
    blocks.push(
      actions(`drbot_gate_${gate.stepKey}`.slice(0, 255), [
        button({
          actionId: ACTION_IDS.approve,
          text: cutover ? `Approve ${run.mode}` : 'Approve',
          value,
          style: 'primary',
          ...(cutover
            ? {
                confirm: {
                  title: `Approve the ${run.mode}?`,
                  text: `This approves a real ${run.mode} of ${run.runbook.name}: production traffic moves.`,
                  confirm: 'Approve',
                  deny: 'Cancel',
                },
              }
            : {}),
        }),
        button({ actionId: ACTION_IDS.reject, text: 'Reject', value, style: 'danger' }),
      ]),
    );
    blocks.push(context(`Run \`${run.id}\` · asked ${when(now, 'slack')}`));
  }
  const text = gate.decision
    ? `Approval ${gate.decision.outcome}: ${label}`
    : `Approval needed for ${run.mode} of ${run.runbook.name}: ${approvalCount(gate, 'slack')}`;
  return { text: truncate(text, LIMITS.messageText), blocks };
}

/** A manual step: what to do and a "Done" button, or who confirmed it once done. */
export function manualMessage(
  run: Run,
  stepKey: string,
  runbook: Runbook | undefined,
  now: number,
): SlackMessage {
  const step = run.steps[stepKey];
  const label = escapeMrkdwn(stepLabel(stepKey, runbook, run));
  const spec = runbook?.spec.modes[run.mode]?.steps.find((s) => s.id === (step?.id ?? stepKey));
  const instructions =
    typeof spec?.with.instructions === 'string' ? spec.with.instructions : 'See the runbook.';
  const blocks: KnownBlock[] = [section(`🧑‍🔧 *Manual step: ${label}*\n${escapeMrkdwn(instructions)}`)];
  const confirmedBy = step?.outputs?.confirmedBy;
  if (step && step.status !== 'waiting' && step.status !== 'pending') {
    blocks.push(
      section(
        step.status === 'succeeded'
          ? `☑️ *Done* — confirmed by ${typeof confirmedBy === 'string' ? user(confirmedBy, 'slack') : 'an operator'}${step.endedAt ? ` ${when(step.endedAt, 'slack')}` : ''}`
          : `This step is ${step.status}.`,
      ),
    );
  } else {
    blocks.push(
      actions(`drbot_manual_${stepKey}`.slice(0, 255), [
        button({
          actionId: ACTION_IDS.confirm,
          text: 'Done',
          value: encodeActionValue({ runId: run.id, stepKey }),
          style: 'primary',
          confirm: {
            title: 'Is it done?',
            text: truncate(instructions, 280),
            confirm: 'It is done',
            deny: 'Not yet',
          },
        }),
      ]),
      context(`Run \`${run.id}\` · waiting since ${when(step?.startedAt ?? now, 'slack')}`),
    );
  }
  return { text: truncate(`Manual step: ${stepLabel(stepKey, runbook, run)}`, LIMITS.messageText), blocks };
}

/** The run's final summary as a thread reply (the parent message shows it too). */
export function finalMessage(view: RunView): SlackMessage {
  const lines = finalSummary(view);
  return {
    text: truncate(lines[0]?.replace(/\*/g, '') ?? 'Run finished', LIMITS.messageText),
    blocks: [section(lines.join('\n'))],
  };
}
