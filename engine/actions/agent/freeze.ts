/**
 * agent.freeze: freezes the protected file systems for an app-consistent capture; whatever a
 * failed or cancelled freeze left frozen is thawed (the agent's watchdog is the backstop).
 */
import { AGENT_DOCUMENTS, freezeParameters } from '../../../agent/commands.js';
import { DrbotError } from '../../errors.js';
import { durationMs } from '../support/inputs.js';
import { dirList, duration, instanceList } from '../support/schemas.js';
import { type ActionHandler, defineAction } from '../types.js';
import {
  AGENT_PERMISSIONS,
  type CommandAction,
  commandHandle,
  commandHandler,
  describeFailures,
  dirs,
  thawAfter,
} from './command.js';

const freeze: CommandAction<'freeze'> = {
  name: 'agent.freeze',
  command: 'freeze',
  document: AGENT_DOCUMENTS.freeze,
  defaultSide: 'protected',
  protectedDefault: true,
  parameters(ctx) {
    const max = durationMs('agent.freeze', ctx.inputs, 'maxFreeze');
    return freezeParameters({
      dirs: dirs(ctx, 'agent.freeze'),
      maxSeconds: max === undefined ? undefined : max / 1000,
    });
  },
  async finish(ctx, results, cloud) {
    const failed = results.filter((o) => o.failure !== undefined);
    if (failed.length > 0) {
      const frozen = results.filter((o) => o.failure === undefined).map((o) => o.instanceId);
      await thawAfter(cloud, ctx, frozen, commandHandle(ctx).region);
      throw new DrbotError(
        `Freeze failed on ${failed.length} of ${results.length} instance(s): ${describeFailures(failed)}`,
        {
          code: 'AGENT_FREEZE_FAILED',
          explanation:
            'A pre-snapshot hook or fsfreeze failed; the agent thawed what it had frozen and drbot thawed the other instances.',
          action:
            'Fix the hook or the dirs (they must be mount points) on the instances named, or protect without appConsistent.',
          context: { failed: failed.map((o) => o.instanceId) },
        },
      );
    }
    for (const o of results) {
      const by = o.result?.thawBy
        ? ` (the watchdog thaws by ${new Date(o.result.thawBy * 1000).toISOString()})`
        : '';
      ctx.note(`Froze ${(o.result?.frozen ?? []).join(', ') || 'nothing'} on ${o.instanceId}${by}`);
    }
    return { status: 'done', outputs: {} };
  },
};

export default defineAction({
  name: 'agent.freeze',
  typicalDuration: '10s',
  mutating: true,
  description:
    'Freezes the protected file systems for an app-consistent capture; a watchdog thaws after maxFreeze.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { instances: instanceList, dirs: dirList('Mount points.'), maxFreeze: duration },
  },
  outputs: {},
  capabilities: ['commands', 'compute'],
  permissions: AGENT_PERMISSIONS,
  effects: () => [{ verb: 'data', scope: 'protected', what: 'file systems frozen by the agent' }],
  handler: ({ cloud, pollIntervalMs }): ActionHandler => {
    const handler = commandHandler(cloud, freeze, pollIntervalMs);
    handler.cancel = async (ctx) => {
      const handle = ctx.handle as { instances?: string[]; region?: string } | undefined;
      if (handle?.instances && handle.region) await thawAfter(cloud, ctx, handle.instances, handle.region);
    };
    return handler;
  },
});
