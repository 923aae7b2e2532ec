/**
 * ssm.putParameter: the endpoint hand-off. Writes a recovered endpoint to Parameter Store in the
 * recovery region, where the app reads its configuration. Drill values go under the run-scoped
 * path `/drbot/runs/<run>/…`, so a drill never overwrites production configuration, and the
 * drill's cleanup (ssm.deleteParameters) removes them.
 */
import { DB_TAG } from '../../cloud/database.js';
import { databaseOf } from '../support/data-tier.js';
import { invalidInput, optionalString } from '../support/inputs.js';
import { recoveryRegion } from '../support/regions.js';
import { type ActionDeps, type ActionHandler, defineAction } from '../types.js';

const ACTION = 'ssm.putParameter';

/** Where a run's drill parameters live. */
export function runParameterPath(runId: string): string {
  return `/drbot/runs/${runId}`;
}

export function parameterName(name: string, mode: string, runId: string): string {
  return mode === 'drill' ? `${runParameterPath(runId)}${name}` : name;
}

export function putParameterHandler(deps: ActionDeps): ActionHandler {
  return {
    async start(ctx) {
      const given = optionalString(ACTION, ctx.inputs, 'name');
      if (!given?.startsWith('/'))
        throw invalidInput(ACTION, 'name', 'a parameter path starting with /', given);
      const raw = ctx.inputs.value;
      const value = typeof raw === 'number' ? String(raw) : raw;
      if (typeof value !== 'string' || value.length === 0)
        throw invalidInput(ACTION, 'value', 'a non-empty string', raw);
      const name = parameterName(given, ctx.mode, ctx.runId);
      const region = recoveryRegion(ctx.runbook, ctx.mode);
      await databaseOf(deps, ACTION).putParameter({
        name,
        value,
        region,
        tags: { [DB_TAG.runId]: ctx.runId, [DB_TAG.mode]: ctx.mode },
      });
      ctx.note(`${ACTION}: ${name} = ${value} in ${region}`);
      return { status: 'done', outputs: { name, region } };
    },
  };
}

export default defineAction({
  name: ACTION,
  typicalDuration: '5s',
  mutating: true,
  description:
    'Writes a value (a recovered endpoint) to SSM Parameter Store in the recovery region. In a drill the name is put under /drbot/runs/<run id>, so production configuration is never overwritten; ssm.deleteParameters removes them in cleanup.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'value'],
    properties: {
      name: { type: 'string', pattern: '^/', description: 'Parameter path, e.g. /shop/db/endpoint.' },
      value: {
        type: ['string', 'number'],
        description: 'The value, e.g. `${{ steps.restore.outputs.endpoint }}`.',
      },
    },
  },
  outputs: {
    name: 'The full parameter name written (run-scoped in a drill).',
    region: 'Where it was written.',
  },
  capabilities: ['database'],
  permissions: {
    aws: [{ statement: 'WriteDrbotParameters', actions: ['ssm:PutParameter', 'ssm:AddTagsToResource'] }],
  },
  effects: (_inputs, mode) =>
    mode === 'drill'
      ? [{ verb: 'create', scope: 'run-owned', what: 'a run-scoped parameter' }]
      : [{ verb: 'modify', scope: 'recovery', what: 'the app’s configuration parameter' }],
  handler: putParameterHandler,
});
