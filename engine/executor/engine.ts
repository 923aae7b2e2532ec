/**
 * `createEngine`: the Engine every front end uses. Starting a run checks who may start it,
 * snapshots the runbook by content hash, takes the per-runbook lock for failover/failback and
 * persists the run; everything after that happens in `advance` (advance.ts).
 */
import type { Engine, EngineOptions, StartRunRequest } from '../api.js';
import { canonicalUser, sameUser } from '../identity.js';
import { isAllowed } from '../ports.js';
import { isTerminal, type Run, type StepState } from '../run.js';
import type { Mode, Runbook } from '../runbook/types.js';
import { checkStart, claimStart, dropClaim } from '../tier/machine.js';
import { applyEndedRun, reconcileTier, tierRefusedError, updateTier } from '../tier/store.js';
import { advanceRun } from './advance.js';
import { approve, confirmManual, reject } from './approvals.js';
import { appendEvents, nextEvent, publish, recoverOutbox, rememberAppendedOutbox } from './audit.js';
import { type EngineDeps, loadRun, loadRunbook, rememberRunbook, resolveDeps } from './deps.js';
import { abortNotAllowed, modeNotFound, runAlreadyEnded, runbookLocked, startNotAllowed } from './errors.js';
import { createIdFactory } from './ids.js';
import { DECLARED_AT_PARAM, initialMeasures, parseDeclaredAt } from './measures.js';
import { mutateRun } from './mutate.js';
import { checkStartParams } from './params.js';
import { assertRunbookProvider } from './provider.js';
import { CLEANUP_PREFIX } from './scheduling.js';
import { commitRun, getTier, reprotectTier, switchPoint } from './tier-ops.js';

/** Modes that change production and so must never run twice at once for one runbook. */
const LOCKED_MODES: readonly Mode[] = ['failover', 'failback'];

export function createEngine(options: EngineOptions): Engine {
  const deps = resolveDeps(options);
  const newId = createIdFactory(deps.clock, options.idEntropy ?? deps.random);
  return {
    startRun: (request) => startRun(deps, newId, request),
    advance: (runId, options) => advanceRun(deps, runId, options),
    approve: (runId, stepKey, user) => approve(deps, runId, stepKey, user),
    reject: (runId, stepKey, user, reason) => reject(deps, runId, stepKey, user, reason),
    confirmManual: (runId, stepKey, user) => confirmManual(deps, runId, stepKey, user),
    abort: (runId, by, reason) => abortRun(deps, runId, by, reason),
    getRun: (runId) => readRun(deps, runId),
    runbookOf: (run) => loadRunbook(deps, run),
    getTier: (runbook) => getTier(deps, runbook),
    commit: (runId, user) => commitRun(deps, runId, user),
    reprotect: (runbook, user, pass) => reprotectTier(deps, runbook, user, pass),
    switchPoint: (runId, point, user) =>
      switchPoint(deps, (request) => startRun(deps, newId, request), runId, point, user),
  };
}

function initialSteps(runbook: Runbook, mode: Mode): Record<string, StepState> {
  const spec = runbook.spec.modes[mode];
  const steps: Record<string, StepState> = {};
  for (const step of spec?.steps ?? []) {
    steps[step.id] = { id: step.id, phase: 'main', action: step.action, status: 'pending', attempt: 0 };
  }
  for (const step of spec?.cleanup ?? []) {
    steps[CLEANUP_PREFIX + step.id] = {
      id: step.id,
      phase: 'cleanup',
      action: step.action,
      status: 'pending',
      attempt: 0,
    };
  }
  return steps;
}

