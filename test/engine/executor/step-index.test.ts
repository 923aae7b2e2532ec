/**
 * Property: the executor's scheduling index (engine/executor/step-index.ts), kept up to date
 * from the session's named step changes, always agrees with a full scan of the run, whatever
 * sequence of transitions (the real ones from transitions.ts, gate waits, merged copies,
 * rollback adding compensations) and queries happens in between. The scan is written here
 * from the run alone; a missed or stale update shows as a difference in some count or set.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineDeps } from '../../../engine/executor/deps.js';
import {
  createMachine,
  isSlotOnly,
  type Machine,
  phaseHas,
  replan,
} from '../../../engine/executor/machine.js';
import {
  COMPENSATE_PREFIX,
  modeOf,
  phaseOfStep,
  readiness,
  rollbackOrder,
} from '../../../engine/executor/scheduling.js';
import { RunSession } from '../../../engine/executor/session.js';
import {
  beginAttempt,
  cancelStep,
  failStep,
  scheduleRetry,
  skipStep,
  succeedStep,
} from '../../../engine/executor/transitions.js';
import { statusFromCounts, statusOf } from '../../../engine/executor/wake.js';
import type { RunPhase, StepStatus } from '../../../engine/run.js';
import type { StepInput } from '../../helpers/runbook.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness } from './harness.js';

const STATUSES: StepStatus[] = [
  'pending',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
];
const ERROR = { message: 'boom', explanation: 'test', action: 'none', code: 'TEST' };

/** What the index must describe, computed from the run by scanning every step. */
function scan(m: Machine): Record<string, unknown> {
  const { run } = m.s;
  const entries = Object.entries(run.steps);
  const keysWhere = (test: (key: string) => boolean) => entries.map(([key]) => key).filter(test);
  const out: Record<string, unknown> = {
    running: keysWhere((key) => run.steps[key]?.status === 'running'),
  };
  const phases = new Set(entries.map(([, step]) => phaseOfStep(step)));
  for (const phase of phases) {
    const inPhase = entries.filter(([, step]) => phaseOfStep(step) === phase);
    const counts: Record<string, number> = {};
    for (const status of STATUSES) counts[status] = inPhase.filter(([, s]) => s.status === status).length;
    counts.retrying = inPhase.filter(([, s]) => s.status === 'pending' && s.attempt > 0).length;
    counts.unfinished = inPhase.filter(([, s]) =>
      ['pending', 'running', 'waiting'].includes(s.status),
    ).length;
    out[`${phase}.counts`] = counts;
    const members = (test: (key: string, status: StepStatus, attempt: number) => boolean) =>
      inPhase.filter(([key, s]) => test(key, s.status, s.attempt)).map(([key]) => key);
    out[`${phase}.active`] = members((_, st, at) => st === 'running' || (st === 'pending' && at > 0));
    out[`${phase}.waiting`] = members((_, st) => st === 'waiting');
    out[`${phase}.failed`] = members((_, st) => st === 'failed');
    out[`${phase}.open`] = members((key, st) => {
      const planned = m.plan.get(key);
      return st === 'pending' && !!planned && !isSlotOnly(planned) && readiness(run, planned) !== 'blocked';
    });
    out[`${phase}.slot`] = members((key, st) => {
      const planned = m.plan.get(key);
      return st === 'pending' && !!planned && isSlotOnly(planned);
    });
  }
  return out;
}

function expectAgreement(m: Machine): void {
  expect(m.index.describe()).toEqual(scan(m));
  const { index, s } = m;
  const busy = index.count('running') + index.count('retrying');
  expect(statusFromCounts(s.run, busy, index.count('waiting'))).toBe(statusOf(s.run));
  for (const phase of ['main', 'cleanup', 'rollback'] as RunPhase[]) {
    const has = Object.values(s.run.steps).some((st) => phaseOfStep(st) === phase && st.status === 'failed');
    expect(phaseHas(m, ['failed'], phase)).toBe(has);
  }
}

const stepArb = (i: number) =>
  fc.record({
    needs: fc.subarray(Array.from({ length: i }, (_, j) => `s${j}`)),
    kind: fc.constantFrom('action', 'when', 'approval', 'manual'),
    compensate: fc.boolean(),
  });

const runbookArb = fc
  .integer({ min: 1, max: 10 })
  .chain((n) =>
    fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => stepArb(i))), fc.integer({ min: 0, max: 3 })),
  );

const OPS = [
  'begin',
  'succeed',
  'fail',
  'cancel',
  'skip',
  'retry',
  'wait',
  'merge',
  'eventFirst',
  'rollback',
] as const;
const opArb = fc.record({ op: fc.constantFrom(...OPS), step: fc.nat(30), query: fc.boolean() });

