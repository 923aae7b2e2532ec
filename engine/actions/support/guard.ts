/**
 * What every cloud action shares: provider errors pass through when they are DrbotErrors and are
 * wrapped with context otherwise; throttling (RetryAfterError) is absorbed by polling again later
 * with the SAME idempotency key, so a throttled launch never launches twice and a step without a
 * retry policy is not failed by a busy API. Each absorbed throttle is noted in the audit.
 */
import type { ActionContext, ActionHandler, ActionResult } from '../../actions/types.js';
import { DrbotError, RetryAfterError } from '../../errors.js';

/** Throttles absorbed per step before the error goes to the executor's retry policy. */
export const DEFAULT_MAX_THROTTLES = 20;

interface ThrottledHandle {
  throttled: 'start' | 'poll';
  count: number;
  /** The handle to poll with again (for a throttled poll). */
  inner?: unknown;
}

function isThrottledHandle(handle: unknown): handle is ThrottledHandle {
  return typeof handle === 'object' && handle !== null && 'throttled' in handle && 'count' in handle;
}

/** Wraps anything that is not a DrbotError, keeping it as `cause`. */
export function asDrbotError(err: unknown, action: string): DrbotError {
  if (err instanceof DrbotError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new DrbotError(`${action} failed: ${detail}`, {
    code: 'CLOUD_ERROR',
    explanation: 'The cloud provider raised an error drbot does not classify (see the cause in the logs).',
    action:
      'Check the cloud provider’s status and the run’s audit; the step is retried if its retry policy allows.',
    cause: err,
  });
}

export function guardHandler(
  action: string,
  handler: ActionHandler,
  maxThrottles = DEFAULT_MAX_THROTTLES,
): ActionHandler {
  const attempt = async (
    ctx: ActionContext,
    kind: 'start' | 'poll',
    count: number,
    inner: unknown,
  ): Promise<ActionResult> => {
    try {
      const innerCtx = { ...ctx, handle: inner };
      return kind === 'poll' && handler.poll ? await handler.poll(innerCtx) : await handler.start(innerCtx);
    } catch (err) {
      if (err instanceof RetryAfterError && count < maxThrottles) {
        ctx.note(
          `${action}: the cloud throttled a call (${err.message}); retrying in ${err.retryAfterMs} ms`,
          {
            throttled: true,
            retry: count + 1,
          },
        );
        const handle: ThrottledHandle = { throttled: kind, count: count + 1, inner };
        return { status: 'pending', handle, pollAfterMs: err.retryAfterMs };
      }
      throw asDrbotError(err, action);
    }
  };
  const wrapped: ActionHandler = {
    start: (ctx) => attempt(ctx, 'start', 0, undefined),
    poll: (ctx) => {
      const handle = ctx.handle;
      if (isThrottledHandle(handle)) return attempt(ctx, handle.throttled, handle.count, handle.inner);
      return attempt(ctx, 'poll', 0, handle);
    },
  };
  if (handler.cancel) {
    const cancel = handler.cancel.bind(handler);
    wrapped.cancel = async (ctx) => {
      const handle = isThrottledHandle(ctx.handle) ? ctx.handle.inner : ctx.handle;
      await cancel({ ...ctx, handle });
    };
  }
  return wrapped;
}
