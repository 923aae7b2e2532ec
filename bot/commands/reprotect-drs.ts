/**
 * `reprotect <tier>` for a `spec.protect.method: drs` tier: instead of snapshot copies, reverse
 * DRS replication of the committed failover's recovery instances (ReverseReplication, skipped for
 * instances already reversed) and wait until every reversed source server is in continuous
 * replication. The failback then launches from those servers. The tier refuses a reprotect
 * without a committed failover before this pass runs (engine/executor/tier-ops.ts).
 */
import {
  progressOf,
  reversedProgress,
  reverseRecoveryInstances,
} from '../../engine/actions/drs/reverse-core.js';
import type { ReplicationPort } from '../../engine/cloud/replication.js';
import { DrbotError } from '../../engine/errors.js';
import type { RunStore } from '../../engine/ports.js';
import type { Run } from '../../engine/run.js';
import type { Runbook } from '../../engine/runbook/types.js';
import type { RecoveryPointRef, TierState } from '../../engine/tier/types.js';

/** How long reprotect waits for continuous replication, and how often it looks. */
const REVERSE_TIMEOUT_MS = 30 * 60_000;
const REVERSE_POLL_MS = 5_000;

export interface DrsTierCloud {
  replication: ReplicationPort;
  store: Pick<RunStore, 'getRun'>;
  now: () => number;
  /** Waits between polls. @default setTimeout */
  wait?: (ms: number) => Promise<void>;
}

/** The recovery instances the run's successful main-phase drs.launch steps launched. */
export function recoveredByRun(run: Run): string[] {
  const ids: string[] = [];
  for (const step of Object.values(run.steps)) {
    if (step.action !== 'drs.launch' || step.status !== 'succeeded' || step.phase !== 'main') continue;
    ids.push(...((step.outputs?.recoveryInstanceIds ?? []) as string[]));
  }
  return ids;
}

function nothingToReverse(runbook: Runbook, runId: string, live: string): DrbotError {
  return new DrbotError(`Reprotect of ${runbook.metadata.name} found nothing to reverse.`, {
    code: 'DRS_NOTHING_TO_REVERSE',
    explanation: `The committed failover (run ${runId}) has no live, non-drill DRS recovery instance in ${live}.`,
    action: `Check the failover's recovery instances in the DRS console of ${live}; reprotect needs them running.`,
    context: { runbook: runbook.metadata.name, runId, region: live },
  });
}

/** One reverse-replication pass; returns the newest point-in-time snapshot of the reversed servers. */
export async function drsReprotectPass(
  deps: DrsTierCloud,
  runbook: Runbook,
  tier: TierState,
): Promise<RecoveryPointRef | undefined> {
  const { replication } = deps;
  const live = runbook.spec.target.region;
  const origin = runbook.spec.source.region;
  const runId = tier.committed?.runId ?? '';
  const run = runId ? await deps.store.getRun(runId) : undefined;
  const named = run ? recoveredByRun(run) : [];
  const described = await replication.recoveryInstances(live, named.length > 0 ? named : undefined);
  const ids = described
    .filter((ri) => !ri.isDrill && ri.ec2State !== 'terminated')
    .map((ri) => ri.recoveryInstanceId);
  if (ids.length === 0) throw nothingToReverse(runbook, runId, live);
  const { reversed } = await reverseRecoveryInstances(
    replication,
    ids,
    { live, origin },
    { runId, mode: 'failback' },
  );
  const wait = deps.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = deps.now() + REVERSE_TIMEOUT_MS;
  let progress = await reversedProgress(replication, origin, reversed);
  while (progress.waiting > 0 && deps.now() < deadline) {
    await wait(REVERSE_POLL_MS);
    progress = await reversedProgress(replication, origin, reversed);
  }
  if (progress.waiting > 0) {
    const states = progress.servers.map((s) => `${s.sourceServerId}: ${progressOf(s)}`).join(', ');
    throw new DrbotError(`Reverse replication of ${runbook.metadata.name} is not continuous yet.`, {
      code: 'DRS_REVERSE_NOT_CONTINUOUS',
      explanation: `Replication ${live} → ${origin} was reversed for ${reversed.length} server(s), but after ${REVERSE_TIMEOUT_MS / 60_000} minutes not all are in continuous replication (${states || 'not reported yet'}).`,
      action: `Type \`reprotect ${runbook.metadata.name}\` again later: servers already reversed are not reversed twice.`,
      context: { runbook: runbook.metadata.name, reversed: reversed.join(',') },
    });
  }
  let newest: RecoveryPointRef | undefined;
  for (const id of reversed) {
    const [top] = await replication.recoverySnapshots(id, origin);
    if (top && (!newest || top.takenAt > newest.capturedAt))
      newest = { id: top.snapshotId, capturedAt: top.takenAt, region: origin };
  }
  return newest;
}

/** The replication port of this process, or why a drs tier cannot be reprotected here. */
export function replicationFor(
  runbook: Runbook,
  readiness: { replication?: ReplicationPort },
): ReplicationPort {
  if (readiness.replication) return readiness.replication;
  throw new DrbotError(`Reprotect of ${runbook.metadata.name} cannot run here.`, {
    code: 'CAPABILITY_NOT_WIRED',
    explanation: `${runbook.metadata.name} is protected by Elastic Disaster Recovery (spec.protect.method: drs), and this drbot process has no replication adapter.`,
    action: 'Run it from `drbot shell` or `drbot serve`, which wire the replication capability.',
    context: { runbook: runbook.metadata.name },
  });
}
