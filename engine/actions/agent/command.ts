/**
 * What the agent.* actions share: choosing the instances and the region, sending a Drbot*
 * document with the step's idempotency key, and turning each instance's invocation into either
 * the typed agent result or a one-line reason it failed.
 */
import { AGENT_DOCUMENTS, agentDocuments, thawParameters } from '../../../agent/commands.js';
import type { AgentCommand } from '../../../agent/document-specs.js';
import { AgentError } from '../../../agent/errors.js';
import { type AgentResults, isAgentFailure, parseAgentOutput } from '../../../agent/output.js';
import type { CommandInvocationStatus, CommandResult } from '../../cloud/commands.js';
import type { CloudProvider } from '../../cloud/provider.js';
import { NonRetryableError } from '../../errors.js';
import { invalidInput, stringList } from '../support/inputs.js';
import { inSideZone, regionOf, type Side, sideSelector } from '../support/regions.js';
import type { ActionContext, ActionDeps, ActionHandler, ActionPermissions, ActionResult } from '../types.js';

export interface AgentCommandHandle {
  commandId: string;
  region: string;
  document: string;
  instances: string[];
}

export interface InstanceOutcome<C extends AgentCommand> {
  instanceId: string;
  status: CommandInvocationStatus | 'missing';
  /** The agent's result when its output could be read (it may still say `ok: false`). */
  result?: AgentResults[C];
  /** Why the instance failed, one line; undefined when the agent ran and reported ok. */
  failure?: string;
}

/** Engine error for an agent helper error (bad parameter, unknown document). */
export function fromAgentError(err: unknown): unknown {
  if (!(err instanceof AgentError)) return err;
  return new NonRetryableError(err.message, {
    code: err.code,
    explanation: err.explanation,
    action: err.action,
    cause: err,
  });
}

/** A string or a list of strings (runbooks often write `http: http://localhost/healthz`). */
export function stringOrList(
  action: string,
  inputs: Record<string, unknown>,
  field: string,
): string[] | undefined {
  const value = inputs[field];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.length > 0) return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length > 0))
    return value as string[];
  throw invalidInput(action, field, 'a string or a list of strings', value);
}

/**
 * The step's instances and region. Without `instances`, actions that allow it act on the
 * protected instances (spec.protect) of the chosen side.
 */
export async function targetInstances(
  cloud: CloudProvider,
  ctx: ActionContext,
  action: string,
  defaultSide: Side,
  allowProtectedDefault: boolean,
): Promise<{ instances: string[]; region: string }> {
  const given = stringList(action, ctx.inputs, 'instances');
  const named = given !== undefined && given.length > 0;
  const explicit =
    ctx.inputs.side === 'protected' || ctx.inputs.side === 'recovery' ? ctx.inputs.side : undefined;
  // without instances the step means "the protected instances", which live on the protected side
  const side = explicit ?? (named || !allowProtectedDefault ? defaultSide : 'protected');
  const region = regionOf(ctx.runbook, ctx.mode, side);
  if (named) return { instances: [...new Set(given)], region };
  if (allowProtectedDefault) {
    // the side's selector carries its zone: the provider keeps one instance per origin, and
    // across zones the newest of an origin is the copy on the other side, not the original here
    const found = inSideZone(
      ctx.runbook,
      ctx.mode,
      side,
      await cloud.listProtected(sideSelector(ctx.runbook, ctx.mode, side), region),
    );
    const running = found.filter((i) => i.state === 'running').map((i) => i.id);
    if (running.length > 0) return { instances: running, region };
  }
  throw new NonRetryableError(`${action} has no instances to act on in ${region}`, {
    code: 'NO_INSTANCES',
    explanation: allowProtectedDefault
      ? `The step names no \`instances\` and no running instance in ${region} matches spec.protect.`
      : 'The step input `instances` is empty.',
    action:
      'Set `instances` (usually `${{ steps.<launch>.outputs.instanceIds }}`) or check spec.protect and `side`.',
  });
}

/** Regions whose documents this process already deployed, per provider. */
const deployed = new WeakMap<CloudProvider, Set<string>>();

/** Creates or updates the Drbot* documents in `region` once per process (providers that need it). */
export async function ensureAgentDocuments(cloud: CloudProvider, region: string): Promise<void> {
  if (!cloud.ensureDocuments) return;
  const regions = deployed.get(cloud) ?? new Set<string>();
  deployed.set(cloud, regions);
  if (regions.has(region)) return;
  await cloud.ensureDocuments(region, agentDocuments());
  regions.add(region);
}

export async function sendAgentCommand(
  cloud: CloudProvider,
  target: { instances: string[]; region: string },
  document: string,
  parameters: Record<string, string[]>,
  idempotencyKey: string,
  pollAfterMs: number,
): Promise<ActionResult> {
  await ensureAgentDocuments(cloud, target.region);
  const { commandId } = await cloud.runCommand(
    target.instances,
    target.region,
    document,
    parameters,
    idempotencyKey,
  );
  const handle: AgentCommandHandle = { commandId, document, ...target };
  return { status: 'pending', handle, pollAfterMs };
}

export function commandHandle(ctx: ActionContext): AgentCommandHandle {
  return ctx.handle as AgentCommandHandle;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n')[0] ?? '';
}

