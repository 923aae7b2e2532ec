/**
 * What to type next for a run that waits on people, in the sim shell: for an approval gate, the
 * local users whose approval would still count (approvers of the gate, not the initiator unless
 * the gate allows it, not counted yet), so the printed `/as bob` then `approve …` can be typed
 * as it reads. The gate rules are the run's own (its runbook snapshot), as the engine applies.
 */
import { canonicalUser, sameUser } from '../../engine/identity.js';
import { type Directory, isAllowed, type RunStore } from '../../engine/ports.js';
import type { Run } from '../../engine/run.js';
import type { Runbook } from '../../engine/runbook/types.js';

export interface HintDeps {
  store: RunStore;
  directory: Directory;
  /** The shell's local users (`/as` switches between them). */
  users: readonly string[];
}

async function approversLeft(deps: HintDeps, run: Run, stepKey: string, gateName: string): Promise<string[]> {
  const runbook = await deps.store.getDoc<Runbook>('runbook', run.runbook.hash);
  const gate =
    runbook && Object.hasOwn(runbook.spec.approvals, gateName) ? runbook.spec.approvals[gateName] : undefined;
  if (!gate) return [];
  const counted = (await deps.store.getGate(run.id, stepKey))?.approvals ?? [];
  const left: string[] = [];
  for (const user of deps.users.map(canonicalUser)) {
    if (gate.excludeInitiator !== false && sameUser(user, run.initiator)) continue;
    if (counted.some((a) => sameUser(a.user, user))) continue;
    if (await isAllowed(user, gate.approvers, deps.directory)) left.push(user);
  }
  return left;
}

export async function waitingHint(deps: HintDeps, run: Run): Promise<string[]> {
  const short = run.id.slice(-6);
  const lines = [`⏳ run ${run.id} (${run.mode} of ${run.runbook.name}) waits on people:`];
  for (const [key, step] of Object.entries(run.steps)) {
    if (step.status !== 'waiting') continue;
    if (step.action === 'manual') {
      lines.push(`   ${key}: an operator confirms it is done → confirm ${short} ${key}`);
      continue;
    }
    const left = await approversLeft(deps, run, key, step.gate ?? key);
    const who = left[0] ?? '<approver>';
    const also = left.length > 1 ? ` (or ${left.slice(1).join(', ')})` : '';
    lines.push(`   ${key}: /as ${who}${also} then approve ${short} (or reject ${short} <reason>)`);
    if (left.length === 0)
      lines.push(
        `     no local user may still approve gate ${step.gate ?? key}: see spec.approvals in the runbook, or abort ${short}`,
      );
  }
  return lines;
}
