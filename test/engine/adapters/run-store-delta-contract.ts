/**
 * The delta half of the RunStore contract (issue #20): `saveRun(run, expected, changes)` may
 * write only the named steps, and must still behave like a whole save: version-checked, all or
 * nothing, the other steps intact, nothing the caller mutates afterwards stored. Run against
 * every store beside the main contract (run-store-contract.ts).
 */
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../engine/errors.js';
import type { Run, StepState } from '../../../engine/run.js';
import { makeRun, type RunStoreFactory } from './run-store-contract.js';

/** A run of `count` pending steps s0 … s<count-1>: enough to span several DynamoDB segments. */
export function makeWideRun(id: string, count: number, overrides: Partial<Run> = {}): Run {
  const steps: Record<string, StepState> = {};
  for (let i = 0; i < count; i++) {
    steps[`s${i}`] = { id: `s${i}`, phase: 'main', action: 'test.sleep', status: 'pending', attempt: 0 };
  }
  return makeRun(id, { steps, ...overrides });
}

/** The next version of `run` with `keys` succeeded, as the executor would save it. */
export function succeeded(run: Run, keys: string[], at = 1_000): Run {
  const next = structuredClone(run);
  next.version = run.version + 1;
  next.updatedAt = run.updatedAt + at;
  for (const key of keys) {
    const step = next.steps[key] as StepState;
    step.status = 'succeeded';
    step.attempt = 1;
    step.endedAt = run.updatedAt + at;
    step.outputs = { done: key };
  }
  return next;
}

export function describeRunDeltaContract(name: string, factory: RunStoreFactory): void {
  describe(`RunStore delta saves: ${name}`, () => {
    it('writes the named steps and the rest of the run, leaving the other steps as stored', async () => {
      const store = await factory();
      const first = makeWideRun('R1', 100);
      await store.createRun(first);
      const second = succeeded(first, ['s5', 's70']);
      second.status = 'waiting';
      await store.saveRun(second, 1, { steps: new Set(['s5', 's70']) });
      expect(await store.getRun('R1')).toEqual(second);
      const third = succeeded(second, ['s99']);
      await store.saveRun(third, 2, { steps: new Set(['s99']) });
      const loaded = await store.getRun('R1');
      expect(loaded).toEqual(third);
      expect(Object.keys(loaded?.steps ?? {})).toEqual(Object.keys(first.steps));
    });

    it('saves the rest of the run when no step changed', async () => {
      const store = await factory();
      await store.createRun(makeWideRun('R1', 40));
      const next = makeWideRun('R1', 40, { version: 2, status: 'aborted', meta: { channel: 'C1' } });
      await store.saveRun(next, 1, { steps: new Set() });
      expect(await store.getRun('R1')).toEqual(next);
      expect((await store.listRuns({}))[0]).toMatchObject({ id: 'R1', status: 'aborted' });
    });

    it('refuses a delta from a stale version with the same conflict, keeping the winner whole', async () => {
      const store = await factory();
      const first = makeWideRun('R1', 100);
      await store.createRun(first);
      const ours = succeeded(first, ['s1']);
      const theirs = succeeded(first, ['s90']);
      const results = await Promise.allSettled([
        store.saveRun(ours, 1, { steps: new Set(['s1']) }),
        store.saveRun(theirs, 1, { steps: new Set(['s90']) }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(loser.reason).toBeInstanceOf(ConflictError);
      expect(loser.reason).toMatchObject({ code: 'RUN_VERSION_CONFLICT' });
      const winner = results[0]?.status === 'fulfilled' ? ours : theirs;
      expect(await store.getRun('R1')).toEqual(winner);
      await expect(
        store.saveRun(succeeded(winner, ['s2']), 1, { steps: new Set(['s2']) }),
      ).rejects.toMatchObject({
        code: 'RUN_VERSION_CONFLICT',
      });
      expect(await store.getRun('R1')).toEqual(winner);
    });

    it('keeps what was saved when the caller changes its objects afterwards', async () => {
      const store = await factory();
      const first = makeWideRun('R1', 40);
      await store.createRun(first);
      const next = succeeded(first, ['s3']);
      await store.saveRun(next, 1, { steps: new Set(['s3']) });
      const saved = structuredClone(next);
      (next.steps.s3 as StepState).outputs = { leaked: true };
      (next.steps.s4 as StepState).status = 'failed';
      next.status = 'failed';
      expect(await store.getRun('R1')).toEqual(saved);
    });

    it('writes a run whole when no delta is given, after steps were added', async () => {
      const store = await factory();
      const first = makeWideRun('R1', 33);
      await store.createRun(first);
      const grown = makeWideRun('R1', 70, { version: 2 });
      await store.saveRun(grown, 1);
      expect(await store.getRun('R1')).toEqual(grown);
      const next = succeeded(grown, ['s69']);
      await store.saveRun(next, 2, { steps: new Set(['s69']) });
      expect(await store.getRun('R1')).toEqual(next);
    });
  });
}
