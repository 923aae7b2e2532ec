/**
 * Run-level policy: what a failed step does to the rest of the run (onFailure), how the run
 * moves main → rollback → cleanup → done, and how it ends. Everything is derived from the
 * stored step states, so a resumed worker takes exactly the same decisions.
 */
import { formatDuration } from '../duration.js';
import type { RunPhase, RunStatus } from '../run.js';
import { cancelAction } from './calls.js';
import { type Machine, phaseHas, phaseSteps, replan, specOf } from './machine.js';
import { recordRunEnd } from './measures.js';
import { COMPENSATE_PREFIX, isStepTerminal, modeOf, rollbackOrder } from './scheduling.js';
import { cancelStep } from './transitions.js';

/** Cancels every unfinished step of the current phase (abort request, or abort/rollback policy). */
async function cancelPhase(m: Machine, reason: string, actor?: string): Promise<boolean> {
  let changed = false;
  for (const [key, step] of phaseSteps(m)) {
    if (isStepTerminal(step.status)) continue;
    if (step.status === 'running') await cancelAction(m, key, step);
    cancelStep(m.s, key, reason, actor);
    changed = true;
  }
  return changed;
}

/** An abort request stops the main steps and any rollback; cleanup still runs in full. */
export async function applyAbort(m: Machine): Promise<boolean> {
  const { run } = m.s;
  const request = run.abortRequested;
  if (!request || (run.phase !== 'main' && run.phase !== 'rollback')) return false;
  return cancelPhase(
    m,
    `the run was aborted by @${request.by}${request.reason ? ` (${request.reason})` : ''}`,
    request.by,
  );
}

/** Failed main steps in declaration order (the index keeps them: no scan of every step). */
function* failedMainSteps(m: Machine): Generator<string> {
  const { index } = m;
  for (let p = index.next('failed', 'main', 0); p >= 0; p = index.next('failed', 'main', p + 1)) {
    yield index.keys[p] as string;
  }
}

/** The first failed main step whose onFailure stops the others (abort or rollback). */
function haltingFailure(m: Machine): string | undefined {
  for (const key of failedMainSteps(m)) {
    const policy = specOf(m, key)?.onFailure ?? 'abort';
    if (policy === 'abort' || policy === 'rollback') return key;
  }
  return undefined;
}

/**
 * onFailure abort/rollback: stop starting main steps and cancel the running ones. `continue`
 * needs nothing here: dependants become unreachable and independent branches carry on.
 */
export async function applyFailurePolicy(m: Machine): Promise<boolean> {
  if (m.s.run.phase !== 'main' || !phaseHas(m, ['failed'], 'main')) return false;
  const key = haltingFailure(m);
  if (key === undefined) return false;
  const policy = specOf(m, key)?.onFailure ?? 'abort';
  return cancelPhase(m, `step ${key} failed and its onFailure is ${policy}`);
}

function needsRollback(m: Machine): boolean {
  if (m.s.run.abortRequested) return false;
  for (const key of failedMainSteps(m)) if (specOf(m, key)?.onFailure === 'rollback') return true;
  return false;
}

function phaseDone(m: Machine, phase: RunPhase): boolean {
  return m.index.unfinished(phase) === 0;
}

/** Moves to the next phase when the current one has nothing left to do. */
export async function advancePhase(m: Machine): Promise<boolean> {
  const { run } = m.s;
  if (run.phase === 'done' || !phaseDone(m, run.phase)) return false;
  if (run.phase === 'main' && needsRollback(m)) {
    const mode = modeOf(m.s.runbook, run.mode);
    const order = rollbackOrder(run, mode);
    for (const id of order) {
      const action = mode.steps.find((s) => s.id === id)?.compensate?.action ?? '';
      run.steps[COMPENSATE_PREFIX + id] = { id, phase: 'compensate', action, status: 'pending', attempt: 0 };
    }
    replan(m);
    enterPhase(
      m,
      'rollback',
      `Rolling back ${order.length} completed step(s), newest first: ${order.join(', ') || 'none'}.`,
    );
    return true;
  }
  if ((run.phase === 'main' || run.phase === 'rollback') && phaseSteps(m, 'cleanup').length > 0) {
    enterPhase(m, 'cleanup', 'Running cleanup (it always runs, whatever the outcome).');
    return true;
  }
  await finishRun(m);
  return true;
}

function enterPhase(m: Machine, phase: RunPhase, message: string): void {
  m.s.run.phase = phase;
  m.s.emit('phase.changed', { message, data: { phase } });
}

function outcomeOf(m: Machine): RunStatus {
  const { run } = m.s;
  if (run.abortRequested) return 'aborted';
  const failed = Object.values(run.steps).some(
    (step) => step.status === 'failed' && (step.phase === 'main' || step.phase === 'compensate'),
  );
  return failed ? 'failed' : 'succeeded';
}

/** Ends the run: status, measures, lock released (before the save: a retry releases again). */
async function finishRun(m: Machine): Promise<void> {
  const { run } = m.s;
  const now = m.s.now();
  const status = outcomeOf(m);
  run.phase = 'done';
  run.status = status;
  run.endedAt = now;
  recordRunEnd(run, now);
  if (run.lock) await m.deps.store.releaseLock(run.lock, run.id);
  const failedSteps = Object.entries(run.steps)
    .filter(([, step]) => step.status === 'failed')
    .map(([key]) => key);
  const cleanupFailed = failedSteps.filter((key) => run.steps[key]?.phase === 'cleanup');
  const rto =
    run.measures.rtoMs === undefined
      ? ''
      : ` RTO ${formatDuration(run.measures.rtoMs)} (objective ${formatDuration(run.measures.objectives.rtoMs)}).`;
  const verb = status === 'succeeded' ? 'succeeded' : status === 'aborted' ? 'was aborted' : 'failed';
  const failures =
    status === 'failed'
      ? ` Failed: ${failedSteps.filter((k) => !cleanupFailed.includes(k)).join(', ')}.`
      : '';
  const cleanup =
    cleanupFailed.length > 0
      ? ` Cleanup failed: ${cleanupFailed.join(', ')} — check for leftover resources.`
      : '';
  // The tier now waits for the operator's choice (engine/tier/): say which, where they look.
  const next =
    status === 'succeeded' && run.mode === 'failover'
      ? ` The failover is live and UNCOMMITTED. Next: \`commit ${run.id}\`, or \`switch-point ${run.id} <point>\` (\`points ${run.runbook.name}\` lists them).`
      : status === 'succeeded' && run.mode === 'failback'
        ? ` ${run.runbook.name} is live in its source region again, protected source→target.`
        : '';
  m.s.emit(`run.${status}` as 'run.succeeded' | 'run.failed' | 'run.aborted', {
    message: `Run ${verb}.${failures}${rto}${cleanup}${next}`,
    data: { measures: run.measures, failedSteps, cleanupFailed },
  });
}
