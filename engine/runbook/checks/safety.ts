/**
 * Safety rules that make a runbook refuse to load rather than risk production:
 * - in failover/failback, a CUTOVER launch needs an upstream (transitively needed) approval step
 *   whose gate requires at least 2 people: the two-person rule is not optional;
 * - stopping or terminating protected (non-run-owned) instances needs an upstream approval;
 * - a drill never launches CUTOVER and only stops/terminates what the run itself launched;
 * - a compensation never launches CUTOVER (rollbacks run unattended);
 * - data tier: a drill deletes only databases it restored (rds.delete with runOwned) and never
 *   promotes or fails over a database (DRILL_UNSAFE_DELETE, DRILL_UNSAFE_PROMOTE); in failover and
 *   failback a promotion or switchover needs an upstream approval, and an Aurora failover with
 *   data loss a two-person one.
 */
import type { PathSegment } from '../source.js';
import type { StepSpec } from '../types.js';
import {
  type CheckContext,
  definedModes,
  indexById,
  isExpressionString,
  type StepRef,
  stepsOf,
} from './context.js';

const STOPPING = new Set(['ec2.stop', 'ec2.terminate']);
/** Actions that take over production's database: never in a drill, only behind an approval. */
const PROMOTING = new Set(['rds.promoteReplica', 'aurora.switchover', 'aurora.failover']);
/** Actions that lose the writes within the replica lag: a two-person approval first. */
const LOSING_DATA = new Set(['aurora.failover']);

function deletesNonOwnedDb(action: string, inputs: Record<string, unknown> | undefined): boolean {
  return action === 'rds.delete' && (inputs?.runOwned !== true || inputs?.databases !== undefined);
}
/** Approvals needed before a CUTOVER: two distinct people. */
export const CUTOVER_MIN_APPROVERS = 2;

function launchesCutover(action: string, inputs: Record<string, unknown> | undefined): boolean {
  if (action !== 'ec2.launch') return false;
  const launchType = inputs?.launchType;
  // CUTOVER, or an expression that could evaluate to it; other values fail the input schema
  return launchType === 'CUTOVER' || isExpressionString(launchType);
}

function stopsNonOwned(action: string, inputs: Record<string, unknown> | undefined): boolean {
  return STOPPING.has(action) && (inputs?.runOwned !== true || inputs?.protected === true);
}

export function checkSafety(ctx: CheckContext): void {
  for (const mode of definedModes(ctx.doc)) {
    const refs = stepsOf(ctx.doc, mode);
    for (const ref of refs) {
      const { step } = ref;
      if (step.compensate && launchesCutover(step.compensate.action, step.compensate.with))
        ctx.issues.push(
          ctx.source.issue(
            [...ref.path, 'compensate', 'action'],
            'COMPENSATE_CUTOVER',
            'a compensation cannot launch CUTOVER',
            {
              hint: 'rollbacks run without approval; undo a launch with ec2.terminate instead',
            },
          ),
        );
      if (mode === 'drill') checkDrillStep(ctx, ref);
      else checkApprovedStep(ctx, ref, refs);
    }
  }
}

function checkDrillStep(ctx: CheckContext, ref: StepRef): void {
  const candidates: { action: string; inputs?: Record<string, unknown>; path: PathSegment[] }[] = [
    { action: ref.step.action, inputs: ref.step.with, path: ref.path },
  ];
  if (ref.step.compensate)
    candidates.push({
      ...ref.step.compensate,
      inputs: ref.step.compensate.with,
      path: [...ref.path, 'compensate'],
    });
  for (const { action, inputs, path } of candidates) {
    if (launchesCutover(action, inputs)) {
      const literal = inputs?.launchType !== undefined && !isExpressionString(inputs.launchType);
      ctx.issues.push(
        ctx.source.issue([...path, 'with', 'launchType'], 'DRILL_CUTOVER', 'a drill cannot launch CUTOVER', {
          hint: literal
            ? 'drills launch isolated copies: use launchType: TEST'
            : 'in a drill launchType must be literally TEST, not an expression',
        }),
      );
    }
    if (stopsNonOwned(action, inputs))
      ctx.issues.push(
        ctx.source.issue(
          path,
          'DRILL_UNSAFE_STOP',
          `a drill may ${action.slice(4)} only instances the run launched`,
          {
            hint: 'set `runOwned: true` (and not `protected: true`) so only the drill copies are touched',
          },
        ),
      );
    if (deletesNonOwnedDb(action, inputs))
      ctx.issues.push(
        ctx.source.issue(path, 'DRILL_UNSAFE_DELETE', 'a drill may delete only databases the run restored', {
          hint: 'use `rds.delete` with `runOwned: true` and no `databases`, so only the drill copies are deleted',
        }),
      );
    if (PROMOTING.has(action))
      ctx.issues.push(
        ctx.source.issue([...path, 'action'], 'DRILL_UNSAFE_PROMOTE', `a drill cannot run ${action}`, {
          hint: 'promoting a replica or moving a global writer changes production; drills restore a snapshot with rds.restore instead',
        }),
      );
    if (action === 'dns.switch')
      ctx.issues.push(
        ctx.source.issue([...path, 'action'], 'DRILL_DNS_SWITCH', 'a drill switches DNS', {
          hint: 'drills should not move production traffic; switch a test record or drop the step',
          severity: 'warning',
        }),
      );
  }
}