/** Reads every instance of a finished command. */
export function outcomes<C extends AgentCommand>(
  command: C,
  result: CommandResult,
  handle: AgentCommandHandle,
): InstanceOutcome<C>[] {
  return handle.instances.map((instanceId): InstanceOutcome<C> => {
    const invocation = result.invocations.find((i) => i.instanceId === instanceId);
    if (!invocation) return { instanceId, status: 'missing', failure: 'SSM reported no invocation' };
    const { status } = invocation;
    if (status === 'timed-out' || status === 'cancelled') {
      const why = firstLine(invocation.stderr);
      return { instanceId, status, failure: `the command ${status}${why ? `: ${why}` : ''}` };
    }
    try {
      const parsed = parseAgentOutput(command, invocation.stdout ?? '');
      if (isAgentFailure(parsed))
        return { instanceId, status, failure: `${parsed.error.code}: ${parsed.error.message}` };
      const failure = parsed.ok ? undefined : (parsed.error?.message ?? `the agent reported a failure`);
      return { instanceId, status, result: parsed, failure };
    } catch (err) {
      const why = firstLine(invocation.stderr) || (err instanceof Error ? err.message : String(err));
      const exit = invocation.exitCode === undefined ? '' : `, exit ${invocation.exitCode}`;
      return { instanceId, status, failure: `${status}${exit}: ${why}` };
    }
  });
}

/** `i-1 (reason); i-2 (reason)` for error messages. */
export function describeFailures(list: InstanceOutcome<AgentCommand>[]): string {
  return list.map((o) => `${o.instanceId} (${o.failure})`).join('; ');
}

export interface CommandAction<C extends AgentCommand> {
  name: string;
  command: C;
  document: string;
  defaultSide: Side;
  /** Whether a step without `instances` acts on the protected instances. */
  protectedDefault: boolean;
  parameters(ctx: ActionContext): Record<string, string[]>;
  /** Called once the command is done everywhere, with each instance's outcome. */
  finish(
    ctx: ActionContext,
    results: InstanceOutcome<C>[],
    cloud: CloudProvider,
  ): Promise<ActionResult> | ActionResult;
  /** Called after the command was sent (e.g. audit notes). */
  sent?(ctx: ActionContext, instances: string[]): void;
}

export function commandHandler<C extends AgentCommand>(
  cloud: CloudProvider,
  spec: CommandAction<C>,
  pollIntervalMs: number,
): ActionHandler {
  return {
    async start(ctx) {
      let parameters: Record<string, string[]>;
      try {
        parameters = spec.parameters(ctx);
      } catch (err) {
        throw fromAgentError(err);
      }
      const target = await targetInstances(cloud, ctx, spec.name, spec.defaultSide, spec.protectedDefault);
      spec.sent?.(ctx, target.instances);
      return sendAgentCommand(cloud, target, spec.document, parameters, ctx.idempotencyKey, pollIntervalMs);
    },
    async poll(ctx) {
      const handle = commandHandle(ctx);
      const status = await cloud.commandStatus(handle.commandId, handle.region);
      if (!status.done) return { status: 'pending', handle, pollAfterMs: pollIntervalMs };
      return spec.finish(ctx, outcomes(spec.command, status, handle), cloud);
    },
  };
}

export function dirs(ctx: ActionContext, action: string): string[] | undefined {
  return stringOrList(action, ctx.inputs, 'dirs');
}

/** Best effort: thaw instances a failed or cancelled freeze left frozen (the watchdog is the backstop). */
export async function thawAfter(
  cloud: CloudProvider,
  ctx: ActionContext,
  instances: string[],
  region: string,
) {
  if (instances.length === 0) return;
  try {
    const parameters = thawParameters({ dirs: dirs(ctx, 'agent.freeze') });
    await cloud.runCommand(instances, region, AGENT_DOCUMENTS.thaw, parameters, `${ctx.idempotencyKey}:thaw`);
    ctx.note(`Sent DrbotThaw to ${instances.join(', ')} so nothing stays frozen`);
  } catch (err) {
    ctx.note(
      `Could not send DrbotThaw to ${instances.join(', ')}: the agent watchdog thaws them (${String(err)})`,
    );
  }
}

/**
 * What every agent action may call on AWS: drbot's own SSM documents (installed before first use
 * in a region), their results, and the protected instances they target by default.
 */
export const AGENT_PERMISSIONS: ActionPermissions = {
  aws: [
    { statement: 'DescribeFleet', actions: ['ec2:DescribeInstances'] },
    { statement: 'SendDrbotDocuments', actions: ['ssm:SendCommand'] },
    {
      statement: 'MaintainDrbotDocuments',
      actions: [
        'ssm:DescribeDocument',
        'ssm:GetDocument',
        'ssm:CreateDocument',
        'ssm:UpdateDocument',
        'ssm:UpdateDocumentDefaultVersion',
      ],
    },
    {
      statement: 'ReadCommandResults',
      actions: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands'],
    },
    { statement: 'CancelCommands', actions: ['ssm:CancelCommand'] },
  ],
  alibaba: [
    'ecs:DescribeInstances',
    'ecs:DescribeDisks',
    'ecs:DescribeCloudAssistantStatus',
    'ecs:DescribeCommands',
    'ecs:CreateCommand',
    'ecs:ModifyCommand',
    'ecs:InvokeCommand',
    'ecs:DescribeInvocationResults',
  ],
};

/** The handler factory of an agent action. */
export function agentHandler<C extends AgentCommand>(spec: CommandAction<C>) {
  return ({ cloud, pollIntervalMs }: ActionDeps): ActionHandler =>
    commandHandler(cloud, spec, pollIntervalMs);
}
