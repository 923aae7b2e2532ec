/**
 * `/dr plan` in Slack: direction, objectives, the estimated RTO, the steps by dependency level
 * (a large runbook is summarised per level), approval gates and what changes infrastructure.
 */
import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../../engine/duration.js';
import type { Plan, PlanStep } from '../../engine/plan/index.js';
import { context, fitBlocks, header, LIMITS, linesToSections, section } from './blocks.js';
import { describePrincipals, escapeMrkdwn, truncate } from './format.js';
import type { SlackMessage } from './slack-status.js';

export function planMessage(plan: Plan): SlackMessage {
  const rto =
    plan.rto.estimateMs === undefined
      ? `objective ${plan.objectives.rto}`
      : `~${formatDuration(plan.rto.estimateMs)} estimated to *${escapeMrkdwn(plan.rto.endStep ?? '')}* (objective ${plan.objectives.rto})${plan.rto.withinObjective ? ' ✅' : ' ⚠️ exceeds the objective'}`;
  const blocks: KnownBlock[] = [
    header(`Plan · ${plan.mode} of ${plan.runbook.name}`),
    section(
      `${escapeMrkdwn(plan.direction.from)} → ${escapeMrkdwn(plan.direction.to)} · RPO objective ${plan.objectives.rpo}\n*RTO* ${rto}`,
    ),
  ];
  const byId = new Map(plan.main.steps.map((s) => [s.id, s]));
  const lines = plan.main.levels.map((ids, i) => {
    const steps = ids.map((id) => byId.get(id)).filter((s): s is PlanStep => s !== undefined);
    const shown = steps.slice(0, 8).map(stepText).join(', ');
    return `${i + 1}. ${shown}${steps.length > 8 ? ` and ${steps.length - 8} more in parallel` : ''}`;
  });
  blocks.push(...linesToSections(lines, 20, (n) => `…and ${n} more levels`));
  for (const gate of plan.gates.slice(0, 5)) {
    blocks.push(
      section(
        `🔐 *${escapeMrkdwn(gate.gate)}* (step ${escapeMrkdwn(gate.step)}): ${gate.required} distinct approver${gate.required === 1 ? '' : 's'} from ${describePrincipals(gate.approvers, 'slack')}${gate.excludeInitiator ? ', never the initiator' : ''}${gate.timeout ? `, times out after ${gate.timeout}` : ''}`,
      ),
    );
  }
  const cleanup = plan.cleanup.steps.map((s) => escapeMrkdwn(s.id));
  blocks.push(
    context(
      truncate(`⚠️ Changes infrastructure: ${plan.mutating.map(escapeMrkdwn).join(', ') || 'nothing'}`, 2900),
      truncate(`🧹 Cleanup: ${cleanup.join(', ') || 'none'}`, 2900),
      'A plan only: nothing was done.',
    ),
  );
  return {
    text: truncate(`Plan: ${plan.mode} of ${plan.runbook.name}`, LIMITS.messageText),
    blocks: fitBlocks(blocks, (n) => `${n} blocks summarised.`),
  };
}

function stepText(step: PlanStep): string {
  const flags = [step.mutating ? '⚠️' : '', step.gate ? '🔐' : '', step.rtoEnd ? '⏱️' : ''].join('');
  return `*${escapeMrkdwn(step.name ?? step.id)}* \`${step.action}\`${flags ? ` ${flags}` : ''}`;
}
