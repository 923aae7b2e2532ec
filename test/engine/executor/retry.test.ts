import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { backoffMs } from '../../../engine/executor/index.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness } from './harness.js';

const policy = { maxAttempts: 4, initialInterval: '10s', backoffCoefficient: 2 };

describe('executor: retries and timeouts', () => {
  it('backoff grows exponentially with equal jitter and respects maxInterval', () => {
    const random = new SeededRandom(3);
    const delays = [1, 2, 3, 4].map((failures) => backoffMs(policy, failures, random));
    delays.forEach((delay, i) => {
      const ceiling = 10_000 * 2 ** i;
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    });
    expect(new Set(delays.map((d, i) => d / 2 ** i)).size).toBeGreaterThan(1); // jittered, not fixed
    expect(backoffMs({ ...policy, maxInterval: '15s' }, 5, random)).toBeLessThanOrEqual(15_000);
  });

  it('same seed, same delays', () => {
    const a = [1, 2, 3].map((f) => backoffMs(policy, f, new SeededRandom(9)));
    const b = [1, 2, 3].map((f) => backoffMs(policy, f, new SeededRandom(9)));
    expect(a).toEqual(b);
  });

  it('retries a failing step with growing delays and a new idempotency key per attempt', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({ steps: [{ id: 'flaky', action: 'test.fail', with: { failTimes: 3 }, retry: policy }] }),
    );
    expect(run.status).toBe('succeeded');
    const starts = h.actions.calls.filter((c) => c.stepKey === 'flaky');
    expect(starts.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(starts.map((c) => c.key)).size).toBe(4);
    expect(starts[0]?.key).toBe(`${run.id}:flaky:1`);
    const gaps = starts.slice(1).map((c, i) => c.at - (starts[i]?.at ?? 0));
    expect(gaps[1]).toBeGreaterThan(gaps[0] ?? 0);
    expect(gaps[2]).toBeGreaterThan(gaps[1] ?? 0);
    const retrying = h.published.filter((e) => e.kind === 'step.retrying');
    expect(retrying).toHaveLength(3);
    expect(retrying[0]?.error?.message).toBe('flaky failure 1');
  });

  it('fails after the last attempt with the error stored on the step and in the audit', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({ steps: [{ id: 'flaky', action: 'test.fail', retry: { ...policy, maxAttempts: 2 } }] }),
    );
    expect(run.status).toBe('failed');
    expect(run.steps.flaky?.attempt).toBe(2);
    expect(run.steps.flaky?.error).toMatchObject({ message: 'flaky failure 2', code: 'UNEXPECTED' });
    const failed = h.published.find((e) => e.kind === 'step.failed');
    expect(failed?.error?.message).toBe('flaky failure 2');
  });

  it('does not retry a NonRetryableError', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({
        steps: [{ id: 'bad', action: 'test.fail', with: { error: 'nonretryable' }, retry: policy }],
      }),
    );
    expect(run.steps.bad).toMatchObject({ status: 'failed', attempt: 1 });
    expect(run.steps.bad?.error?.code).toBe('TEST_FAILURE');
  });

  it('honours RetryAfterError: waits exactly as told, without growing the backoff', async () => {
    const h = createHarness();
    const run = await h.run(
      makeRunbook({
        steps: [
          {
            id: 'throttled',
            action: 'test.fail',
            with: { error: 'throttle', retryAfterMs: 7000, failTimes: 2 },
            retry: policy,
          },
        ],
      }),
    );
    expect(run.status).toBe('succeeded');
    const starts = h.actions.calls.filter((c) => c.stepKey === 'throttled');
    expect(starts.map((c) => c.at - (starts[0]?.at ?? 0))).toEqual([0, 7000, 14_000]);
    expect(run.steps.throttled?.throttles).toBe(2);
  });

  it('times out a step that runs too long, cancelling its action', async () => {
    const h = createHarness();
    const run = await h.run(makeRunbook({ steps: [{ id: 'stuck', action: 'test.hang', timeout: '15m' }] }));
    expect(run.status).toBe('failed');
    expect(run.steps.stuck?.error?.code).toBe('STEP_TIMED_OUT');
    expect(run.steps.stuck?.endedAt).toBe((run.steps.stuck?.startedAt ?? 0) + 15 * 60_000);
    expect(h.actions.calls.some((c) => c.stepKey === 'stuck' && c.kind === 'cancel')).toBe(true);
  });

  it('fails a step whose action has no handler without calling anything', async () => {
    const h = createHarness();
    const run = await h.run(makeRunbook({ steps: [{ id: 'x', action: 'nope.missing' }] }));
    expect(run.steps.x?.error?.code).toBe('ACTION_NOT_AVAILABLE');
  });
});
