/**
 * Tier operations that are not runs: read the state, commit an uncommitted failover, reprotect.
 * Each is a conditional tier write (tier/store.ts) plus an audit event on the run concerned, so
 * every choice is in a run's trail and reaches chat through the notifier.
 */

import { POINT_PARAM } from '../actions/support/choose-point.js';
import type { ReprotectPass, StartRunRequest } from '../api.js';
import { NotAllowedError } from '../errors.js';
import { isAllowed } from '../ports.js';
import type { Run } from '../run.js';
import type { ApprovalGate, Runbook } from '../runbook/types.js';
import {
  applyCommit,
  applyReprotect,
  commitRefusal,
  reprotectInventory,
  reprotectRefusal,
  SWITCH_FROM_PARAM,
  shortRun,
  siteLabel,
} from '../tier/machine.js';
import { reconcileTier, tierRefusedError, updateTier } from '../tier/store.js';
import type { TierState } from '../tier/types.js';
import { type EngineDeps, loadRun, loadRunbook } from './deps.js';
import { describePrincipals } from './errors.js';
import { DECLARED_AT_PARAM } from './measures.js';
import { mutateRun } from './mutate.js';

export function getTier(deps: EngineDeps, runbook: Runbook): Promise<TierState> {
  return reconcileTier(deps.store, runbook, () => deps.clock.now());
}

/** The gate the failover's first approval step names (the cutover gate), with its name. */
export function cutoverGateOf(runbook: Runbook): { name: string; gate?: ApprovalGate } {
  for (const step of runbook.spec.modes.failover?.steps ?? []) {
    const name = step.with?.gate;
    if (step.action === 'approval' && typeof name === 'string')
      return { name, gate: runbook.spec.approvals[name] };
  }
  return { name: 'cutover', gate: runbook.spec.approvals.cutover };
}

export async function commitRun(deps: EngineDeps, runId: string, user: string): Promise<TierState> {
  const run = await loadRun(deps, runId);
  const runbook = await loadRunbook(deps, run);
  const { name, gate } = cutoverGateOf(runbook);
  const approver = gate !== undefined && (await isAllowed(user, gate.approvers, deps.directory));
  const owner = gate === undefined && (await isAllowed(user, runbook.spec.owners, deps.directory));
  const initiatorAlone = gate?.excludeInitiator !== false && user === run.initiator;
  if (!(approver || owner) || initiatorAlone) {
    throw new NotAllowedError(`@${user} may not commit run ${shortRun(runId)} of ${runbook.metadata.name}.`, {
      code: 'COMMIT_NOT_ALLOWED',
      explanation: initiatorAlone
        ? `A commit makes the failover final, so like the ${name} gate it needs someone other than the initiator.`
        : `Commit is allowed to the approvers of the ${name} gate: ${describePrincipals(gate?.approvers ?? runbook.spec.owners)}.`,
      action: `Ask one of the ${name} approvers to type \`commit ${runId}\`.`,
      context: { runId, user },
    });
  }
  const now = () => deps.clock.now();
  const tier = await updateTier(deps.store, runbook, now, (t) => {
    const refused = commitRefusal(t, runId);
    if (refused) throw tierRefusedError(refused, { runId });
    return applyCommit(t, runId, user, now());
  });
  await mutateRun(deps, runId, (m) => {
    m.s.run.tierChoice = { kind: 'committed', by: user, at: m.s.now() };
    m.s.emit('tier.committed', {
      actor: user,
      message: `@${user} committed the failover: ${runbook.metadata.name} stays live in ${siteLabel(tier.active)}. Next: \`reprotect ${runbook.metadata.name}\`.`,
      data: { runbook: runbook.metadata.name, region: tier.active.region },
    });
  });
  return tier;
}

