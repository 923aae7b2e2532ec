/**
 * The tier lifecycle as pure functions over `TierState`: which modes the state allows (and the
 * refusal that names the next step), and the state after a run starts, a run ends, a commit, a
 * reprotect or a protection pass. No I/O: the engine loads, applies and saves (tier/store.ts).
 *
 *   source-active ─failover→ (in flight) ─succeeded→ uncommitted ─commit→ target-active
 *        ▲                         │failed                 │switch-point (another failover run)
 *        │                         ▼                       ▼
 *        │                   source-active            uncommitted (new point)
 *        └─succeeded─ (in flight) ←failback─ reprotected ←reprotect─ target-active
 */
import type { Run } from '../run.js';
import type { Mode, Runbook } from '../runbook/types.js';
import type { ProtectedInstance, RecoveryPointRef, RunOutcome, TierRefusal, TierState } from './types.js';

/** The start parameter of a failover that replaces an uncommitted one (switch-point). */
export const SWITCH_FROM_PARAM = 'switchFrom';
/** How many ended runs `applied` remembers. */
const APPLIED_KEPT = 20;

/** The end of a run id, as people read it in chat. */
export function shortRun(runId: string): string {
  return `…${runId.slice(-4)}`;
}

export function initialTier(runbook: Runbook, now: number): TierState {
  const { source } = runbook.spec;
  return {
    runbook: runbook.metadata.name,
    version: 0,
    active: {
      side: 'source',
      region: source.region,
      ...(source.zone ? { zone: source.zone } : {}),
      since: now,
    },
    protection: { direction: 'source→target', state: 'protecting', inventory: [] },
    applied: [],
    updatedAt: now,
  };
}

/**
 * How people read a site in chat: its zone when it has one (a cross-zone pair is one region, so
 * "live in cn-hangzhou" would name both sides; the zone name carries the region), else its region.
 */
export function siteLabel(site: { region: string; zone?: string }): string {
  return site.zone ?? site.region;
}

/** Region of the side that is not active: where failover (or failback) recovers to. */
export function standbyRegion(tier: TierState, runbook: Runbook): string {
  return tier.active.side === 'source' ? runbook.spec.target.region : runbook.spec.source.region;
}

function refusal(code: string, state: string, why: string, next: string): TierRefusal {
  return { code, state, why, next };
}

/** Why the tier's state does not allow starting `mode` now, or undefined when it does. */
export function checkStart(
  tier: TierState,
  mode: Mode,
  params: Record<string, string> = {},
): TierRefusal | undefined {
  const name = tier.runbook;
  const live = `${name} is live in ${siteLabel(tier.active)}${tier.active.sinceRun ? ` since run ${shortRun(tier.active.sinceRun)}` : ''}.`;
  if (tier.inFlight) {
    const f = tier.inFlight;
    return refusal(
      'TIER_TRANSITION_IN_FLIGHT',
      `A ${f.mode} of ${name} (run ${shortRun(f.runId)}) is in flight.`,
      'A tier changes sites one run at a time: another run now would act on instances that one is still moving.',
      `Next: let it finish (\`status ${f.runId}\`) or \`abort ${f.runId}\`, then try again.`,
    );
  }
  const pending = tier.pendingCommit;
  if (pending) {
    if (mode === 'failover' && params[SWITCH_FROM_PARAM] === pending.runId) return undefined;
    // The commit window passed with `onTimeout: rollback`: failback undoes the cutover.
    if (mode === 'failback' && pending.rollbackDue) return undefined;
    if (pending.rollbackDue) {
      return refusal(
        'TIER_ROLLBACK_DUE',
        `${name} failed over to ${siteLabel(tier.active)} in run ${shortRun(pending.runId)}; nobody committed it within its commit timeout, so it is to be rolled back.`,
        'Its runbook says `spec.commit.onTimeout: rollback`: the tier goes back to its source before anything else starts.',
        `Next: \`failback ${name}\` (its approvals still apply; \`reprotect ${name}\` first if its failback launches from reprotected points), or \`commit ${pending.runId}\` to keep ${siteLabel(tier.active)}.`,
      );
    }
    return refusal(
      'TIER_UNCOMMITTED',
      `${name} failed over to ${siteLabel(tier.active)} in run ${shortRun(pending.runId)} and waits to be committed.`,
      'Until someone commits the failover (or switches it to another recovery point), its copies may still be replaced, so nothing else starts on the tier.',
      `Next: \`commit ${pending.runId}\`, or \`switch-point ${pending.runId} <point>\` to recover from an earlier point.`,
    );
  }
  if (mode === 'failover' && tier.active.side === 'target') {
    return refusal(
      'TIER_ALREADY_FAILED_OVER',
      live,
      'A failover moves a tier from its source to its target, and this one already runs on its target.',
      tier.protection.direction === 'target→source'
        ? `Next: \`failback ${name}\`.`
        : `Next: \`reprotect ${name}\`, then \`failback ${name}\`.`,
    );
  }
  if (mode === 'failback') {
    if (tier.active.side === 'source') {
      return refusal(
        'TIER_NOT_FAILED_OVER',
        live,
        'A failback returns a failed-over tier to its source, and this one runs on its source.',
        `Next: nothing to fail back; \`failover ${name}\` moves it to the target.`,
      );
    }
    if (tier.protection.direction !== 'target→source' || tier.protection.state !== 'protecting') {
      return refusal(
        'TIER_NOT_REPROTECTED',
        live,
        'A failback launches from recovery points of the copies that serve now, and only reprotect captures them toward the source.',
        `Next: \`reprotect ${name}\`, then \`failback ${name}\`.`,
      );
    }
  }
  return undefined;
}

