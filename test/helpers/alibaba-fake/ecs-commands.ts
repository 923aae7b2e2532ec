/**
 * Cloud Assistant operations of the fake: DescribeCloudAssistantStatus, CreateCommand,
 * DescribeCommands, ModifyCommand, InvokeCommand, RunCommand, DescribeInvocationResults.
 * Invocations finish `commandMs` after they start, with exit code 0 and the output "ok".
 */
import type { Handler } from './ecs-instances.js';
import type { EcsFakeState, FakeCommand } from './ecs-state.js';
import { ApiError, indexed, type Params, page, required } from './params.js';

/** `{{name}}` custom parameters of a script (built-in `{{ACS::…}}` ones excluded). */
function parameterNames(base64: string): string[] {
  const script = Buffer.from(base64, 'base64').toString('utf8');
  const names = new Set<string>();
  for (const m of script.matchAll(/\{\{\s*([A-Za-z0-9_-]+)\s*\}\}/g)) names.add(m[1] as string);
  return [...names];
}

function instancesOf(state: EcsFakeState, action: string, p: Params): string[] {
  const ids = indexed(p, 'InstanceId');
  if (ids.length > 100)
    throw new ApiError(400, 'InvalidParameter.InstanceIds', `${action} takes at most 100 instances`);
  for (const id of ids) {
    const i = state.instances.get(id);
    if (!i || i.RegionId !== p.RegionId)
      throw new ApiError(404, 'InvalidInstance.NotFound', `The specified instance ${id} does not exist.`);
    if (!i.cloudAssistant)
      throw new ApiError(
        403,
        'InstanceNotRunning.CloudAssistant',
        `The Cloud Assistant client of ${id} is not running.`,
      );
    if (i.status !== 'Running')
      throw new ApiError(403, 'InstanceNotRunning', `The instance ${id} is not running.`);
  }
  return ids;
}

function invoke(state: EcsFakeState, p: Params, command: FakeCommand, ids: string[]): string {
  const parameters = p.Parameters ? (JSON.parse(p.Parameters) as Record<string, string>) : {};
  if (command.EnableParameter) {
    const missing = command.ParameterNames.filter((n) => parameters[n] === undefined);
    if (missing.length > 0)
      throw new ApiError(400, 'MissingParameter.Parameters', `Parameters lacks ${missing.join(', ')}.`);
  }
  const InvokeId = state.id('t', p.RegionId as string);
  state.invocations.set(InvokeId, {
    InvokeId,
    RegionId: p.RegionId as string,
    CommandId: command.CommandId,
    instanceIds: ids,
    parameters,
    doneAt: state.now + state.commandMs,
  });
  return InvokeId;
}

const describeStatus: Handler = (state, p) => {
  required(p, 'DescribeCloudAssistantStatus', ['RegionId']);
  if (Number(p.PageSize ?? 10) > 50)
    throw new ApiError(400, 'InvalidParam.PageSize', 'PageSize: at most 50.');
  const ids = indexed(p, 'InstanceId');
  const found = ids.map((id) => state.instances.get(id)).filter((i) => i && i.RegionId === p.RegionId);
  return {
    InstanceCloudAssistantStatusSet: {
      InstanceCloudAssistantStatus: found.map((i) => ({
        InstanceId: i?.InstanceId,
        CloudAssistantStatus: String(i?.cloudAssistant ?? false),
        OSType: 'Linux',
        CloudAssistantVersion: '2.2.3.500',
      })),
    },
    TotalCount: found.length,
  };
};

const createCommand: Handler = (state, p) => {
  required(p, 'CreateCommand', ['RegionId', 'Name', 'Type', 'CommandContent']);
  if ((p.CommandContent as string).length > 18 * 1024)
    throw new ApiError(
      400,
      'InvalidCmdContent.SizeLimitExceed',
      'The CommandContent exceeds 18 KB after base64 encoding.',
    );
  const taken = [...state.commands.values()].some((c) => c.RegionId === p.RegionId && c.Name === p.Name);
  if (taken)
    throw new ApiError(400, 'InvalidCommandName.Duplicated', `A command named ${p.Name} already exists.`);
  const CommandId = state.id('c', p.RegionId as string);
  state.commands.set(CommandId, {
    CommandId,
    RegionId: p.RegionId as string,
    Name: p.Name as string,
    Type: p.Type as string,
    CommandContent: p.CommandContent as string,
    Description: p.Description ?? '',
    EnableParameter: p.EnableParameter === 'true',
    ParameterNames: p.EnableParameter === 'true' ? parameterNames(p.CommandContent as string) : [],
  });
  return { CommandId };
};