export async function reprotectTier(
  deps: EngineDeps,
  runbook: Runbook,
  user: string,
  pass?: ReprotectPass,
): Promise<TierState> {
  const allowed =
    (await isAllowed(user, runbook.spec.access.failback, deps.directory)) ||
    (await isAllowed(user, runbook.spec.owners, deps.directory));
  if (!allowed) {
    throw new NotAllowedError(`@${user} may not reprotect ${runbook.metadata.name}.`, {
      code: 'REPROTECT_NOT_ALLOWED',
      explanation: `Reprotect prepares the failback, so it is allowed to whoever may start one (${describePrincipals(runbook.spec.access.failback)}) and to the owners.`,
      action: 'Ask one of them to reprotect the tier.',
      context: { runbook: runbook.metadata.name, user },
    });
  }
  const now = () => deps.clock.now();
  const before = await reconcileTier(deps.store, runbook, now);
  const refused = reprotectRefusal(before);
  if (refused) throw tierRefusedError(refused, { runbook: runbook.metadata.name });
  const newest = pass ? await pass(reprotectInventory(before), before) : undefined;
  const tier = await updateTier(deps.store, runbook, now, (t) => {
    const again = reprotectRefusal(t);
    if (again) throw tierRefusedError(again, { runbook: runbook.metadata.name });
    return applyReprotect(t, newest, now());
  });
  const runId = tier.committed?.runId ?? tier.pendingCommit?.runId;
  if (runId) {
    await mutateRun(deps, runId, (m) => {
      m.s.emit('tier.reprotected', {
        actor: user,
        message: `@${user} reprotected ${runbook.metadata.name}: its ${tier.protection.inventory.length} instance(s) in ${siteLabel(tier.active)} are protected toward ${siteLabel(runbook.spec.source)}. Next: \`failback ${runbook.metadata.name}\`.`,
        data: { runbook: runbook.metadata.name, instances: tier.protection.inventory.length },
      });
    });
  }
  return tier;
}

/**
 * Switch the recovery point of an uncommitted failover: a new failover run of the same runbook
 * from `point`, with the old run's declaration time (so its RPO is measured against the same
 * moment and grows by exactly the points' difference). It passes its own cutover gate and health
 * checks; its runbook retires the old copies afterwards (`ec2.terminate` with
 * `ofRun: ${{ params.switchFrom }}`), and its success makes it the run that waits for `commit`.
 */
export async function switchPoint(
  deps: EngineDeps,
  start: (request: StartRunRequest) => Promise<Run>,
  runId: string,
  point: string,
  user: string,
): Promise<Run> {
  const run = await loadRun(deps, runId);
  const runbook = await loadRunbook(deps, run);
  const tier = await getTier(deps, runbook);
  if (tier.pendingCommit?.runId !== runId) {
    const refused = commitRefusal(tier, runId)!;
    throw tierRefusedError(
      {
        ...refused,
        code: 'TIER_NOTHING_TO_SWITCH',
        why: 'switch-point replaces the failover the tier waits to commit, and only that one.',
        next: tier.pendingCommit
          ? `Next: \`switch-point ${tier.pendingCommit.runId} <point>\`.`
          : `Next: nothing to switch; \`status ${tier.runbook}\` shows where it is live.`,
      },
      { runId },
    );
  }
  const { [SWITCH_FROM_PARAM]: _, ...params } = run.params;
  const next = await start({
    runbook,
    mode: 'failover',
    initiator: user,
    params: {
      ...params,
      [POINT_PARAM]: point,
      [DECLARED_AT_PARAM]: run.params[DECLARED_AT_PARAM] ?? String(run.createdAt),
    },
    engineParams: { [SWITCH_FROM_PARAM]: runId },
    meta: run.meta,
  });
  await mutateRun(deps, runId, (m) => {
    m.s.run.tierChoice = { kind: 'switched', by: user, at: m.s.now(), run: next.id, point };
    m.s.emit('tier.point-switch-requested', {
      actor: user,
      message: `@${user} asked to switch the recovery point to ${point}: run ${shortRun(next.id)} recovers from it; these copies are terminated once the new ones pass their health checks.`,
      data: { point, run: next.id },
    });
  });
  return next;
}