/** The claim written before a failover/failback run is created: it makes the start exclusive. */
export function claimStart(
  tier: TierState,
  run: Pick<Run, 'id' | 'mode' | 'initiator'>,
  now: number,
): TierState {
  if (run.mode === 'drill') return tier;
  return {
    ...tier,
    inFlight: { runId: run.id, mode: run.mode, since: now, by: run.initiator },
    updatedAt: now,
  };
}

/** Drops a claim whose run was never created (its creation failed). */
export function dropClaim(tier: TierState, runId: string, now: number): TierState {
  if (tier.inFlight?.runId !== runId) return tier;
  const { inFlight: _, ...rest } = tier;
  return { ...rest, updatedAt: now };
}

/** Recovered instances of a run: what its successful `ec2.launch` steps launched. */
export function launchedInstances(run: Run): ProtectedInstance[] {
  const out: ProtectedInstance[] = [];
  for (const step of Object.values(run.steps)) {
    if (step.action !== 'ec2.launch' || step.status !== 'succeeded' || step.phase !== 'main') continue;
    const launched = (step.outputs?.instances ?? []) as { instanceId?: string; sourceInstanceId?: string }[];
    for (const l of launched) {
      if (l.instanceId) out.push({ instanceId: l.instanceId, sourceId: l.sourceInstanceId ?? l.instanceId });
    }
  }
  return out;
}

/** The original instance behind each id: a copy of a copy still names the first source. */
function originsOf(tier: TierState, instances: ProtectedInstance[]): ProtectedInstance[] {
  const origin = new Map(tier.protection.inventory.map((p) => [p.instanceId, p.sourceId]));
  for (const p of tier.pendingCommit?.instances ?? []) origin.set(p.instanceId, p.sourceId);
  return instances.map((i) => ({ instanceId: i.instanceId, sourceId: origin.get(i.sourceId) ?? i.sourceId }));
}

function outcomeOf(run: Run): RunOutcome {
  const rpo = run.measures.rpoMeasuredMs ?? run.measures.rpoClaimedMs;
  return {
    runId: run.id,
    outcome: run.status,
    at: run.endedAt ?? run.updatedAt,
    ...(run.measures.rtoMs !== undefined ? { rtoMs: run.measures.rtoMs } : {}),
    ...(rpo !== undefined ? { rpoMs: rpo } : {}),
  };
}

/** True when the state already reflects the end of this run. */
export function hasApplied(tier: TierState, runId: string): boolean {
  return tier.applied.includes(runId);
}

/** The point a failover launched from, when the run recorded it (`point` parameter or gate output). */
function pointOf(run: Run): RecoveryPointRef | undefined {
  for (const step of Object.values(run.steps)) {
    const chosen = step.outputs?.chosenPoint as RecoveryPointRef | undefined;
    if (step.status === 'succeeded' && chosen?.id) return chosen;
  }
  return undefined;
}

