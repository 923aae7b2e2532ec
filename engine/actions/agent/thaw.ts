/** agent.thaw: thaws file systems frozen by agent.freeze. */
import { AGENT_DOCUMENTS, thawParameters } from '../../../agent/commands.js';
import { DrbotError } from '../../errors.js';
import { dirList, instanceList } from '../support/schemas.js';
import { defineAction } from '../types.js';
import { AGENT_PERMISSIONS, agentHandler, type CommandAction, describeFailures, dirs } from './command.js';

const thaw: CommandAction<'thaw'> = {
  name: 'agent.thaw',
  command: 'thaw',
  document: AGENT_DOCUMENTS.thaw,
  defaultSide: 'protected',
  protectedDefault: true,
  parameters: (ctx) => thawParameters({ dirs: dirs(ctx, 'agent.thaw') }),
  finish(_ctx, results) {
    const failed = results.filter((o) => o.failure !== undefined);
    if (failed.length > 0) {
      throw new DrbotError(
        `Thaw failed on ${failed.length} of ${results.length} instance(s): ${describeFailures(failed)}`,
        {
          code: 'AGENT_THAW_FAILED',
          explanation:
            'fsfreeze -u or a post-snapshot hook failed. The agent watchdog still thaws the disks after maxFreeze.',
          action:
            'On the instances named run `sudo drbot-agent thaw` (or `sudo fsfreeze -u <dir>`) and check the post-snapshot hooks.',
          context: { failed: failed.map((o) => o.instanceId) },
        },
      );
    }
    return { status: 'done', outputs: {} };
  },
};

export default defineAction({
  name: 'agent.thaw',
  typicalDuration: '10s',
  mutating: true,
  description: 'Thaws file systems frozen by agent.freeze.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { instances: instanceList, dirs: dirList('Mount points.') },
  },
  outputs: {},
  capabilities: ['commands', 'compute'],
  permissions: AGENT_PERMISSIONS,
  effects: () => [{ verb: 'data', scope: 'protected', what: 'file systems thawed by the agent' }],
  handler: agentHandler(thaw),
});
