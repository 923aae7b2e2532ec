import { describe, expect, it } from 'vitest';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness, statuses } from './harness.js';

describe('executor: DAG scheduling', () => {
  it('runs steps in dependency order and finishes the run', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({
        steps: [
          { id: 'c', action: 'test.ok', needs: ['a', 'b'] },
          { id: 'a', action: 'test.ok' },
          { id: 'b', action: 'test.ok', needs: ['a'] },
        ],
      }),
    );
    expect(run.status).toBe('succeeded');
    expect(h.actions.finished).toEqual(['a', 'b', 'c']);
    expect(statuses(run)).toEqual({ c: 'succeeded', a: 'succeeded', b: 'succeeded' });
  });

  it('starts independent steps together but never more than the concurrency limit', async () => {
    const h = createHarness({ concurrency: 3 });
    const steps = Array.from({ length: 8 }, (_, i) => ({
      id: `s${i}`,
      action: 'test.slow',
      with: { pollMs: 1000 },
    }));
    const run = await h.start(makeRunbook({ steps }));
    const first = await h.engine.advance(run.id);
    expect(Object.values(first.run.steps).filter((s) => s.status === 'running')).toHaveLength(3);
    let maxRunning = 0;
    for (let i = 0; i < 20; i++) {
      const result = await h.engine.advance(run.id);
      maxRunning = Math.max(
        maxRunning,
        Object.values(result.run.steps).filter((s) => s.status === 'running').length,
      );
      if (result.status === 'succeeded') break;
      h.clock.advanceTo(result.wakeAt ?? h.clock.now());
    }
    expect(maxRunning).toBe(3);
    expect((await h.engine.getRun(run.id)).status).toBe('succeeded');
    expect(h.actions.calls.filter((c) => c.kind === 'start')).toHaveLength(8);
  });

  it('returns the next poll time as wakeAt instead of waiting', async () => {
    const h = createHarness();
    const run = await h.start(
      makeRunbook({ steps: [{ id: 'long', action: 'test.slow', with: { pollMs: 90_000, polls: 2 } }] }),
    );
    const result = await h.engine.advance(run.id);
    expect(result.status).toBe('running');
    expect(result.wakeAt).toBe(h.clock.now() + 90_000);
    const again = await h.engine.advance(run.id);
    expect(h.actions.calls.filter((c) => c.kind === 'poll')).toHaveLength(0);
    expect(again.wakeAt).toBe(result.wakeAt);
    const done = await h.driver.runUntilSettled(run.id);
    expect(done.status).toBe('succeeded');
    expect(h.actions.calls.filter((c) => c.kind === 'poll')).toHaveLength(2);
  });

  it('skips a step whose when is false and still runs its dependants', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({
        steps: [
          { id: 'dns', action: 'test.ok', when: "${{ params.switchDns == 'yes' }}" },
          { id: 'after', action: 'test.ok', needs: ['dns'] },
        ],
        params: { switchDns: { type: 'string', description: 'yes to switch DNS' } },
      }),
      'drill',
      'ian',
      { switchDns: 'no' },
    );
    expect(statuses(run)).toEqual({ dns: 'skipped', after: 'succeeded' });
    expect(run.status).toBe('succeeded');
  });

  it('passes outputs of one step to the inputs of the next through expressions', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({
        steps: [
          { id: 'launch', action: 'test.ok', with: { outputs: { instanceIds: ['i-1', 'i-2'] } } },
          {
            id: 'health',
            action: 'test.ok',
            needs: ['launch'],
            with: {
              outputs: {
                checked: '${{ steps.launch.outputs.instanceIds }}',
                note: 'first ${{ steps.launch.outputs.instanceIds[0] }}',
              },
            },
          },
        ],
      }),
    );
    expect(run.steps.health?.outputs).toEqual({ checked: ['i-1', 'i-2'], note: 'first i-1' });
  });

  it('fails a step whose expression is invalid, with a user-facing error', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({ steps: [{ id: 'bad', action: 'test.ok', with: { x: '${{ nope.value }}' } }] }),
    );
    expect(run.status).toBe('failed');
    expect(run.steps.bad?.error?.code).toBe('EXPRESSION_INVALID');
  });
});
