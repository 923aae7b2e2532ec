/** wait: durable, the step is re-polled when the time is up, so no process sleeps. */
import { durationMs, invalidInput } from '../support/inputs.js';
import { duration } from '../support/schemas.js';
import { type ActionHandler, type ActionResult, defineAction } from '../types.js';

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

export default defineAction({
  name: 'wait',
  description: 'Waits for a fixed time (durably: no process sleeps).',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['duration'],
    properties: { duration },
  },
  outputs: {},
  effects: () => [],
  handler: waitHandler,
});