const describeCommands: Handler = (state, p) => {
  required(p, 'DescribeCommands', ['RegionId']);
  const found = [...state.commands.values()].filter(
    (c) =>
      c.RegionId === p.RegionId &&
      (!p.Name || c.Name === p.Name) &&
      (!p.CommandId || c.CommandId === p.CommandId),
  );
  const { items, ...paging } = page(p, found, 50);
  return {
    Commands: {
      Command: items.map((c) => ({ ...c, ParameterNames: { ParameterName: c.ParameterNames } })),
    },
    ...paging,
  };
};

const modifyCommand: Handler = (state, p) => {
  required(p, 'ModifyCommand', ['RegionId', 'CommandId']);
  const command = state.commands.get(p.CommandId as string);
  if (!command || command.RegionId !== p.RegionId)
    throw new ApiError(
      404,
      'InvalidCommandId.NotFound',
      `The specified command ${p.CommandId} does not exist.`,
    );
  if (p.CommandContent) {
    command.CommandContent = p.CommandContent;
    if (command.EnableParameter) command.ParameterNames = parameterNames(p.CommandContent);
  }
  if (p.Description !== undefined) command.Description = p.Description;
  return {};
};

const invokeCommand: Handler = (state, p) => {
  required(p, 'InvokeCommand', ['RegionId', 'CommandId', 'InstanceId.1']);
  const token = p.ClientToken ? `InvokeCommand:${p.ClientToken}` : undefined;
  if (token && state.tokens.has(token)) return state.tokens.get(token) as Record<string, unknown>;
  const command = state.commands.get(p.CommandId as string);
  if (!command || command.RegionId !== p.RegionId)
    throw new ApiError(
      404,
      'InvalidCommandId.NotFound',
      `The specified command ${p.CommandId} does not exist.`,
    );
  const answer = { InvokeId: invoke(state, p, command, instancesOf(state, 'InvokeCommand', p)) };
  if (token) state.tokens.set(token, answer);
  return answer;
};

const runCommand: Handler = (state, p) => {
  required(p, 'RunCommand', ['RegionId', 'Type', 'CommandContent', 'InstanceId.1']);
  const ids = instancesOf(state, 'RunCommand', p);
  const CommandId = state.id('c', p.RegionId as string);
  const command: FakeCommand = {
    CommandId,
    RegionId: p.RegionId as string,
    Name: p.Name ?? CommandId,
    Type: p.Type as string,
    CommandContent:
      p.ContentEncoding === 'PlainText'
        ? Buffer.from(p.CommandContent as string).toString('base64')
        : (p.CommandContent as string),
    Description: '',
    EnableParameter: p.EnableParameter === 'true',
    ParameterNames: [],
  };
  return { CommandId, InvokeId: invoke(state, p, command, ids) };
};

const describeInvocationResults: Handler = (state, p) => {
  required(p, 'DescribeInvocationResults', ['RegionId']);
  const invocation = p.InvokeId ? state.invocations.get(p.InvokeId) : undefined;
  if (p.InvokeId && (!invocation || invocation.RegionId !== p.RegionId))
    throw new ApiError(
      404,
      'InvalidInvokeId.NotFound',
      `The specified invocation ${p.InvokeId} does not exist.`,
    );
  const done = invocation ? invocation.doneAt <= state.now : false;
  const plain = p.ContentEncoding === 'PlainText';
  const rows = (invocation?.instanceIds ?? []).map((InstanceId) => ({
    InstanceId,
    InvokeId: invocation?.InvokeId,
    CommandId: invocation?.CommandId,
    InvocationStatus: done ? 'Success' : 'Running',
    InvokeRecordStatus: done ? 'Finished' : 'Running',
    ExitCode: done ? 0 : undefined,
    Output: done ? (plain ? 'ok\n' : Buffer.from('ok\n').toString('base64')) : '',
    ErrorCode: '',
    ErrorInfo: '',
  }));
  const { items, ...paging } = page(p, rows, 50);
  return { Invocation: { InvocationResults: { InvocationResult: items }, ...paging } };
};

export const COMMAND_HANDLERS: Record<string, Handler> = {
  DescribeCloudAssistantStatus: describeStatus,
  CreateCommand: createCommand,
  DescribeCommands: describeCommands,
  ModifyCommand: modifyCommand,
  InvokeCommand: invokeCommand,
  RunCommand: runCommand,
  DescribeInvocationResults: describeInvocationResults,
};
