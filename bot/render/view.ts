/**
 * A render-ready snapshot of a run: progress, current step, clocks, waiting approvals, failures
 * and the final measures. Slack blocks and terminal text are both drawn from this one view, so
 * the two front ends always show the same facts.
 */
import type { Engine } from '../../engine/api.js';
import { isDuration, parseDuration } from '../../engine/duration.js';
import type { Clock, RunStore } from '../../engine/ports.js';
import { type GateRecord, isTerminal, type Run, type StepState } from '../../engine/run.js';
import type { ApprovalGate, Principals, Runbook } from '../../engine/runbook/types.js';

export interface GateView {
  stepKey: string;
  gate: string;
  required: number;
  approvals: { user: string; at: number }[];
  decision?: GateRecord['decision'];
  /** When the gate times out (the step's start + the gate's `timeout`), epoch ms. */
  expiresAt?: number;
  approvers?: Principals;
  excludeInitiator: boolean;
  description?: string;
}

export interface RunView {
  run: Run;
  /** The runbook snapshot the run executes, when it could be loaded (step names, owners). */
  runbook?: Runbook;
  /** Main-phase steps (what the progress bar counts). */
  total: number;
  /** Main steps that ended, whatever the outcome. */
  done: number;
  /** Main steps by outcome: a cancelled or skipped step is not progress. */
  counts: { succeeded: number; failed: number; skipped: number; cancelled: number };
  /** Steps running or waiting now, in runbook order. */
  current: StepState[];
  elapsedMs: number;
  /** The time the view was built at (deadlines count down from it). */
  now: number;
  rto: { targetMs: number; soFarMs: number; measuredMs?: number };
  rpo: { targetMs: number; claimedMs?: number; measuredMs?: number };
  /** Approval gates a person must act on now. */
  waiting: GateView[];
  /** Gates already decided, with who approved and when (status message and summary). */
  decided: GateView[];
  /** Manual steps waiting for an operator to confirm they are done. */
  manual: { stepKey: string; instructions?: string }[];
  failed: StepState[];
  cleanup: { total: number; succeeded: number; failed: number; state: CleanupState };
  owners?: Principals;
  terminal: boolean;
  /** A failover that cut over and waits for Commit or Switch recovery point (engine/tier/). */
  uncommitted: boolean;
}

export type CleanupState = 'none' | 'pending' | 'running' | 'succeeded' | 'failed';

const FINISHED = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

/** Steps of one phase, in the order they appear in the run (the runbook order). */
export function stepsOf(run: Run, phase: StepState['phase']): [string, StepState][] {
  return Object.entries(run.steps).filter(([, s]) => s.phase === phase);
}

export function buildRunView(
  run: Run,
  context: { runbook?: Runbook; gates?: GateRecord[]; now: number },
): RunView {
  const main = stepsOf(run, 'main');
  const cleanup = stepsOf(run, 'cleanup');
  const all = Object.entries(run.steps);
  const current = all.filter(([, s]) => s.status === 'running' || s.status === 'waiting').map(([, s]) => s);
  const end = run.endedAt ?? context.now;
  const gates = new Map((context.gates ?? []).map((g) => [g.stepKey, g]));
  const waiting: GateView[] = [];
  const decided: GateView[] = [];
  const manual: RunView['manual'] = [];
  for (const [key, step] of all) {
    const record = gates.get(key);
    if (step.status !== 'waiting') {
      if (step.gate && record?.decision) decided.push(gateView(key, step.gate, context.runbook, record));
      continue;
    }
    if (step.action === 'manual') manual.push(manualView(key, step, run, context.runbook));
    else if (step.gate) waiting.push(gateView(key, step.gate, context.runbook, record, step.startedAt));
  }
  const cleanupDone = cleanup.filter(([, s]) => FINISHED.has(s.status)).length;
  const cleanupFailed = cleanup.filter(([, s]) => s.status === 'failed').length;
  return {
    run,
    ...(context.runbook ? { runbook: context.runbook } : {}),
    total: main.length,
    done: main.filter(([, s]) => FINISHED.has(s.status)).length,
    counts: {
      succeeded: main.filter(([, s]) => s.status === 'succeeded').length,
      failed: main.filter(([, s]) => s.status === 'failed').length,
      skipped: main.filter(([, s]) => s.status === 'skipped').length,
      cancelled: main.filter(([, s]) => s.status === 'cancelled').length,
    },
    current,
    elapsedMs: Math.max(0, end - run.createdAt),
    now: context.now,
    rto: {
      targetMs: run.measures.objectives.rtoMs,
      soFarMs: run.measures.rtoMs ?? Math.max(0, end - run.createdAt),
      ...(run.measures.rtoMs === undefined ? {} : { measuredMs: run.measures.rtoMs }),
    },
    rpo: {
      targetMs: run.measures.objectives.rpoMs,
      // A point newer than the declaration (failback reads the fresh side) is no data loss, not
      // a negative one.
      ...(run.measures.rpoClaimedMs === undefined
        ? {}
        : { claimedMs: Math.max(0, run.measures.rpoClaimedMs) }),
      ...(run.measures.rpoMeasuredMs === undefined ? {} : { measuredMs: run.measures.rpoMeasuredMs }),
    },
    waiting,
    decided,
    manual,
    failed: all.filter(([, s]) => s.status === 'failed').map(([, s]) => s),
    cleanup: {
      total: cleanup.length,
      succeeded: cleanup.filter(([, s]) => s.status === 'succeeded').length,
      failed: cleanupFailed,
      state:
        cleanup.length === 0
          ? 'none'
          : cleanupFailed > 0 && cleanupDone === cleanup.length
            ? 'failed'
            : cleanupDone === cleanup.length
              ? 'succeeded'
              : cleanup.some(([, s]) => s.status !== 'pending')
                ? 'running'
                : 'pending',
    },
    ...(context.runbook?.spec.owners ? { owners: context.runbook.spec.owners } : {}),
    terminal: isTerminal(run.status),
    uncommitted: run.mode === 'failover' && run.status === 'succeeded' && run.tierChoice === undefined,
  };
}

