/** agent.health: the agent's HTTP, TCP and process checks on every instance. */
import { AGENT_DOCUMENTS, healthParameters } from '../../../agent/commands.js';
import { DrbotError } from '../../errors.js';
import { sideScope } from '../support/effects.js';
import { durationMs } from '../support/inputs.js';
import { duration, instanceList, side } from '../support/schemas.js';
import { defineAction } from '../types.js';
import { AGENT_PERMISSIONS, agentHandler, type CommandAction, stringOrList } from './command.js';

const health: CommandAction<'health'> = {
  name: 'agent.health',
  command: 'health',
  document: AGENT_DOCUMENTS.health,
  defaultSide: 'recovery',
  protectedDefault: false,
  parameters(ctx) {
    const timeout = durationMs('agent.health', ctx.inputs, 'timeout');
    return healthParameters({
      http: stringOrList('agent.health', ctx.inputs, 'http'),
      tcp: stringOrList('agent.health', ctx.inputs, 'tcp'),
      process: stringOrList('agent.health', ctx.inputs, 'process'),
      timeoutS: timeout === undefined ? undefined : timeout / 1000,
    });
  },
  finish(ctx, results) {
    const failed = results.filter((o) => o.failure !== undefined);
    if (failed.length > 0) {
      const lines = failed.map((o) => {
        const checks = o.result?.checks.filter((c) => !c.ok) ?? [];
        const why =
          checks.length > 0 ? checks.map((c) => `${c.kind} ${c.target}: ${c.detail}`).join(', ') : o.failure;
        return `${o.instanceId}: ${why}`;
      });
      throw new DrbotError(
        `Health checks failed on ${failed.length} of ${results.length} instance(s): ${lines.join('; ')}`,
        {
          code: 'AGENT_HEALTH_FAILED',
          explanation:
            'The drbot agent ran the checks on the instances and the ones listed did not pass (or the agent could not run).',
          action:
            'Check the application on those instances (service status, logs, the recovered endpoints) or the check targets in the runbook; the step retries by its retry policy.',
          context: { failed: failed.map((o) => o.instanceId) },
        },
      );
    }
    const checks = results.reduce((n, o) => n + (o.result?.checks.length ?? 0), 0);
    ctx.note(`All ${checks} health check(s) passed on ${results.length} instance(s)`);
    return {
      status: 'done',
      outputs: {
        results: results.map((o) => ({ instanceId: o.instanceId, ok: true, checks: o.result?.checks ?? [] })),
      },
    };
  },
};

export default defineAction({
  name: 'agent.health',
  typicalDuration: '1m',
  description:
    'Runs the agent health checks on the instances; succeeds when every check passes on every instance.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['instances'],
    properties: {
      instances: instanceList,
      http: {
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
        description: 'URL(s) that must answer 2xx/3xx.',
      },
      tcp: {
        type: 'array',
        items: { type: 'string' },
        description: 'HOST:PORT that must accept a connection.',
      },
      process: {
        type: 'array',
        items: { type: 'string' },
        description: 'Process names that must be running.',
      },
      timeout: duration,
      side,
    },
  },
  outputs: { results: 'Per instance: the checks with result and latency.' },
  capabilities: ['commands'],
  permissions: AGENT_PERMISSIONS,
  // the agent's health command is read-only, so it may run anywhere, even in a drill
  effects: (inputs) => [{ verb: 'read', scope: sideScope(inputs.side), what: 'application health (agent)' }],
  handler: agentHandler(health),
});
