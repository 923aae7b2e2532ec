/**
 * Action checks: every step (and compensation) names a known action, its `with` passes that
 * action's input schema, approval steps name a declared gate, and DNS switches know their record.
 */
import type { ActionSpec } from '../../actions/types.js';
import { validateInputs } from '../schema-check.js';
import type { PathSegment } from '../source.js';
import { suggestHint } from '../suggest.js';
import { type CheckContext, definedModes, isExpressionString, stepsOf } from './context.js';

export function checkActions(ctx: CheckContext): void {
  const gates = Object.keys(ctx.doc.spec.approvals);
  for (const mode of definedModes(ctx.doc)) {
    for (const ref of stepsOf(ctx.doc, mode)) {
      const spec = checkAction(ctx, ref.step.action, ref.step.with, ref.path);
      if (spec?.name === 'approval') checkGate(ctx, ref.step.with.gate, [...ref.path, 'with', 'gate'], gates);
      if (spec?.name === 'dns.switch') checkDns(ctx, ref.step.with, [...ref.path, 'with']);
      if (ref.step.compensate) {
        const compensatePath = [...ref.path, 'compensate'];
        const undo = checkAction(
          ctx,
          ref.step.compensate.action,
          ref.step.compensate.with ?? {},
          compensatePath,
        );
        if (undo?.native)
          ctx.issues.push(
            ctx.source.issue(
              [...compensatePath, 'action'],
              'COMPENSATE_NATIVE',
              `"${undo.name}" cannot undo a step`,
              {
                hint: 'a rollback runs unattended; compensate with a cloud action such as ec2.terminate',
              },
            ),
          );
      }
    }
  }
}

function checkAction(
  ctx: CheckContext,
  name: string,
  inputs: Record<string, unknown>,
  path: PathSegment[],
): ActionSpec | undefined {
  const spec = ctx.actions.get(name);
  if (!spec) {
    ctx.issues.push(
      ctx.source.issue([...path, 'action'], 'UNKNOWN_ACTION', `unknown action "${name}"`, {
        hint: suggestHint(name, [...ctx.actions.keys()], 'action'),
      }),
    );
    return undefined;
  }
  ctx.issues.push(
    ...validateInputs(spec.inputSchema, inputs, ctx.source, [...path, 'with'], isExpressionString),
  );
  return spec;
}

function checkGate(ctx: CheckContext, gate: unknown, path: PathSegment[], gates: string[]): void {
  if (typeof gate !== 'string' || isExpressionString(gate) || gates.includes(gate)) return;
  ctx.issues.push(
    ctx.source.issue(path, 'UNKNOWN_GATE', `approval gate "${gate}" is not declared in spec.approvals`, {
      hint:
        gates.length > 0
          ? suggestHint(gate, gates, 'gate')
          : `declare it: spec.approvals.${gate}: { required: 2, approvers: { groups: [...] } }`,
    }),
  );
}

function checkDns(ctx: CheckContext, inputs: Record<string, unknown>, path: PathSegment[]): void {
  if (ctx.doc.spec.dns || (inputs.zone !== undefined && inputs.record !== undefined)) return;
  ctx.issues.push(
    ctx.source.issue(path, 'DNS_UNSET', 'dns.switch has no zone and record to update', {
      hint: 'declare spec.dns: { zone: <hosted zone id>, record: <name> } or give zone and record in `with`',
    }),
  );
}