type Shape = [{ needs: string[]; kind: string; compensate: boolean }[], number];

async function machineFor([specs, cleanupCount]: Shape): Promise<Machine> {
  const steps: StepInput[] = specs.map((spec, i) => ({
    id: `s${i}`,
    action: spec.kind === 'approval' ? 'approval' : spec.kind === 'manual' ? 'manual' : 'test.ok',
    needs: spec.needs,
    ...(spec.kind === 'when' ? { when: 'true' } : {}),
    ...(spec.kind === 'approval' ? { with: { gate: 'g' } } : {}),
    ...(spec.compensate ? { compensate: { action: 'test.ok' } } : {}),
  }));
  const cleanup: StepInput[] = Array.from({ length: cleanupCount }, (_, i) => ({
    id: `c${i}`,
    action: 'test.ok',
    needs: i > 0 && i % 2 === 0 ? [`c${i - 1}`] : [],
  }));
  const runbook = makeRunbook({ steps, cleanup, approvals: { g: {} } });
  const h = createHarness();
  const run = await h.start(runbook);
  const session = new RunSession(
    { store: h.store, clock: h.clock, notifier: { publish: async () => {} } },
    run,
    runbook,
  );
  return createMachine({} as EngineDeps, session);
}

function apply(m: Machine, op: (typeof OPS)[number], pick: number): void {
  const { s } = m;
  const keys = Object.keys(s.run.steps);
  const key = keys[pick % keys.length] as string;
  const step = s.run.steps[key];
  const spec = m.plan.get(key)?.spec ?? {
    id: key,
    action: 'test.ok',
    needs: [],
    with: {},
    onFailure: 'abort',
  };
  if (!step) return;
  switch (op) {
    case 'begin':
      beginAttempt(s, key, spec);
      break;
    case 'succeed':
      succeedStep(s, key, spec);
      break;
    case 'fail':
      failStep(s, key, spec, ERROR);
      break;
    case 'cancel':
      cancelStep(s, key, 'test');
      break;
    case 'skip':
      skipStep(s, key, 'test');
      break;
    case 'retry':
      step.attempt = Math.max(step.attempt, 1);
      scheduleRetry(s, key, 1000, false, ERROR);
      break;
    case 'wait':
      // As gates.ts opens a gate: the status is set, then the event names the step.
      step.status = 'waiting';
      step.attempt = 1;
      s.emit('step.waiting', { stepKey: key, message: 'waiting' });
      break;
    case 'merge':
      // As a merge takes another writer's copy of a step: a new object, named as changed.
      s.run.steps[key] = { ...step, status: step.status === 'waiting' ? 'succeeded' : 'waiting' };
      s.changedStep(key);
      break;
    case 'eventFirst':
      // As applyGateDecision does: the event is emitted before the status changes.
      s.emit('step.note', { stepKey: key, message: 'before' });
      step.status = 'succeeded';
      break;
    case 'rollback': {
      // As advancePhase enters rollback: compensations are added, then the plan is rebuilt.
      if (Object.keys(s.run.steps).some((k) => k.startsWith(COMPENSATE_PREFIX))) break;
      const mode = modeOf(s.runbook, s.run.mode);
      for (const id of rollbackOrder(s.run, mode)) {
        s.run.steps[COMPENSATE_PREFIX + id] = {
          id,
          phase: 'compensate',
          action: 'test.ok',
          status: 'pending',
          attempt: 0,
        };
      }
      replan(m);
      break;
    }
  }
}

describe('step index', () => {
  it('agrees with a full scan after any sequence of transitions and queries', async () => {
    await fc.assert(
      fc.asyncProperty(runbookArb, fc.array(opArb, { maxLength: 40 }), async (shape, ops) => {
        const m = await machineFor(shape);
        expectAgreement(m);
        for (const { op, step, query } of ops) {
          apply(m, op, step);
          // Queries in between matter: the index re-reads dirty steps lazily, on the next query.
          if (query) expectAgreement(m);
        }
        expectAgreement(m);
      }),
      { numRuns: 300 },
    );
  });

  it('trusts named changes only: a status changed without naming its step is not seen', async () => {
    const m = await machineFor([[{ needs: [], kind: 'action', compensate: false }], 0]);
    const step = m.s.run.steps.s0;
    if (!step) throw new Error('no step s0');
    step.status = 'running';
    expect(m.index.count('running')).toBe(0);
    m.s.touch('s0');
    expect(m.index.count('running')).toBe(1);
    expect(m.index.describe()).toEqual(scan(m));
  });
});
