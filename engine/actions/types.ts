/**
 * Actions are what steps do. Each declares its input JSON Schema (the loader validates `with`
 * against it) and a handler. Long operations are `start` + `poll`, so no process waits minutes.
 */
import type { DatabasePort } from '../cloud/database.js';
import type { ObjectStoragePort } from '../cloud/object-storage.js';
import type { Capability, CloudProvider } from '../cloud/provider.js';
import type { ReplicationPort } from '../cloud/replication.js';
import type { NetworkCloud } from '../network/ports.js';
import type { RunStore } from '../ports.js';
import type { RunMeasures } from '../run.js';
import type { Mode, Runbook, RunbookSpec } from '../runbook/types.js';

/**
 * One IAM grant an action needs on AWS: IAM actions, and the statement of the policy generator
 * (serverless/iam-statements.cjs) that scopes them to resources and tags. A statement
 * name the generator does not know fails packaging, so a new scope is added there once.
 */
export interface AwsGrant {
  statement: string;
  actions: string[];
}

/**
 * What an action does to the world, checked by lint and again by the executor (issue: safety by
 * construction). A verb and a scope:
 * - verbs: `read`, `create`, `modify`, `stop`, `destroy`, `traffic` (DNS or routing), `data`
 *   (commands that run on an instance);
 * - scopes: `protected` (production: the protected side), `recovery` (the recovery side, not
 *   run-owned), `run-owned` (resources tagged with the run id), `drill-network` (an isolated
 *   drill network), `drill-record` (a DNS record the runbook declares as the drill record).
 */
export type EffectVerb = 'read' | 'create' | 'modify' | 'stop' | 'destroy' | 'traffic' | 'data';
export type EffectScope = 'protected' | 'recovery' | 'run-owned' | 'drill-network' | 'drill-record';

export interface Effect {
  verb: EffectVerb;
  scope: EffectScope;
  /** What is affected, for messages: "instances", "recovery points", "the DNS record" … */
  what?: string;
  /** A CUTOVER launch: production instances on the recovery side (changes production). */
  cutover?: boolean;
}

/** Cloud permissions an action's handler needs, per provider. */
export interface ActionPermissions {
  aws?: AwsGrant[];
  /**
   * RAM actions (`ecs:RunInstances`, `alidns:UpdateDomainRecord` …) the Alibaba Cloud adapter calls
   * for this action; `drbot policy --provider alibaba` prints their union for the runbooks.
   */
  alibaba?: string[];
}

export interface ActionSpec {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) for the step's `with`. `${{ }}` strings are accepted for any field. */
  inputSchema: Record<string, unknown>;
  /** Output name → description, so expressions `steps.x.outputs.y` can be checked. */
  outputs: Record<string, string>;
  /** Engine-native actions (`approval`, `manual`) have no handler: the engine implements them. */
  native?: boolean;
  /**
   * How long the action usually takes (a duration: `5m`), for the plan's critical path and the
   * RTO estimate against the objective. Rough by design: a plan says whether an RTO is plausible.
   * Absent (`wait`): the step's own duration or timeout decides (engine/plan/estimates.ts).
   */
  typicalDuration?: string;
  /** Whether the action acts on (launches, stops, changes) infrastructure. Shown in the plan. */
  mutating?: boolean;
  /**
   * The cloud capabilities the handler uses. Lint refuses a runbook whose provider lacks one.
   * @default [] (engine-native and flow actions need no cloud)
   */
  capabilities?: Capability[];
  /** What the handler is allowed to call, per provider: the IAM generator reads it. */
  permissions?: ActionPermissions;
  /**
   * The action's effects for a step's `with` (static values for lint, evaluated values at run
   * time). An input lint cannot evaluate (an expression) is passed as `UNKNOWN_INPUT`, and the
   * declaration must then answer the worst case. `spec` is the runbook's spec (spec.dns …).
   * @default [] (no effect on the world)
   */
  effects?: (inputs: Readonly<Record<string, unknown>>, mode: Mode, spec: RunbookSpec) => Effect[];
}

/** Stands for an input whose value lint cannot know (a `${{ }}` expression). */
export const UNKNOWN_INPUT: unique symbol = Symbol('drbot.unknownInput');

/** What a handler is built from: the run's cloud, and the stores some actions read. */
export interface ActionDeps {
  cloud: CloudProvider;
  /** Time between polls of long operations (sim or real clock ms). */
  pollIntervalMs: number;
  /** Network mappings and stored blueprints (ec2.launch, network.replicate). */
  store?: RunStore;
  /** The cloud's network side (network.replicate, instance type offerings for ec2.launch). */
  network?: NetworkCloud;
  /** RDS/Aurora and the endpoint hand-off (rds.*, aurora.*, ssm.putParameter). */
  database?: DatabasePort;
  /** Buckets and their replication (s3.replicationCheck). */
  objectStorage?: ObjectStoragePort;
  /** Continuous replication through Elastic Disaster Recovery (drs.*, method: drs). */
  replication?: ReplicationPort;
}

/**
 * An action module's default export: its definition beside its handler. The catalogue is built
 * from every module under engine/actions/<family>/ (manifest.generated.ts), so adding an action
 * is adding one file.
 */
export interface ActionModule extends ActionSpec {
  /** Builds the handler (the "activity"); absent for engine-native actions. */
  handler?: (deps: ActionDeps) => ActionHandler;
}

export function defineAction(module: ActionModule): ActionModule {
  return module;
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
  /**
   * When the run started (its creation). Never the `declaredAt` parameter: the RPO gate measures
   * against the real start, so a start parameter cannot make old points look fresh.
   */
  runStartedAt: number;
  /**
   * When the disaster was declared: the bounded `declaredAt` parameter (failover/failback, at most
   * spec.declaredAtWindow back), else the run's creation. For measuring data loss, never a gate.
   */
  declaredAt?: number;
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
