/**
 * wait (durable: the step is re-polled when the time is up, no process sleeps) and notify (a note
 * in the run thread and the audit).
 */
import type { ActionHandler, ActionResult } from '../../actions/types.js';
import { durationMs, invalidInput, optionalString } from './inputs.js';

export function waitHandler(): ActionHandler {
  const check = (now: number, until: number): ActionResult =>
    now >= until
      ? { status: 'done', outputs: {} }
      : { status: 'pending', handle: { until }, pollAfterMs: until - now };
  return {
    start(ctx) {
      const ms = durationMs('wait', ctx.inputs, 'duration');
      if (ms === undefined) throw invalidInput('wait', 'duration', 'a duration such as 90s', ms);
      const now = ctx.now();
      return Promise.resolve(check(now, now + ms));
    },
    poll(ctx) {
      const { until } = ctx.handle as { until: number };
      return Promise.resolve(check(ctx.now(), until));
    },
  };
}

export function notifyHandler(): ActionHandler {
  return {
    start(ctx) {
      const message = optionalString('notify', ctx.inputs, 'message');
      if (!message) throw invalidInput('notify', 'message', 'a non-empty text', message);
      ctx.note(message, { notify: true });
      return Promise.resolve({ status: 'done', outputs: {} });
    },
  };
}
