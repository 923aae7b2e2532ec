/** ssm.runCommand: send, then poll the invocations; a failure names every failed instance. */
import { AGENT_DOCUMENTS } from '../../../agent/commands.js';
import type { CommandResult } from '../../cloud/commands.js';
import { DrbotError } from '../../errors.js';
import { sideScope } from '../support/effects.js';
import { invalidInput, optionalString, stringList } from '../support/inputs.js';
import { regionOf } from '../support/regions.js';
import { instanceList, side } from '../support/schemas.js';
import { type ActionDeps, type ActionHandler, type ActionResult, defineAction } from '../types.js';

/** SSM documents that only read (the agent's health and read-mark). */
const READ_ONLY_DOCUMENTS: ReadonlySet<string> = new Set([AGENT_DOCUMENTS.health, AGENT_DOCUMENTS.readMark]);

interface CommandHandle {
  commandId: string;
  region: string;
  document: string;
}

function commandOutcome(result: CommandResult, handle: CommandHandle, pollIntervalMs: number): ActionResult {
  if (!result.done) return { status: 'pending', handle, pollAfterMs: pollIntervalMs };
  const failed = result.invocations.filter((i) => i.status !== 'success');
  if (failed.length > 0) {
    const describe = failed
      .map((i) => {
        const why = (i.stderr ?? '').trim().split('\n')[0];
        return `${i.instanceId} (${i.status}${i.exitCode !== undefined ? `, exit ${i.exitCode}` : ''}${why ? `: ${why}` : ''})`;
      })
      .join('; ');
    throw new DrbotError(
      `${handle.document} failed on ${failed.length} of ${result.invocations.length} instance(s): ${describe}`,
      {
        code: 'SSM_COMMAND_FAILED',
        explanation: `SSM command ${handle.commandId} did not succeed everywhere; the instances named failed or timed out.`,
        action:
          'Read the output of each failed instance (SSM console or the step output) and fix it, then retry the run.',
        context: { commandId: handle.commandId, failed: failed.map((i) => i.instanceId) },
      },
    );
  }
  return {
    status: 'done',
    outputs: {
      commandId: handle.commandId,
      results: result.invocations.map((i) => ({
        instanceId: i.instanceId,
        status: i.status,
        exitCode: i.exitCode,
        stdout: i.stdout ?? '',
      })),
    },
  };
}

export function runCommandHandler({ cloud, pollIntervalMs }: ActionDeps): ActionHandler {
  return {
    async start(ctx) {
      const region = regionOf(ctx.runbook, ctx.mode, ctx.inputs.side);
      // `runOwned: true` targets what this run launched (found by its run-id tag, never by id), so
      // a drill's hooks can only ever reach its own copies
      const instances =
        ctx.inputs.runOwned === true
          ? (await cloud.findRunOwned(ctx.runId, region))
              .filter((i) => i.state === 'running')
              .map((i) => i.id)
          : (stringList('ssm.runCommand', ctx.inputs, 'instances') ?? []);
      if (instances.length === 0)
        throw invalidInput(
          'ssm.runCommand',
          'instances',
          'a non-empty list of ids (or runOwned: true)',
          instances,
        );
      const document = optionalString('ssm.runCommand', ctx.inputs, 'document');
      if (!document) throw invalidInput('ssm.runCommand', 'document', 'an SSM document name', document);
      const parameters = (ctx.inputs.parameters ?? {}) as Record<string, string[]>;
      const { commandId } = await cloud.runCommand(
        instances,
        region,
        document,
        parameters,
        ctx.idempotencyKey,
      );
      return { status: 'pending', handle: { commandId, region, document }, pollAfterMs: pollIntervalMs };
    },
    async poll(ctx) {
      const handle = ctx.handle as CommandHandle;
      return commandOutcome(
        await cloud.commandStatus(handle.commandId, handle.region),
        handle,
        pollIntervalMs,
      );
    },
  };
}

export default defineAction({
  name: 'ssm.runCommand',
  typicalDuration: '2m',
  mutating: true,
  description:
    'Runs an SSM document on instances and waits for every invocation; fails naming each failed instance.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['document'],
    oneOf: [{ required: ['instances'] }, { required: ['runOwned'] }],
    properties: {
      instances: instanceList,
      runOwned: {
        type: 'boolean',
        const: true,
        description:
          "The run's own running instances on the side (tagged with the run id): what a drill's hooks target.",
      },
      document: {
        type: 'string',
        minLength: 1,
        description: 'SSM document name, e.g. AWS-RunShellScript.',
      },
      parameters: {
        type: 'object',
        additionalProperties: { type: 'array', items: { type: 'string' } },
        description: 'Document parameters.',
      },
      side,
    },
  },
  outputs: {
    commandId: 'The SSM command id.',
    results: 'Per instance: { instanceId, status, exitCode, stdout }.',
  },
  capabilities: ['commands'],
  permissions: {
    // on Alibaba Cloud the document is a Cloud Assistant command, invoked by name
    alibaba: [
      'ecs:DescribeCloudAssistantStatus',
      'ecs:DescribeCommands',
      'ecs:InvokeCommand',
      'ecs:DescribeInvocationResults',
    ],
    aws: [
      { statement: 'SendDrbotDocuments', actions: ['ssm:SendCommand'] },
      {
        statement: 'ReadCommandResults',
        actions: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands'],
      },
      { statement: 'CancelCommands', actions: ['ssm:CancelCommand'] },
    ],
  },
  // only the agent's read-only documents are reads; any other document changes the instances
  effects: (inputs) => {
    // only `runOwned: true` without named instances is run-owned: named ids may be anything
    const scope =
      inputs.runOwned === true && inputs.instances === undefined ? 'run-owned' : sideScope(inputs.side);
    return [
      READ_ONLY_DOCUMENTS.has(inputs.document as string)
        ? { verb: 'read', scope, what: `instances (${String(inputs.document)})` }
        : { verb: 'data', scope, what: 'a command run on instances' },
    ];
  },
  handler: runCommandHandler,
});
