import { describe, expect, it } from 'vitest';
import { NotAllowedError } from '../../../engine/errors.js';
import { makeRunbook, type StepInput } from '../../helpers/runbook.js';
import { createHarness, statuses } from './harness.js';

const cleanup: StepInput[] = [{ id: 'terminate', action: 'test.ok' }];

describe('executor: failure policies, rollback, cleanup, abort', () => {
  it('onFailure abort cancels the rest, runs cleanup, and fails the run', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({
        steps: [
          { id: 'long', action: 'test.hang' },
          { id: 'bad', action: 'test.fail', with: { error: 'nonretryable' } },
          { id: 'later', action: 'test.ok', needs: ['bad'] },
        ],
        cleanup,
      }),
    );
    expect(statuses(run)).toEqual({
      long: 'cancelled',
      bad: 'failed',
      later: 'cancelled',
      'cleanup:terminate': 'succeeded',
    });
    expect(run.status).toBe('failed');
    expect(h.actions.calls.some((c) => c.stepKey === 'long' && c.kind === 'cancel')).toBe(true);
  });

  it('onFailure continue skips dependants but lets independent work finish; the run still fails', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({
        steps: [
          { id: 'bad', action: 'test.fail', with: { error: 'nonretryable' }, onFailure: 'continue' },
          { id: 'dependant', action: 'test.ok', needs: ['bad'] },
          { id: 'grandchild', action: 'test.ok', needs: ['dependant'] },
          { id: 'independent', action: 'test.slow', with: { pollMs: 1000 } },
        ],
      }),
    );
    expect(statuses(run)).toEqual({
      bad: 'failed',
      dependant: 'cancelled',
      grandchild: 'cancelled',
      independent: 'succeeded',
    });
    expect(run.status).toBe('failed');
  });

  it('onFailure rollback runs compensations of completed steps in reverse completion order', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({
        steps: [
          { id: 'network', action: 'test.ok', compensate: { action: 'test.ok' } },
          { id: 'database', action: 'test.slow', with: { pollMs: 5000 }, compensate: { action: 'test.ok' } },
          {
            id: 'app',
            action: 'test.slow',
            needs: ['network'],
            with: { pollMs: 1000 },
            compensate: { action: 'test.ok' },
          },
          { id: 'no-undo', action: 'test.ok' },
          {
            id: 'dns',
            action: 'test.fail',
            needs: ['database', 'app'],
            with: { error: 'nonretryable' },
            onFailure: 'rollback',
          },
        ],
        cleanup,
      }),
    );
    // Completion order: network, no-undo (t0), app (t+1s), database (t+5s) → undo database, app, network.
    const undone = h.actions.finished.filter((k) => k.startsWith('compensate:'));
    expect(undone).toEqual(['compensate:database', 'compensate:app', 'compensate:network']);
    expect(run.phase).toBe('done');
    expect(run.status).toBe('failed');
    expect(run.steps['cleanup:terminate']?.status).toBe('succeeded');
    expect(h.published.filter((e) => e.kind === 'phase.changed').map((e) => e.data?.phase)).toEqual([
      'rollback',
      'cleanup',
    ]);
  });

  it('runs cleanup after success', async () => {
    const h = createHarness();
    const run = await h.run(makeRunbook({ steps: [{ id: 'a', action: 'test.ok' }], cleanup }));
    expect(run.status).toBe('succeeded');
    expect(h.actions.finished).toEqual(['a', 'cleanup:terminate']);
  });

  it('reports a failed cleanup step but still ends the run', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({
        steps: [{ id: 'a', action: 'test.ok' }],
        cleanup: [
          { id: 'stop', action: 'test.fail', with: { error: 'nonretryable' } },
          { id: 'terminate', action: 'test.ok' },
        ],
      }),
    );
    expect(run.status).toBe('succeeded');
    expect(run.steps['cleanup:terminate']?.status).toBe('succeeded');
    const end = h.published.find((e) => e.kind === 'run.succeeded');
    expect(end?.message).toContain('Cleanup failed: cleanup:stop');
  });

  it('abort by the initiator cancels running steps, runs cleanup and ends aborted', async () => {
    const h = createHarness();
    const started = await h.start(
      makeRunbook({
        steps: [
          { id: 'long', action: 'test.hang' },
          { id: 'next', action: 'test.ok', needs: ['long'] },
        ],
        cleanup,
      }),
    );
    await h.engine.advance(started.id);
    await h.engine.abort(started.id, 'ian', 'wrong region');
    const { run } = await h.driver.runUntilSettled(started.id);
    expect(run.status).toBe('aborted');
    expect(statuses(run)).toEqual({ long: 'cancelled', next: 'cancelled', 'cleanup:terminate': 'succeeded' });
    expect(h.actions.calls.some((c) => c.stepKey === 'long' && c.kind === 'cancel')).toBe(true);
    const kinds = h.published.map((e) => e.kind);
    expect(kinds).toContain('run.abort-requested');
    expect(kinds.at(-1)).toBe('run.aborted');
  });

  it('abort is allowed for owners and refused for a stranger, naming who may', async () => {
    const h = createHarness();
    const started = await h.start(makeRunbook({ steps: [{ id: 'long', action: 'test.hang' }] }));
    const refused = await h.engine.abort(started.id, 'mallory').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotAllowedError);
    expect((refused as NotAllowedError).explanation).toContain('@ian');
    const byOwner = await h.engine.abort(started.id, 'owner');
    expect(byOwner.abortRequested?.by).toBe('owner');
  });
});
