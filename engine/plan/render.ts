/** Plain-text rendering of a plan for the terminal (`drbot plan`). */
import { formatDuration } from '../duration.js';
import type { Plan, PlanPhase, PlanStep } from './plan.js';

function principals(approvers: { users: string[]; groups: string[] }): string {
  const parts = [
    ...approvers.users.map((u) => (u === '*' ? 'anyone' : `@${u}`)),
    ...approvers.groups.map((g) => `group ${g}`),
  ];
  return parts.join(', ') || 'nobody';
}

function stepLine(step: PlanStep): string {
  const flags = [
    step.mutating ? 'mutating' : '',
    step.launchType ? step.launchType : '',
    step.gate ? `gate ${step.gate}` : '',
    step.rtoEnd ? 'rto: end' : '',
    step.when ? `when ${step.when}` : '',
    step.onFailure !== 'abort' ? `on failure ${step.onFailure}` : '',
    step.retry ? `${step.retry.maxAttempts} attempts` : '',
  ].filter(Boolean);
  const name = step.name ? ` — ${step.name}` : '';
  return `    ${step.id} (${step.action}, ~${formatDuration(step.estimateMs)})${name}${flags.length ? ` [${flags.join(', ')}]` : ''}`;
}

function renderPhase(phase: PlanPhase): string[] {
  const byId = new Map(phase.steps.map((step) => [step.id, step]));
  const lines: string[] = [];
  phase.levels.forEach((ids, i) => {
    lines.push(`  level ${i + 1}${ids.length > 1 ? ' (parallel)' : ''}`);
    for (const id of ids) {
      const step = byId.get(id);
      if (step) lines.push(stepLine(step));
    }
  });
  return lines;
}

export function renderPlan(plan: Plan): string {
  const lines: string[] = [];
  lines.push(`Plan: ${plan.runbook.name} ${plan.mode} (${plan.direction.from} → ${plan.direction.to})`);
  lines.push(`  runbook ${plan.runbook.file} sha256 ${plan.runbook.hash.slice(0, 12)}`);
  const own = plan.objectives.overriddenBy ? ` (the ${plan.objectives.overriddenBy}'s own)` : '';
  lines.push(`  objectives RTO ${plan.objectives.rto}, RPO ${plan.objectives.rpo}${own}`);
  if (plan.rto.estimateMs !== undefined)
    lines.push(
      `  estimated RTO ~${formatDuration(plan.rto.estimateMs)} (to "${plan.rto.endStep}")${plan.rto.withinObjective ? '' : ' — EXCEEDS the objective'}`,
    );
  lines.push('', 'Steps');
  lines.push(...renderPhase(plan.main));
  lines.push(
    '',
    `Critical path (~${formatDuration(plan.main.criticalPath.estimateMs)}): ${plan.main.criticalPath.steps.join(' → ')}`,
  );
  lines.push('', 'Approval gates');
  if (plan.gates.length === 0) lines.push('  none');
  for (const gate of plan.gates)
    lines.push(
      `  ${gate.gate} (step ${gate.step}): ${gate.required} distinct approver(s) from ${principals(gate.approvers)}` +
        `${gate.excludeInitiator ? ', not the initiator' : ''}${gate.timeout ? `, times out after ${gate.timeout}` : ''}`,
    );
  lines.push('', `Mutating steps: ${plan.mutating.join(', ') || 'none'}`);
  lines.push('', 'On rollback');
  if (plan.rollback.length === 0) lines.push('  nothing to compensate');
  for (const undo of plan.rollback) lines.push(`  ${undo.step}: ${undo.action}`);
  lines.push('', 'Cleanup (always runs)');
  if (plan.cleanup.steps.length === 0) lines.push('  nothing');
  else lines.push(...renderPhase(plan.cleanup));
  return `${lines.join('\n')}\n`;
}
