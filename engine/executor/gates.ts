/**
 * Engine-native waiting steps. `approval` and `manual` both wait on a gate item in the store:
 * approvals and confirmations are single conditional updates on it, and its decision (approved,
 * rejected, timed-out) is the truth that both the clicker and the advancing worker apply.
 */

import { formatDuration, parseDuration } from '../duration.js';
import type { UserFacingError } from '../errors.js';
import type { GateRecord } from '../run.js';
import type { StepSpec } from '../runbook/types.js';
import { describePrincipals } from './errors.js';
import { type Machine, specOf, stateOf } from './machine.js';
import type { RunSession } from './session.js';
import { failStep, succeedStep } from './transitions.js';

export const APPROVAL_ACTION = 'approval';
export const MANUAL_ACTION = 'manual';
/** Gate name recorded for manual steps (they need one confirmation). */
export const MANUAL_GATE = 'manual';

export function isGateAction(action: string): boolean {
  return action === APPROVAL_ACTION || action === MANUAL_ACTION;
}

function minDefined(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length > 0 ? Math.min(...defined) : undefined;
}

/** pending → waiting: opens the gate item (idempotent) and asks for approval/confirmation. */
export async function startGateStep(
  m: Machine,
  key: string,
  spec: StepSpec,
  inputs: Record<string, unknown>,
): Promise<void> {
  const { s, deps } = m;
  const step = stateOf(m, key);
  const now = s.now();
  const stepTimeout = spec.timeout ? parseDuration(spec.timeout) : undefined;
  let gateName = MANUAL_GATE;
  let required = 1;
  let timeoutMs = stepTimeout;
  if (spec.action === APPROVAL_ACTION) {
    gateName = String(inputs.gate ?? '');
    const gate = Object.hasOwn(s.runbook.spec.approvals, gateName)
      ? s.runbook.spec.approvals[gateName]
      : undefined;
    if (!gate) {
      step.attempt = 1;
      failStep(s, key, spec, {
        message: `Approval gate "${gateName}" is not declared.`,
        explanation: `Step ${key} asks for gate "${gateName}", but spec.approvals declares: ${Object.keys(s.runbook.spec.approvals).join(', ') || 'none'}.`,
        action: 'Fix the gate name in the runbook, or declare the gate under spec.approvals.',
        code: 'GATE_NOT_DECLARED',
      });
      return;
    }
    required = gate.required;
    timeoutMs = minDefined(gate.timeout ? parseDuration(gate.timeout) : undefined, stepTimeout);
  }
  await deps.store.openGate({ runId: s.run.id, stepKey: key, gate: gateName, required, approvals: [] });
  step.status = 'waiting';
  step.attempt = 1;
  step.startedAt ??= now;
  step.attemptStartedAt = now;
  step.gate = gateName;
  step.intent = { key: `${s.run.id}:${key}:1`, at: now, acknowledged: true };
  step.nextAt = timeoutMs === undefined ? undefined : now + timeoutMs;
  const data: Record<string, unknown> = { gate: gateName, required };
  if (timeoutMs !== undefined) data.timeoutMs = timeoutMs;
  if (spec.action === APPROVAL_ACTION) {
    const gate = Object.hasOwn(s.runbook.spec.approvals, gateName)
      ? s.runbook.spec.approvals[gateName]
      : undefined;
    data.approvers = gate?.approvers;
    data.excludeInitiator = gate?.excludeInitiator !== false;
    s.emit('approval.requested', {
      stepKey: key,
      message: `Gate ${gateName} needs ${required} approval${required === 1 ? '' : 's'} from ${describePrincipals(gate?.approvers)}${data.excludeInitiator ? ` other than @${s.run.initiator}` : ''}.`,
      data,
    });
  } else {
    data.instructions = inputs.instructions;
    s.emit('step.waiting', {
      stepKey: key,
      message: `Waiting for an operator to confirm: ${String(inputs.instructions ?? key)}`,
      data,
    });
  }
}

/**
 * For a waiting gate step during advance: reads the gate item, decides a due timeout (one
 * conditional write, so it cannot overwrite an approval that got there first), applies any decision.
 */
export async function checkGateStep(m: Machine, key: string): Promise<void> {
  const { s, deps } = m;
  const step = stateOf(m, key);
  let gate = await deps.store.getGate(s.run.id, key);
  if (!gate) return;
  if (!gate.decision && step.nextAt !== undefined && s.now() >= step.nextAt) {
    gate = (await deps.store.decideGate(s.run.id, key, { outcome: 'timed-out', by: 'drbot', at: s.now() }))
      .gate;
  }
  if (gate.decision) applyGateDecision(s, key, specOf(m, key), gate);
}

/** Moves a waiting step to where its gate's decision says. Returns false when nothing changed. */
export function applyGateDecision(
  s: RunSession,
  key: string,
  spec: StepSpec | undefined,
  gate: GateRecord,
): boolean {
  const step = s.run.steps[key];
  const decision = gate.decision;
  if (step?.status !== 'waiting' || !decision) return false;
  const manual = step.action === MANUAL_ACTION;
  if (decision.outcome === 'approved') {
    const approvers = gate.approvals.map((a) => a.user);
    if (manual) {
      s.emit('manual.confirmed', {
        actor: decision.by,
        stepKey: key,
        message: `@${decision.by} confirmed ${key} is done.`,
      });
    } else {
      s.emit('approval.granted', {
        actor: decision.by,
        stepKey: key,
        message: `Gate ${gate.gate} opened by ${approvers.map((u) => `@${u}`).join(' and ')}.`,
        data: { approvers },
      });
    }
    succeedStep(s, key, spec, {
      actor: decision.by,
      outputs: manual ? { confirmedBy: decision.by } : { approvers },
    });
    return true;
  }
  const error =
    decision.outcome === 'rejected'
      ? rejectedError(gate, decision)
      : timedOutError(gate, manual, step.nextAt, step.startedAt);
  s.emit(decision.outcome === 'rejected' ? 'approval.rejected' : 'approval.timed-out', {
    actor: decision.by,
    stepKey: key,
    message: error.message,
    error,
  });
  failStep(s, key, spec, error, decision.by);
  return true;
}

function rejectedError(gate: GateRecord, decision: NonNullable<GateRecord['decision']>): UserFacingError {
  return {
    message: `Gate ${gate.gate} rejected by @${decision.by}${decision.reason ? `: ${decision.reason}` : ''}.`,
    explanation: 'A reject by an allowed approver fails the gate, whatever approvals it had.',
    action: 'Talk to the approver, fix what they raised, then start a new run.',
    code: 'GATE_REJECTED',
  };
}

function timedOutError(
  gate: GateRecord,
  manual: boolean,
  deadline?: number,
  startedAt?: number,
): UserFacingError {
  const waited =
    deadline !== undefined && startedAt !== undefined ? ` after ${formatDuration(deadline - startedAt)}` : '';
  if (manual) {
    return {
      message: `Nobody confirmed the manual step${waited}.`,
      explanation: 'The step has a timeout, and it ran out before anyone confirmed the work was done.',
      action: 'Do the manual work and start a new run, or raise the step timeout.',
      code: 'MANUAL_TIMED_OUT',
    };
  }
  return {
    message: `Gate ${gate.gate} timed out${waited} with ${gate.approvals.length} of ${gate.required} approvals.`,
    explanation: 'Not enough distinct approvers approved before the gate timeout.',
    action: 'Line up the approvers and start a new run, or raise the gate timeout in spec.approvals.',
    code: 'GATE_TIMED_OUT',
  };
}
