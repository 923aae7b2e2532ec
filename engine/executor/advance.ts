/**
 * `advance(runId)`: the durable step machine. Under the run's lease it settles every decision it
 * can (abort, timeouts, gates, failure policy, ready steps, phases), saves intents, calls the
 * actions with bounded concurrency, applies their results, and repeats until nothing is in
 * flight. Then it reports when to come back (`wakeAt`). It never sleeps.
 */
import type { AdvanceOptions, AdvanceResult } from '../api.js';
import { parseDuration } from '../duration.js';
import { toUserFacing } from '../errors.js';
import { evaluateCondition } from '../expr/index.js';
import { isTerminal } from '../run.js';
import { applyEndedRun } from '../tier/store.js';
import {
  actionContext,
  applyOutcome,
  type CallOutcome,
  cancelAction,
  evaluateInputs,
  handlerFor,
  invoke,
  scopeOf,
} from './calls.js';
import { runCommitPolicy } from './commit-timer.js';
import { type EngineDeps, loadRun, openSession } from './deps.js';
import { leaseLost } from './errors.js';
import { checkGateStep, isGateAction, startGateStep } from './gates.js';
import { createMachine, type Machine, phaseHas } from './machine.js';
import { advancePhase, applyAbort, applyFailurePolicy } from './phases.js';
import { assertRunbookProvider, assertRunProvider } from './provider.js';
import { safetyRefusal } from './safety.js';
import { readiness } from './scheduling.js';
import { beginAttempt, cancelStep, failStep, skipStep } from './transitions.js';
import { type DeadlineOf, nextWake, statusFromCounts } from './wake.js';

export async function advanceRun(
  deps: EngineDeps,
  runId: string,
  options: AdvanceOptions = {},
): Promise<AdvanceResult> {
  const { store, clock, owner, leaseMs } = deps;
  if (!(await store.acquireLease(runId, owner, clock.now(), leaseMs))) {
    const run = await loadRun(deps, runId);
    return { status: run.status, run, advanced: false, wakeAt: nextWake(run) };
  }
  try {
    let renewedAt = clock.now();
    const renew = async (): Promise<boolean> => {
      renewedAt = clock.now();
      return store.acquireLease(runId, owner, renewedAt, leaseMs);
    };
    const s = await openSession(deps, runId, { confirmLease: renew });
    assertRunProvider(s.run, deps.provider, 'advance');
    assertRunbookProvider(s.runbook, deps.provider, 'advance');
    const m = createMachine(deps, s);
    if (options.wake !== undefined) pollNow(m);
    let failure: { error: unknown } | undefined;
    try {
      if (!isTerminal(s.run.status)) {
        // Undefined when no renewal is due: most waves need none, and not awaiting lets the
        // actions start before the background audit append of the save just made runs.
        await drive(m, () =>
          clock.now() - renewedAt > leaseMs / 3
            ? renew().then((ok) => {
                if (!ok) throw leaseLost(runId);
              })
            : undefined,
        );
      }
    } catch (error) {
      failure = { error };
    }
    // The trail is complete (or its outbox is saved for the next reader) before the lease goes.
    await s.flush().catch((error: unknown) => {
      failure ??= { error };
    });
    if (failure) throw failure.error;
    // The tier follows the run that changes it, right after the run's final save (reconciled
    // on read when a crash falls in between).
    if (isTerminal(s.run.status)) {
      await applyEndedRun(store, s.runbook, s.run, () => clock.now());
      // An ended failover may still wait for `commit`: its commit policy's deadline is a wake-up.
      const commitWake = await runCommitPolicy(deps, s);
      return {
        status: s.run.status,
        run: s.run,
        advanced: true,
        ...(commitWake ? { wakeAt: commitWake } : {}),
      };
    }
    return { status: s.run.status, run: s.run, advanced: true, wakeAt: nextWake(s.run, deadlines(m)) };
  } finally {
    await store.releaseLease(runId, owner).catch(() => undefined);
  }
}

/** A wake-up: every step waiting on its cloud operation polls in the first batch. */
function pollNow(m: Machine): void {
  const now = m.s.now();
  for (const [key, step] of Object.entries(m.s.run.steps)) {
    if (step.status === 'running' && step.intent?.acknowledged !== false && (step.nextAt ?? 0) > now) {
      step.nextAt = now;
      // Saved with the next change, as before; named so that a delta save carries it.
      m.s.changedStep(key);
    }
  }
}

function deadlines(m: Machine): DeadlineOf {
  return (key, step) => {
    const timeout = m.plan.get(key)?.spec.timeout;
    return timeout && step.startedAt !== undefined ? step.startedAt + parseDuration(timeout) : undefined;
  };
}