function manualView(
  key: string,
  step: StepState,
  run: Run,
  runbook: Runbook | undefined,
): RunView['manual'][number] {
  const spec = runbook?.spec.modes[run.mode]?.steps.find((s) => s.id === step.id);
  const instructions = spec?.with.instructions;
  return typeof instructions === 'string' ? { stepKey: key, instructions } : { stepKey: key };
}

/** The gate's rules from the runbook merged with its stored decisions. */
export function gateView(
  stepKey: string,
  gateName: string,
  runbook: Runbook | undefined,
  record: GateRecord | undefined,
  startedAt?: number,
): GateView {
  const spec: ApprovalGate | undefined = runbook?.spec.approvals[gateName];
  const timeoutMs = spec?.timeout && isDuration(spec.timeout) ? parseDuration(spec.timeout) : undefined;
  return {
    stepKey,
    gate: gateName,
    required: record?.required ?? spec?.required ?? 1,
    approvals: record?.approvals ?? [],
    ...(record?.decision ? { decision: record.decision } : {}),
    ...(startedAt !== undefined && timeoutMs !== undefined ? { expiresAt: startedAt + timeoutMs } : {}),
    ...(spec?.approvers ? { approvers: spec.approvers } : {}),
    excludeInitiator: spec?.excludeInitiator ?? true,
    ...(spec?.description ? { description: spec.description } : {}),
  };
}

/** Loads what a view needs (runbook snapshot, gate records) and builds it; never throws on gaps. */
export async function loadRunView(
  deps: { engine: Pick<Engine, 'runbookOf'>; store: Pick<RunStore, 'getGate'>; clock: Clock },
  run: Run,
): Promise<{ view: RunView; runbook?: Runbook }> {
  const runbook = await deps.engine.runbookOf(run).catch(() => undefined);
  const gates: GateRecord[] = [];
  for (const [key, step] of Object.entries(run.steps)) {
    if (!step.gate || step.status === 'pending') continue;
    const gate = await deps.store.getGate(run.id, key).catch(() => undefined);
    if (gate) gates.push(gate);
  }
  const view = buildRunView(run, { ...(runbook ? { runbook } : {}), gates, now: deps.clock.now() });
  return runbook ? { view, runbook } : { view };
}

/** The label of a step for people: its name when the runbook gives one, else its key. */
export function stepLabel(key: string, runbook?: Runbook, run?: Run): string {
  const step = run?.steps[key];
  const id = step?.id ?? key;
  const mode = run ? runbook?.spec.modes[run.mode] : undefined;
  const spec = mode ? [...mode.steps, ...mode.cleanup].find((s) => s.id === id) : undefined;
  const prefix = key.startsWith('cleanup:') ? 'cleanup ' : key.startsWith('compensate:') ? 'undo ' : '';
  return `${prefix}${spec?.name ?? id}`;
}
