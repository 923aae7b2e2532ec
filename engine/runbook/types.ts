/**
 * The typed runbook model, as produced by the loader after schema and semantic checks.
 * `runbook.base.schema.json` is the source of truth for the shape; these types mirror it.
 * Durations stay as authored strings (`90s`, `15m`, `1h`); use `parseDuration` to read them.
 */

export type Mode = 'drill' | 'failover' | 'failback';
export const MODES: readonly Mode[] = ['drill', 'failover', 'failback'];

export type OnFailure = 'abort' | 'continue' | 'rollback';

/** Who: Slack user ids (or `*` for anyone) and user-group ids / handles. */
export interface Principals {
  users?: string[];
  groups?: string[];
}

export interface ApprovalGate {
  /** Distinct approvers needed to open the gate. */
  required: number;
  /** The person who started the run never counts. @default true */
  excludeInitiator: boolean;
  approvers: Principals;
  /** Duration string; the gate fails when it runs out. */
  timeout?: string;
  description?: string;
}

export interface RetryPolicy {
  maxAttempts: number;
  initialInterval: string;
  backoffCoefficient: number;
  maxInterval?: string;
}

export interface CompensateSpec {
  action: string;
  with?: Record<string, unknown>;
}

export interface StepSpec {
  id: string;
  name?: string;
  action: string;
  with: Record<string, unknown>;
  needs: string[];
  /** An expression; the step is skipped when it evaluates falsy. */
  when?: string;
  retry?: RetryPolicy;
  timeout?: string;
  onFailure: OnFailure;
  compensate?: CompensateSpec;
  /** `end`: the RTO clock stops when this step succeeds. */
  rto?: 'end';
}

export interface ModeSpec {
  steps: StepSpec[];
  /** Always runs after the mode's steps, on success, failure or abort. */
  cleanup: StepSpec[];
}

export interface ScheduleEntry {
  mode: Mode;
  cron: string;
  timezone: string;
  channel: string;
  /** false: post a "Start drill" button instead of starting. @default true */
  auto: boolean;
}

export interface RegionRef {
  region: string;
  zone?: string;
}

export interface CommitPolicy {
  /** How long an uncommitted failover waits for `commit` (a duration string). */
  timeout: string;
  /** What drbot does when it passes: commit it, or ask for a rollback (failback). */
  onTimeout: 'commit' | 'rollback';
}

export interface RunbookSpec {
  /** The cloud the tier runs on. @default 'aws' */
  provider?: string;
  source: RegionRef;
  target: RegionRef;
  /** The tier's RTO and RPO; a mode may set its own RTO (engine/runbook/objectives.ts). */
  objectives: { rto: string; rpo: string } & Partial<Record<Mode, { rto: string }>>;
  protect: {
    /** `snapshots` (EBS/AMI copies, the default) or `drs` (Elastic Disaster Recovery). */
    method?: 'snapshots' | 'drs';
    tags?: Record<string, string>;
    instanceIds?: string[];
    /** What recovery points are made of: AMIs (launchable) or EBS snapshot sets. @default provider's */
    capture?: 'ami' | 'snapshots';
    /** The tier's RDS instances and Aurora clusters (recovery.protect, rds.latestPoint, rds.restore). */
    databases?: DatabaseProtection;
  };
  access: Partial<Record<Mode, Principals>>;
  owners?: Principals;
  approvals: Record<string, ApprovalGate>;
  schedule: ScheduleEntry[];
  defaults?: { instanceType?: string; drillTtl?: string; retention?: number };
  dns?: { zone: string; record: string; drillRecord?: string };
  /** Start parameters the runbook accepts (`key=value`); anything else is refused at start. */
  params?: Record<string, ParamSpec>;
  /** Commit policy of an uncommitted failover; absent: it waits for `commit` indefinitely. */
  commit?: CommitPolicy;
  /** How far back `declaredAt` may go (failover/failback only). @default '24h' */
  declaredAtWindow?: string;
  modes: Partial<Record<Mode, ModeSpec>>;
}

export interface RunbookDocument {
  apiVersion: 'drbot/v1';
  kind: 'Runbook';
  metadata: { name: string; description?: string; labels?: Record<string, string> };
  spec: RunbookSpec;
}

/** A loaded, validated, deeply frozen runbook. */
export interface Runbook extends RunbookDocument {
  /** Where it was loaded from (for error messages); `<inline>` when not from a file. */
  readonly file: string;
  /** sha256 of the source text, stored on every run so a run knows exactly what it executed. */
  readonly hash: string;
}

export type ParamType = 'string' | 'number' | 'boolean' | 'duration' | 'time';

/** One `spec.params` declaration. */
export interface ParamSpec {
  type: ParamType;
  description: string;
  default?: string | number | boolean;
  /** Longest value accepted. @default 256 */
  maxLength?: number;
}

/** `spec.protect.databases`: which databases the tier protects and how copies are mapped. */
export interface DatabaseProtection {
  tags: Record<string, string>;
  kmsKeyId?: string;
  optionGroups?: Record<string, string>;
  parameterGroups?: Record<string, string>;
}
