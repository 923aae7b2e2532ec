/**
 * Actions are what steps do. Each declares its input JSON Schema (the loader validates `with`
 * against it) and a handler. Long operations are `start` + `poll`, so no process waits minutes.
 */
import type { RunMeasures } from '../run.js';
import type { Mode, Runbook } from '../runbook/types.js';

export interface ActionSpec {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) for the step's `with`. `${{ }}` strings are accepted for any field. */
  inputSchema: Record<string, unknown>;
  /** Output name → description, so expressions `steps.x.outputs.y` can be checked. */
  outputs: Record<string, string>;
  /** Engine-native actions (`approval`, `manual`) have no handler: the engine implements them. */
  native?: boolean;
  /** Whether the action acts on (launches, stops, changes) infrastructure. Shown in the plan. */
  mutating?: boolean;
}

export interface ActionContext {
  runId: string;
  stepId: string;
  stepKey: string;
  attempt: number;
  /** `runId:stepKey:attempt`; use it as the cloud idempotency token (ClientToken …). */
  idempotencyKey: string;
  mode: Mode;
  runbook: Runbook;
  initiator: string;
  params: Record<string, string>;
  /** The step's `with`, with every `${{ }}` evaluated. */
  inputs: Record<string, unknown>;
  /** What `start` (or the previous `poll`) returned as `handle`. */
  handle?: unknown;
  /** When the run started (the disaster declaration time unless `declaredAt` is given). */
  runStartedAt: number;
  now(): number;
  /** Adds a `step.note` audit event, e.g. "fell back to t3.large". */
  note(message: string, data?: Record<string, unknown>): void;
}

export type ActionResult =
  | {
      status: 'done';
      outputs?: Record<string, unknown>;
      measures?: Partial<Pick<RunMeasures, 'rpoClaimedMs' | 'rpoMeasuredMs'>>;
    }
  | { status: 'pending'; handle: unknown; pollAfterMs: number };

export interface ActionHandler {
  start(ctx: ActionContext): Promise<ActionResult>;
  poll?(ctx: ActionContext): Promise<ActionResult>;
  /** Best-effort stop of in-flight work when a run is aborted or the step times out. */
  cancel?(ctx: ActionContext): Promise<void>;
}

export interface RegisteredAction {
  spec: ActionSpec;
  handler?: ActionHandler;
}

export interface ActionRegistry {
  get(name: string): RegisteredAction | undefined;
  specs(): ActionSpec[];
}

export function createRegistry(
  specs: ActionSpec[],
  handlers: Record<string, ActionHandler> = {},
): ActionRegistry {
  const byName = new Map<string, RegisteredAction>();
  for (const spec of specs) byName.set(spec.name, { spec, handler: handlers[spec.name] });
  return {
    get: (name) => byName.get(name),
    specs: () => [...byName.values()].map((a) => a.spec),
  };
}