/**
 * How long results wait for the other calls started in the same batch, so they share one save.
 * Timers armed across a millisecond boundary fire a tick apart; without the window that is two
 * saves (on the critical path) instead of one. Negligible next to real cloud calls.
 */
const GROUP_COMMIT_WINDOW_MS = 2;

/** The loop: decide → save intents → call actions → apply results → decide again. */
async function drive(m: Machine, renewLease: () => Promise<void> | undefined): Promise<void> {
  /** In-flight step key → the batch it was started in. */
  const inflight = new Map<string, number>();
  const settled: { outcome: CallOutcome; batch: number }[] = [];
  let wake: (() => void) | undefined;
  const nextEvent = () => new Promise<void>((resolve) => (wake = resolve));
  for (let batch = 0; ; batch++) {
    await settle(m);
    const { calls, failed } = collectCalls(m, new Set(inflight.keys()));
    // Intents (and the results applied since the last save) are durable before any action runs;
    // their audit events follow in the background, in order (the outbox covers a crash).
    await m.s.commit({ deferAudit: true });
    const renewal = renewLease();
    if (renewal) await renewal;
    for (const call of calls) {
      inflight.set(call.key, batch);
      void call.run().then((outcome) => {
        const started = inflight.get(outcome.key) ?? batch;
        inflight.delete(outcome.key);
        settled.push({ outcome, batch: started });
        wake?.();
      });
    }
    // A step that failed before its call (bad inputs) may unblock decisions: settle again.
    if (inflight.size === 0 && settled.length === 0 && !failed) return;
    if (settled.length === 0 && inflight.size > 0) await nextEvent();
    wake = undefined;
    // Group commit: let calls that finish in the same moment land, so they share one save.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const batchMatesInFlight = () => {
      const batches = new Set(settled.map((s) => s.batch));
      for (const b of inflight.values()) if (batches.has(b)) return true;
      return false;
    };
    if (batchMatesInFlight()) {
      let windowOver = false;
      const timer = setTimeout(() => {
        windowOver = true;
        wake?.();
      }, GROUP_COMMIT_WINDOW_MS);
      while (!windowOver && batchMatesInFlight()) await nextEvent();
      clearTimeout(timer);
      wake = undefined;
    }
    for (const { outcome } of settled.splice(0)) applyOutcome(m, outcome);
  }
}

/** Runs decision passes until one changes nothing. */
async function settle(m: Machine): Promise<void> {
  for (let passes = 0; passes < 1000; passes++) {
    let changed = await applyAbort(m);
    changed = (await applyTimeouts(m)) || changed;
    changed = (await checkGates(m)) || changed;
    changed = (await applyFailurePolicy(m)) || changed;
    changed = (await startReady(m)) || changed;
    changed = (await advancePhase(m)) || changed;
    const { index } = m;
    const status = statusFromCounts(
      m.s.run,
      index.count('running') + index.count('retrying'),
      index.count('waiting'),
    );
    if (status !== m.s.run.status) {
      m.s.run.status = status;
      m.s.touch();
    }
    if (!changed || m.s.run.phase === 'done') return;
  }
}

const timeoutsOfPlan = new WeakMap<Machine['plan'], boolean>();
function planHasTimeouts(m: Machine): boolean {
  let has = timeoutsOfPlan.get(m.plan);
  if (has === undefined) {
    has = [...m.plan.values()].some((p) => p.spec.timeout !== undefined);
    timeoutsOfPlan.set(m.plan, has);
  }
  return has;
}

/** A step's `timeout` bounds the whole step, all attempts included, from its first start. */
async function applyTimeouts(m: Machine): Promise<boolean> {
  if (!planHasTimeouts(m)) return false;
  let changed = false;
  const now = m.s.now();
  const { phase, steps } = m.s.run;
  // Running steps and those pending a retry, in declaration order (the index keeps them).
  for (let p = m.index.next('active', phase, 0); p >= 0; p = m.index.next('active', phase, p + 1)) {
    const key = m.index.keys[p] as string;
    const step = steps[key];
    const spec = m.plan.get(key)?.spec;
    if (!step || !spec?.timeout || step.startedAt === undefined) continue;
    const limit = parseDuration(spec.timeout);
    if (now < step.startedAt + limit) continue;
    if (step.status === 'running') await cancelAction(m, key, step);
    failStep(m.s, key, spec, {
      message: `${key} timed out after ${spec.timeout} (attempt ${step.attempt}).`,
      explanation: `The step's timeout of ${spec.timeout} covers all its attempts, and it had not finished.`,
      action: 'Check the resource the step works on; raise the step timeout if it is normally this slow.',
      code: 'STEP_TIMED_OUT',
    });
    changed = true;
  }
  return changed;
}

