/** agent.install: installs the drbot agent through the commands capability, one note per machine. */
import { AGENT_DOCUMENTS, installParameters } from '../../../agent/commands.js';
import { DrbotError } from '../../errors.js';
import { sideScope } from '../support/effects.js';
import { instanceList, side } from '../support/schemas.js';
import { defineAction } from '../types.js';
import { AGENT_PERMISSIONS, agentHandler, type CommandAction, describeFailures } from './command.js';

const install: CommandAction<'install'> = {
  name: 'agent.install',
  command: 'install',
  document: AGENT_DOCUMENTS.install,
  defaultSide: 'recovery',
  protectedDefault: true,
  parameters: () => installParameters({}),
  sent(ctx, instances) {
    for (const id of instances) ctx.note(`Attempting to install agent on machine ${id}`, { instanceId: id });
  },
  finish(ctx, results) {
    for (const o of results) {
      if (o.failure === undefined) {
        const how = o.result
          ? ` (agent ${o.result.agentVersion ?? '?'}, RPO marker via ${o.result.scheduler})`
          : '';
        ctx.note(`Agent installed successfully on machine ${o.instanceId}${how}`, {
          instanceId: o.instanceId,
        });
      } else {
        ctx.note(`Agent installation failed on machine ${o.instanceId}: ${o.failure}`, {
          instanceId: o.instanceId,
        });
      }
    }
    const failed = results.filter((o) => o.failure !== undefined);
    if (failed.length > 0) {
      throw new DrbotError(
        `Agent installation failed on ${failed.length} of ${results.length} machine(s): ${describeFailures(failed)}`,
        {
          code: 'AGENT_INSTALL_FAILED',
          explanation:
            'The DrbotInstallAgent command did not succeed on the machines named (SSM agent offline, no root, read-only disk…).',
          action:
            'Check that the SSM agent is online on those machines and read the command output in the SSM console; the step retries by its retry policy.',
          context: { failed: failed.map((o) => o.instanceId) },
        },
      );
    }
    return { status: 'done', outputs: { installed: results.map((o) => o.instanceId) } };
  },
};

export default defineAction({
  name: 'agent.install',
  typicalDuration: '3m',
  mutating: true,
  description: 'Installs the drbot agent on instances through SSM, reporting each instance.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { instances: instanceList, side },
  },
  outputs: { installed: 'Instance ids where the agent is installed.' },
  capabilities: ['commands', 'compute'],
  permissions: AGENT_PERMISSIONS,
  // without instances (or with an empty list, or a list lint cannot know) it installs on the
  // protected instances, which live on the protected side
  effects: (inputs) => {
    const named = Array.isArray(inputs.instances) && inputs.instances.length > 0;
    return [
      {
        verb: 'data',
        scope: sideScope(inputs.side, named ? 'recovery' : 'protected'),
        what: 'the drbot agent installed on instances',
      },
    ];
  },
  handler: agentHandler(install),
});