function checkApprovedStep(ctx: CheckContext, ref: StepRef, refs: StepRef[]): void {
  const { step } = ref;
  const cutover = launchesCutover(step.action, step.with);
  const stopping = stopsNonOwned(step.action, step.with);
  const promoting = PROMOTING.has(step.action);
  if (!cutover && !stopping && !promoting) return;
  const approvals = upstreamApprovals(ref, refs);
  const required = (s: StepSpec) => ctx.doc.spec.approvals[String(s.with.gate)]?.required ?? 0;
  if (promoting) {
    const needed = LOSING_DATA.has(step.action) ? CUTOVER_MIN_APPROVERS : 1;
    if (approvals.some((s) => required(s) >= needed)) return;
    if (approvals.some((s) => !Object.hasOwn(ctx.doc.spec.approvals, String(s.with.gate)))) return;
    ctx.issues.push(
      ctx.source.issue(
        [...ref.path, 'action'],
        needed > 1 ? 'DATA_LOSS_WITHOUT_APPROVAL' : 'PROMOTE_WITHOUT_APPROVAL',
        needed > 1
          ? `${step.action} can lose data and has no two-person approval before it`
          : `${step.action} takes over the database without an approval before it`,
        {
          hint: `add an approval step on a gate with required: ${needed} or more and list it (directly or transitively) in needs of "${step.id}"`,
        },
      ),
    );
    return;
  }
  if (cutover) {
    if (approvals.some((s) => required(s) >= CUTOVER_MIN_APPROVERS)) return;
    // an approval on an undeclared gate is reported as UNKNOWN_GATE; do not pile on
    if (approvals.some((s) => !Object.hasOwn(ctx.doc.spec.approvals, String(s.with.gate)))) return;
    const weak = approvals.find((s) => required(s) > 0);
    ctx.issues.push(
      ctx.source.issue(
        [...ref.path, 'with', 'launchType'],
        'CUTOVER_WITHOUT_APPROVAL',
        `${ref.mode} launches CUTOVER without a two-person approval before it`,
        {
          hint: weak
            ? `gate "${String(weak.with.gate)}" (step "${weak.id}") requires only ${required(weak)}; set required: ${CUTOVER_MIN_APPROVERS} or more`
            : `add an approval step on a gate with required: ${CUTOVER_MIN_APPROVERS} and list it (directly or transitively) in needs of "${step.id}"`,
        },
      ),
    );
  } else if (approvals.length === 0) {
    ctx.issues.push(
      ctx.source.issue(
        [...ref.path, 'action'],
        'STOP_WITHOUT_APPROVAL',
        `${step.action} acts on protected instances without an approval before it`,
        {
          hint: `stopping or terminating protected instances is irreversible: add an approval step to the needs of "${step.id}"`,
        },
      ),
    );
  }
}

/**
 * Approval steps this step transitively needs. An approval with a `when` (may be skipped) or with
 * `onFailure: continue` (a rejection would not stop the run) does not count.
 */
function upstreamApprovals(ref: StepRef, refs: StepRef[]): StepSpec[] {
  const byId = indexById(refs.filter((r) => r.list === ref.list));
  const seen = new Set<string>();
  const found: StepSpec[] = [];
  const pending = [...ref.step.needs];
  while (pending.length > 0) {
    const id = pending.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const step = byId.get(id)?.step;
    if (!step) continue;
    if (step.action === 'approval' && step.when === undefined && step.onFailure !== 'continue')
      found.push(step);
    pending.push(...step.needs);
  }
  return found;
}
