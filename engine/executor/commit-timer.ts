/**
 * The commit policy's timer (`spec.commit`, tier/commit-policy.ts), driven like an approval
 * timeout: `advance` of an ended failover that waits for `commit` returns the window's end as
 * its `wakeAt`, so the local driver's timer (or the SQS worker's delayed message chain) calls
 * `advance` again then; at or after the deadline this applies `onTimeout` with a conditional tier
 * write and puts the choice in the failover run's audit trail, under the lease `advance` holds.
 */
import { formatDuration, parseDuration } from '../duration.js';
import { applyCommitTimeout, commitDeadline, DRBOT_ACTOR } from '../tier/commit-policy.js';
import { shortRun, siteLabel } from '../tier/machine.js';
import { readTier, updateTier } from '../tier/store.js';
import type { EngineDeps } from './deps.js';
import type { RunSession } from './session.js';

/** Applies a due commit timeout; returns when to come back (the deadline), or undefined. */
export async function runCommitPolicy(deps: EngineDeps, s: RunSession): Promise<number | undefined> {
  const { run, runbook } = s;
  const policy = runbook.spec.commit;
  if (!policy || run.mode !== 'failover' || run.status !== 'succeeded') return undefined;
  const now = () => deps.clock.now();
  const deadline = commitDeadline(await readTier(deps.store, runbook, now()), runbook, run.id);
  if (deadline === undefined) return undefined;
  if (now() < deadline) return deadline;
  let changed = false;
  const tier = await updateTier(deps.store, runbook, now, (t) => {
    const next = applyCommitTimeout(t, runbook, run.id, now());
    changed = next !== t;
    return next;
  });
  if (!changed) return undefined;
  const name = runbook.metadata.name;
  const waited = formatDuration(parseDuration(policy.timeout));
  const data = { runbook: name, region: tier.active.region, timeout: policy.timeout, deadline };
  if (policy.onTimeout === 'commit') {
    run.tierChoice = { kind: 'committed', by: DRBOT_ACTOR, at: now() };
    s.emit('tier.committed', {
      actor: DRBOT_ACTOR,
      message: `drbot committed the failover after its commit timeout of ${waited} (spec.commit.onTimeout: commit): ${name} stays live in ${siteLabel(tier.active)}. Next: \`reprotect ${name}\`.`,
      data: { ...data, auto: true },
    });
  } else {
    s.emit('tier.commit-timed-out', {
      actor: DRBOT_ACTOR,
      message: `Nobody committed run ${shortRun(run.id)} within ${waited}; spec.commit.onTimeout is rollback, so ${name} must return to ${siteLabel(runbook.spec.source)}. drbot changes no production on its own. Next: \`failback ${name}\` (its approvals apply; \`reprotect ${name}\` first when its failback launches from reprotected points), or \`commit ${run.id}\` to keep ${siteLabel(tier.active)}.`,
      data: { ...data, onTimeout: 'rollback' },
    });
  }
  await s.commit();
  return undefined;
}