/** The state after a run ended (idempotent: a run already applied changes nothing). */
export function applyRunEnd(tier: TierState, run: Run, runbook: Runbook, now: number): TierState {
  const { source, target } = runbook.spec;
  if (hasApplied(tier, run.id)) return tier;
  const next: TierState = {
    ...tier,
    applied: [...tier.applied, run.id].slice(-APPLIED_KEPT),
    updatedAt: now,
  };
  if (tier.inFlight?.runId === run.id) delete next.inFlight;
  const outcome = outcomeOf(run);
  if (run.mode === 'drill') return { ...next, lastDrill: outcome };
  if (run.mode === 'failover') {
    next.lastFailover = outcome;
    if (run.status !== 'succeeded') return next;
    const previous = tier.pendingCommit;
    const point = pointOf(run);
    next.active = {
      side: 'target',
      region: target.region,
      ...(target.zone ? { zone: target.zone } : {}),
      sinceRun: run.id,
      since: now,
    };
    next.pendingCommit = {
      runId: run.id,
      since: now,
      instances: originsOf(tier, launchedInstances(run)),
      ...(point ? { point } : {}),
      ...(run.measures.rpoMeasuredMs !== undefined ? { rpoMeasuredMs: run.measures.rpoMeasuredMs } : {}),
      ...(run.measures.rpoClaimedMs !== undefined ? { rpoClaimedMs: run.measures.rpoClaimedMs } : {}),
      ...(previous ? { switchedFrom: [...(previous.switchedFrom ?? []), previous.runId] } : {}),
    };
    delete next.committed;
    next.protection = { ...tier.protection, state: 'none' };
    return next;
  }
  next.lastFailback = outcome;
  if (run.status !== 'succeeded') return next;
  next.active = {
    side: 'source',
    region: source.region,
    ...(source.zone ? { zone: source.zone } : {}),
    sinceRun: run.id,
    since: now,
  };
  delete next.committed;
  delete next.pendingCommit;
  // The failback copies are production now, one per original; without launches (a manual
  // failback) the originals are.
  const launched = originsOf(tier, launchedInstances(run));
  const originals = [...new Set(tier.protection.inventory.map((p) => p.sourceId))];
  next.protection = {
    direction: 'source→target',
    state: 'protecting',
    inventory: launched.length > 0 ? launched : originals.map((id) => ({ instanceId: id, sourceId: id })),
  };
  return next;
}

export function commitRefusal(tier: TierState, runId: string): TierRefusal | undefined {
  const pending = tier.pendingCommit;
  if (pending?.runId === runId) return undefined;
  if (pending) {
    return refusal(
      'TIER_COMMIT_OTHER_RUN',
      `${tier.runbook} waits for the commit of run ${shortRun(pending.runId)}, not ${shortRun(runId)}.`,
      'A commit accepts the failover the tier waits on, and only that one.',
      `Next: \`commit ${pending.runId}\`.`,
    );
  }
  return refusal(
    'TIER_NOTHING_TO_COMMIT',
    `${tier.runbook} has no uncommitted failover (live in ${siteLabel(tier.active)}).`,
    'A commit accepts a failover that succeeded and waits for it; none does.',
    tier.active.side === 'target' && !tier.committed
      ? `Next: \`status ${tier.runbook}\`.`
      : `Next: nothing to commit${tier.active.side === 'target' ? `; \`reprotect ${tier.runbook}\` is next` : ''}.`,
  );
}

/** Accepts the uncommitted failover: the target is live for good, nothing protects it yet. */
export function applyCommit(tier: TierState, runId: string, by: string, now: number): TierState {
  const pending = tier.pendingCommit;
  if (!pending || pending.runId !== runId) return tier;
  const { pendingCommit: _, ...rest } = tier;
  return {
    ...rest,
    committed: { runId, by, at: now },
    protection: { direction: 'source→target', state: 'none', inventory: pending.instances },
    updatedAt: now,
  };
}

export function reprotectRefusal(tier: TierState): TierRefusal | undefined {
  const name = tier.runbook;
  // A due rollback may reprotect first: a failback that launches from reprotected points needs them.
  if (tier.inFlight || (tier.pendingCommit && !tier.pendingCommit.rollbackDue))
    return checkStart(tier, 'drill');
  if (tier.active.side !== 'target' || !(tier.committed || tier.pendingCommit?.rollbackDue)) {
    return refusal(
      'TIER_NOTHING_TO_REPROTECT',
      `${name} is live in ${siteLabel(tier.active)} and protected ${tier.protection.direction}.`,
      'Reprotect turns protection around after a committed failover, and this tier has none to follow.',
      'Next: nothing to do now.',
    );
  }
  return undefined;
}

/** Protection reversed: the recovered instances on the target are now protected toward the source. */
export function applyReprotect(
  tier: TierState,
  newestPoint: RecoveryPointRef | undefined,
  now: number,
): TierState {
  return {
    ...tier,
    protection: {
      direction: 'target→source',
      state: 'protecting',
      inventory: reprotectInventory(tier),
      ...(newestPoint ? { newestPoint } : {}),
    },
    updatedAt: now,
  };
}

/** What reprotect protects: the committed copies, or those of a failover whose rollback is due. */
export function reprotectInventory(tier: TierState): ProtectedInstance[] {
  return !tier.committed && tier.pendingCommit?.rollbackDue
    ? tier.pendingCommit.instances
    : tier.protection.inventory;
}

/** A protection pass on the active side: its inventory (originals only) and newest point. */
export function applyProtectPass(
  tier: TierState,
  inventory: ProtectedInstance[],
  newestPoint: RecoveryPointRef | undefined,
  now: number,
): TierState {
  return {
    ...tier,
    protection: {
      ...tier.protection,
      inventory,
      ...(newestPoint ? { newestPoint } : {}),
    },
    updatedAt: now,
  };
}