async function startRun(deps: EngineDeps, newId: () => string, request: StartRunRequest): Promise<Run> {
  const { runbook, mode } = request;
  const initiator = canonicalUser(request.initiator);
  // never start what this process would run on the wrong cloud
  assertRunbookProvider(runbook, deps.provider, `start a ${mode} of`);
  const name = runbook.metadata.name;
  const modes = Object.keys(runbook.spec.modes);
  if (!runbook.spec.modes[mode]) throw modeNotFound(name, mode, modes);
  const who = runbook.spec.access[mode];
  if (!(await isAllowed(initiator, who, deps.directory))) throw startNotAllowed(initiator, name, mode, who);
  const now = deps.clock.now();
  // unknown or ill-typed parameters, or a declaredAt out of its window: nothing starts
  const params = {
    ...checkStartParams(runbook, mode, request.params ?? {}, now),
    ...(request.engineParams ?? {}),
  };

  const clockNow = () => deps.clock.now();
  const tier = await reconcileTier(deps.store, runbook, clockNow);
  const refused = checkStart(tier, mode, params);
  if (refused) throw tierRefusedError(refused, { runbook: name, mode });
  const run: Run = {
    id: newId(),
    runbook: { name, hash: runbook.hash },
    mode,
    initiator,
    params,
    ...(deps.provider ? { provider: { ...deps.provider } } : {}),
    status: 'running',
    phase: 'main',
    createdAt: now,
    updatedAt: now,
    steps: initialSteps(runbook, mode),
    measures: initialMeasures(runbook, mode),
    meta: { ...(request.meta ?? {}) },
    version: 1,
    auditSeq: 0,
    ...(mode === 'drill' && tier.active.side === 'target' ? { direction: 'reverse' as const } : {}),
  };
  // The snapshot first: a run must never exist without the runbook it executes.
  await deps.store.putDoc('runbook', runbook.hash, runbook);
  rememberRunbook(deps, runbook.hash, runbook);
  if (LOCKED_MODES.includes(mode)) {
    // The tier claim makes the start exclusive: of two starts racing from one tier version,
    // one claim is written and the other re-reads, finds the claim and is refused.
    await updateTier(deps.store, runbook, clockNow, (tier) => {
      const again = checkStart(tier, mode, params);
      if (again) throw tierRefusedError(again, { runbook: name, mode });
      return claimStart(tier, run, clockNow());
    });
  }
  const unclaim = async () => {
    if (!LOCKED_MODES.includes(mode)) return;
    await updateTier(deps.store, runbook, clockNow, (t) => dropClaim(t, run.id, clockNow())).catch(
      () => undefined,
    );
  };
  if (LOCKED_MODES.includes(mode)) {
    const lock = `runbook:${name}`;
    let taken = await deps.store.acquireLock(lock, run.id, now);
    if (!taken.acquired) {
      // A worker can die after its run ended and before it released the lock: a lock held by an
      // ended run is stale, so free it (conditional on that holder) and try once more.
      const holder = await deps.store.getRun(taken.holder);
      if (holder && isTerminal(holder.status)) {
        await deps.store.releaseLock(lock, taken.holder);
        taken = await deps.store.acquireLock(lock, run.id, now);
      }
      if (!taken.acquired) {
        await unclaim();
        throw runbookLocked(name, taken.holder);
      }
    }
    run.lock = lock;
  }
  const started = nextEvent(run, now, 'run.started', {
    actor: initiator,
    message: `@${initiator} started a ${mode} of ${name}.${declaredNote(params)}`,
    data: { mode, params, runbook: run.runbook, ...(run.provider ? { provider: run.provider } : {}) },
  });
  run.pendingAudit = [started];
  try {
    await deps.store.createRun(run);
  } catch (err) {
    if (run.lock) await deps.store.releaseLock(run.lock, run.id).catch(() => undefined);
    await unclaim();
    throw err;
  }
  await appendEvents(deps.store, [started]);
  rememberAppendedOutbox(deps.appendedOutboxes, run.id, run.version);
  await publish(deps.notifier, run, [started]);
  return run;
}

/** The audit line of a declaredAt start: RTO is measured from it (the RPO gate never is). */
function declaredNote(params: Record<string, string>): string {
  const value = params[DECLARED_AT_PARAM];
  if (value === undefined) return '';
  return ` Disaster declared at ${new Date(parseDeclaredAt(value)).toISOString()} (declaredAt): RTO is measured from it.`;
}

async function abortRun(deps: EngineDeps, runId: string, by: string, reason?: string): Promise<Run> {
  const run = await loadRun(deps, runId);
  if (isTerminal(run.status)) throw runAlreadyEnded(runId, run.status);
  const runbook = await loadRunbook(deps, run);
  by = canonicalUser(by);
  const allowed = sameUser(by, run.initiator) || (await isAllowed(by, runbook.spec.owners, deps.directory));
  if (!allowed) throw abortNotAllowed(by, runId, run.initiator, runbook.spec.owners);
  if (run.abortRequested) return run;
  return mutateRun(deps, runId, (m) => {
    const { run: current } = m.s;
    if (current.abortRequested || isTerminal(current.status)) return;
    current.abortRequested = { by, at: m.s.now(), ...(reason ? { reason } : {}) };
    m.s.emit('run.abort-requested', {
      actor: by,
      message: `@${by} asked to abort the run${reason ? `: ${reason}` : ''}. Running steps are cancelled; cleanup still runs.`,
      data: reason ? { reason } : undefined,
    });
  });
}

/**
 * Resumers skip ended runs, so a worker that died between a run's final save and its audit append
 * would leave the last events only in the outbox: reading an ended run repairs that (one query).
 */
async function readRun(deps: EngineDeps, runId: string): Promise<Run> {
  const run = await loadRun(deps, runId);
  if (isTerminal(run.status)) {
    await publish(deps.notifier, run, await recoverOutbox(deps.store, run));
    const runbook = await loadRunbook(deps, run);
    await applyEndedRun(deps.store, runbook, run, () => deps.clock.now());
  }
  return run;
}
