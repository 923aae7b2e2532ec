/**
 * Test actions for engine tests: each records its calls so tests can assert order, attempts,
 * idempotency keys and side effects. Scripted failures come from the step's `with`.
 */
import { ACTION_SPECS } from '../../engine/actions/catalogue.js';
import {
  type ActionContext,
  type ActionHandler,
  type ActionRegistry,
  type ActionSpec,
  createRegistry,
} from '../../engine/actions/types.js';
import { NonRetryableError, RetryAfterError } from '../../engine/errors.js';

export interface ActionCall {
  action: string;
  kind: 'start' | 'poll' | 'cancel';
  stepKey: string;
  attempt: number;
  key: string;
  at: number;
}

export interface TestActions {
  registry: ActionRegistry;
  calls: ActionCall[];
  /** Side effects by idempotency key (test.effect): how many times each really happened. */
  effects: Map<string, number>;
  /** Runs inside test.effect after the side effect, before returning: throw here to "crash". */
  afterEffect?: (ctx: ActionContext) => void;
  /** Step keys in the order their actions finished (succeeded). */
  finished: string[];
}

const spec = (name: string): ActionSpec => ({
  name,
  description: `test action ${name}`,
  inputSchema: { type: 'object' },
  outputs: {},
});

const TEST_ACTIONS = ['test.ok', 'test.slow', 'test.fail', 'test.effect', 'test.hang', 'test.sleep'];

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/**
 * - `test.ok`: done at once; outputs = `with.outputs`; measures = `with.measures`.
 * - `test.slow`: pending `with.polls` times (pollAfterMs `with.pollMs`), then done.
 * - `test.fail`: fails attempts up to `with.failTimes` (default all) with `with.error`:
 *   'retryable' | 'nonretryable' | 'throttle' (`with.retryAfterMs`); then done.
 * - `test.effect`: an idempotent side effect keyed by the idempotency key.
 * - `test.hang`: pending forever; records cancel.
 * - `test.sleep`: awaits `with.ms` real milliseconds, then done (benches).
 */
export function createTestActions(): TestActions {
  const t: TestActions = {
    registry: undefined as unknown as ActionRegistry,
    calls: [],
    effects: new Map(),
    finished: [],
  };
  const record = (ctx: ActionContext, action: string, kind: ActionCall['kind']): void => {
    t.calls.push({
      action,
      kind,
      stepKey: ctx.stepKey,
      attempt: ctx.attempt,
      key: ctx.idempotencyKey,
      at: ctx.now(),
    });
  };
  const done = (ctx: ActionContext) => {
    t.finished.push(ctx.stepKey);
    return {
      status: 'done' as const,
      outputs: (ctx.inputs.outputs as Record<string, unknown>) ?? {},
      measures: ctx.inputs.measures as Record<string, number> | undefined,
    };
  };
  const cancel = (action: string) => async (ctx: ActionContext) => record(ctx, action, 'cancel');
  const handlers: Record<string, ActionHandler> = {
    'test.ok': {
      start: async (ctx) => {
        record(ctx, 'test.ok', 'start');
        return done(ctx);
      },
      cancel: cancel('test.ok'),
    },
    'test.slow': {
      start: async (ctx) => {
        record(ctx, 'test.slow', 'start');
        return { status: 'pending', handle: { polls: 0 }, pollAfterMs: num(ctx.inputs.pollMs, 1000) };
      },
      poll: async (ctx) => {
        record(ctx, 'test.slow', 'poll');
        const polls = (ctx.handle as { polls: number }).polls + 1;
        if (polls >= num(ctx.inputs.polls, 1)) return done(ctx);
        return { status: 'pending', handle: { polls }, pollAfterMs: num(ctx.inputs.pollMs, 1000) };
      },
      cancel: cancel('test.slow'),
    },
    'test.fail': {
      start: async (ctx) => {
        record(ctx, 'test.fail', 'start');
        if (ctx.attempt > num(ctx.inputs.failTimes, Number.POSITIVE_INFINITY)) return done(ctx);
        const options = { code: 'TEST_FAILURE', explanation: 'scripted', action: 'none' };
        if (ctx.inputs.error === 'nonretryable') throw new NonRetryableError('bad input', options);
        if (ctx.inputs.error === 'throttle') {
          throw new RetryAfterError('throttled', num(ctx.inputs.retryAfterMs, 5000), options);
        }
        throw new Error(`flaky failure ${ctx.attempt}`);
      },
    },
    'test.effect': {
      start: async (ctx) => {
        record(ctx, 'test.effect', 'start');
        const seen = t.effects.has(ctx.idempotencyKey);
        // Like a cloud idempotency token: the same key returns the first result, no new effect.
        if (!seen) {
          t.effects.set(ctx.idempotencyKey, 1);
          t.afterEffect?.(ctx);
        }
        return { status: 'done', outputs: { effectKey: ctx.idempotencyKey } };
      },
    },
    'test.hang': {
      start: async (ctx) => {
        record(ctx, 'test.hang', 'start');
        return { status: 'pending', handle: {}, pollAfterMs: 60_000 };
      },
      poll: async (ctx) => {
        record(ctx, 'test.hang', 'poll');
        return { status: 'pending', handle: {}, pollAfterMs: 60_000 };
      },
      cancel: cancel('test.hang'),
    },
    'test.sleep': {
      start: async (ctx) => {
        await new Promise((resolve) => setTimeout(resolve, num(ctx.inputs.ms, 20)));
        return done(ctx);
      },
    },
  };
  const natives = ACTION_SPECS.filter((s) => s.native);
  t.registry = createRegistry([...natives, ...TEST_ACTIONS.map(spec)], handlers);
  return t;
}