async function checkGates(m: Machine): Promise<boolean> {
  if (!phaseHas(m, ['waiting'])) return false;
  let changed = false;
  const { phase } = m.s.run;
  for (let p = m.index.next('waiting', phase, 0); p >= 0; p = m.index.next('waiting', phase, p + 1)) {
    const key = m.index.keys[p] as string;
    await checkGateStep(m, key);
    changed = changed || m.s.run.steps[key]?.status !== 'waiting';
  }
  return changed;
}

/**
 * Starts ready steps of the current phase in declaration order, up to the concurrency limit.
 * It visits only pending steps that could move (the index's open set, and slot-only steps while
 * a slot is free), re-read after every change, so it takes the same decisions in the same order
 * as a scan of every step of the phase.
 */
async function startReady(m: Machine): Promise<boolean> {
  const { s, deps, index } = m;
  let changed = false;
  let running = index.count('running');
  let scope: ReturnType<typeof scopeOf> | undefined;
  const now = s.now();
  const phase = s.run.phase;
  for (
    let p = index.nextPending(phase, 0, running < deps.concurrency);
    p >= 0;
    p = index.nextPending(phase, p + 1, running < deps.concurrency)
  ) {
    const key = index.keys[p] as string;
    const step = s.run.steps[key];
    if (step?.status !== 'pending') continue;
    const planned = m.plan.get(key);
    if (!planned) continue;
    const state = readiness(s.run, planned);
    if (state === 'blocked') continue;
    if (state === 'unreachable') {
      const failed = planned.needs.filter((n) =>
        ['failed', 'cancelled'].includes(s.run.steps[n]?.status ?? ''),
      );
      cancelStep(s, key, `it needs ${failed.join(', ')}, which did not succeed`);
      changed = true;
      continue;
    }
    if (step.attempt > 0 && (step.nextAt ?? 0) > now) continue;
    const { spec } = planned;
    if (step.attempt === 0 && spec.when !== undefined) {
      scope ??= scopeOf(m);
      let pass: boolean;
      try {
        pass = evaluateCondition(spec.when, scope);
      } catch (err) {
        failStep(s, key, spec, toUserFacing(err));
        changed = true;
        continue;
      }
      if (!pass) {
        skipStep(s, key, `its condition \`${spec.when}\` is false`);
        changed = true;
        continue;
      }
    }
    if (isGateAction(spec.action)) {
      const evaluated = evaluateInputs(spec, () => (scope ??= scopeOf(m)));
      if ('error' in evaluated) failStep(s, key, spec, toUserFacing(evaluated.error));
      else await startGateStep(m, key, spec, evaluated.inputs);
      changed = true;
      continue;
    }
    if (running >= deps.concurrency) continue;
    const handler = handlerFor(m, spec);
    if (handler instanceof Error) {
      failStep(s, key, spec, toUserFacing(handler));
    } else {
      beginAttempt(s, key, spec);
      running++;
    }
    changed = true;
  }
  return changed;
}

interface PendingCall {
  key: string;
  run: () => Promise<CallOutcome>;
}

/**
 * Calls owed to running steps: `start` when the intent is not acknowledged (a new attempt, or a
 * crash left it unknown: the same idempotency key makes the retry safe), `poll` when due.
 */
function collectCalls(m: Machine, inflight: Set<string>): { calls: PendingCall[]; failed: boolean } {
  const { s } = m;
  const now = s.now();
  const calls: PendingCall[] = [];
  let failed = false;
  let scope: ReturnType<typeof scopeOf> | undefined;
  const { index } = m;
  // Running steps of any phase, in declaration order (the index keeps them).
  for (let p = index.next('running', 'main', 0); p >= 0; p = index.next('running', 'main', p + 1)) {
    const key = index.keys[p] as string;
    const step = s.run.steps[key];
    if (step?.status !== 'running' || inflight.has(key)) continue;
    const kind =
      step.intent && !step.intent.acknowledged ? 'start' : (step.nextAt ?? 0) <= now ? 'poll' : undefined;
    if (!kind) continue;
    const spec = m.plan.get(key)?.spec;
    if (!spec) continue;
    const handler = handlerFor(m, spec);
    if (handler instanceof Error) {
      failStep(s, key, spec, toUserFacing(handler));
      failed = true;
      continue;
    }
    const evaluated = evaluateInputs(spec, () => (scope ??= scopeOf(m)));
    if ('error' in evaluated) {
      failStep(s, key, spec, toUserFacing(evaluated.error));
      failed = true;
      continue;
    }
    const refusal = kind === 'start' ? safetyRefusal(m, key, evaluated.inputs) : undefined;
    if (refusal) {
      failStep(s, key, spec, toUserFacing(refusal));
      failed = true;
      continue;
    }
    const ctx = actionContext(m, key, step, evaluated.inputs);
    calls.push({ key, run: () => invoke(handler, kind, ctx) });
  }
  return { calls, failed };
}
