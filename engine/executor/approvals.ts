/**
 * What people do to a waiting step: approve, reject, confirm. Each click is first one
 * conditional update on the gate item (the truth), then an audited run change. Every answer
 * tells the clicker whether it counted and why not.
 */
import type { ApprovalAnswer, ApprovalRefusal } from '../api.js';
import { canonicalUser, sameUser } from '../identity.js';
import { isAllowed } from '../ports.js';
import type { GateRecord, Run } from '../run.js';
import { type EngineDeps, loadRun, loadRunbook } from './deps.js';
import { manualNotAllowed, manualNotWaiting, stepNotFound } from './errors.js';
import { APPROVAL_ACTION, applyGateDecision, MANUAL_ACTION } from './gates.js';
import { specOf } from './machine.js';
import { mutateRun } from './mutate.js';
import { assertRunProvider } from './provider.js';
import { isStepTerminal } from './scheduling.js';

function refusal(reason: ApprovalRefusal, explanation: string, gate?: GateRecord): ApprovalAnswer {
  return { counted: false, reason, explanation, gate, opened: false, rejected: false };
}

interface Checked {
  run: Run;
  gateName: string;
}

/** Shared checks of approve and reject; returns a refusal or the run to act on. */
async function checkApprover(
  deps: EngineDeps,
  runId: string,
  stepKey: string,
  user: string,
  verb: 'approve' | 'reject',
): Promise<ApprovalAnswer | Checked> {
  user = canonicalUser(user);
  const run = await loadRun(deps, runId);
  assertRunProvider(run, deps.provider, verb);
  const step = run.steps[stepKey];
  if (!step) throw stepNotFound(runId, stepKey);
  if (step.action !== APPROVAL_ACTION) {
    return refusal('not-waiting', `Step ${stepKey} is not an approval step, so there is nothing to ${verb}.`);
  }
  if (step.status !== 'waiting') {
    return isStepTerminal(step.status)
      ? refusal('gate-closed', `Gate ${step.gate ?? stepKey} is closed: the step has already ${step.status}.`)
      : refusal('not-waiting', `Step ${stepKey} has not asked for approval yet (it is ${step.status}).`);
  }
  const runbook = await loadRunbook(deps, run);
  const gateName = step.gate ?? '';
  const gate = Object.hasOwn(runbook.spec.approvals, gateName) ? runbook.spec.approvals[gateName] : undefined;
  if (gate?.excludeInitiator !== false && sameUser(user, run.initiator)) {
    await auditRefusal(
      deps,
      runId,
      stepKey,
      user,
      `@${user} started this run, so their ${verb} does not count for gate ${gateName}.`,
    );
    return refusal(
      'initiator',
      `You started this run, and gate ${gateName} needs people other than the initiator. Ask another approver${verb === 'reject' ? ', or abort the run' : ''}.`,
    );
  }
  if (!(await isAllowed(user, gate?.approvers, deps.directory))) {
    await auditRefusal(deps, runId, stepKey, user, `@${user} is not an approver of gate ${gateName}.`);
    return refusal(
      'not-an-approver',
      `You are not an approver of gate ${gateName}, so your ${verb} does not count.`,
    );
  }
  return { run, gateName };
}

async function auditRefusal(
  deps: EngineDeps,
  runId: string,
  stepKey: string,
  user: string,
  message: string,
): Promise<void> {
  await mutateRun(deps, runId, (m) => {
    m.s.emit('approval.refused', { actor: user, stepKey, message });
  });
}

export async function approve(
  deps: EngineDeps,
  runId: string,
  stepKey: string,
  user: string,
): Promise<ApprovalAnswer> {
  user = canonicalUser(user);
  const checked = await checkApprover(deps, runId, stepKey, user, 'approve');
  if (!('run' in checked)) return checked;
  const write = await deps.store.recordApproval(runId, stepKey, user, deps.clock.now());
  const { gate } = write;
  if (!write.counted) {
    return write.reason === 'already-approved'
      ? refusal(
          'already-approved',
          `You already approved gate ${checked.gateName}; a second click changes nothing.`,
          gate,
        )
      : refusal(
          'gate-closed',
          `Gate ${checked.gateName} is already closed (${gate.decision?.outcome ?? 'decided'}).`,
          gate,
        );
  }
  await mutateRun(deps, runId, (m) => {
    m.s.emit('approval.recorded', {
      actor: user,
      stepKey,
      message: `@${user} approved gate ${gate.gate} (${gate.approvals.length} of ${gate.required}).`,
      data: { count: gate.approvals.length, required: gate.required },
    });
    if (write.opened) applyGateDecision(m.s, stepKey, specOf(m, stepKey), gate);
  });
  const missing = gate.required - gate.approvals.length;
  return {
    counted: true,
    explanation: write.opened
      ? `Your approval opened gate ${gate.gate} (${gate.approvals.length} of ${gate.required}); the run continues.`
      : `Your approval counted (${gate.approvals.length} of ${gate.required}); ${missing} more needed.`,
    gate,
    opened: write.opened,
    rejected: false,
  };
}

export async function reject(
  deps: EngineDeps,
  runId: string,
  stepKey: string,
  user: string,
  reason?: string,
): Promise<ApprovalAnswer> {
  user = canonicalUser(user);
  const checked = await checkApprover(deps, runId, stepKey, user, 'reject');
  if (!('run' in checked)) return checked;
  const decided = await deps.store.decideGate(runId, stepKey, {
    outcome: 'rejected',
    by: user,
    at: deps.clock.now(),
    ...(reason ? { reason } : {}),
  });
  if (!decided.applied) {
    return refusal(
      'gate-closed',
      `Gate ${checked.gateName} is already closed (${decided.gate.decision?.outcome ?? 'decided'}).`,
      decided.gate,
    );
  }
  await mutateRun(deps, runId, (m) => {
    applyGateDecision(m.s, stepKey, specOf(m, stepKey), decided.gate);
  });
  return {
    counted: true,
    explanation: `You rejected gate ${checked.gateName}; the step fails and the run follows its failure policy.`,
    gate: decided.gate,
    opened: false,
    rejected: true,
  };
}

/** Confirms a manual step: allowed for the runbook owners and whoever may start the mode. */
export async function confirmManual(
  deps: EngineDeps,
  runId: string,
  stepKey: string,
  user: string,
): Promise<Run> {
  user = canonicalUser(user);
  const run = await loadRun(deps, runId);
  assertRunProvider(run, deps.provider, 'confirm a step of');
  const step = run.steps[stepKey];
  if (!step) throw stepNotFound(runId, stepKey);
  if (step.action !== MANUAL_ACTION || step.status !== 'waiting')
    throw manualNotWaiting(runId, stepKey, step.status);
  const runbook = await loadRunbook(deps, run);
  const allowed =
    (await isAllowed(user, runbook.spec.owners, deps.directory)) ||
    (await isAllowed(user, runbook.spec.access[run.mode], deps.directory));
  if (!allowed) throw manualNotAllowed(user, stepKey, run.mode);
  const write = await deps.store.recordApproval(runId, stepKey, user, deps.clock.now());
  if (!write.counted && write.gate.decision?.outcome !== 'approved') {
    throw manualNotWaiting(runId, stepKey, write.gate.decision?.outcome ?? 'closed');
  }
  return mutateRun(deps, runId, (m) => {
    applyGateDecision(m.s, stepKey, specOf(m, stepKey), write.gate);
  });
}
