/** ssm.deleteParameters: drill cleanup of the run-scoped parameters ssm.putParameter wrote. */
import { databaseOf } from '../support/data-tier.js';
import { recoveryRegion } from '../support/regions.js';
import { type ActionDeps, type ActionHandler, defineAction } from '../types.js';
import { runParameterPath } from './put-parameter.js';

const ACTION = 'ssm.deleteParameters';

export function deleteParametersHandler(deps: ActionDeps): ActionHandler {
  return {
    async start(ctx) {
      const region = recoveryRegion(ctx.runbook, ctx.mode);
      // only the run's own path: nothing else is reachable from this action
      const deleted = await databaseOf(deps, ACTION).deleteParametersByPath(
        runParameterPath(ctx.runId),
        region,
      );
      return { status: 'done', outputs: { deleted } };
    },
  };
}

export default defineAction({
  name: ACTION,
  typicalDuration: '5s',
  mutating: true,
  description:
    'Deletes every parameter under this run’s path /drbot/runs/<run id> in the recovery region (drill cleanup).',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      runOwned: { const: true, description: 'Always true: only the run’s own parameters are deleted.' },
    },
  },
  outputs: { deleted: 'Parameter names deleted.' },
  capabilities: ['database'],
  permissions: {
    aws: [{ statement: 'DeleteRunParameters', actions: ['ssm:GetParametersByPath', 'ssm:DeleteParameters'] }],
  },
  effects: () => [{ verb: 'destroy', scope: 'run-owned', what: 'run-scoped parameters' }],
  handler: deleteParametersHandler,
});
