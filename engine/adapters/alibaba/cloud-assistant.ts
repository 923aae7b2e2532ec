/**
 * Cloud Assistant for a fleet: drbot's agent documents become Cloud Assistant commands
 * (CreateCommand / ModifyCommand, found again by name with DescribeCommands), invoked on ≤ 100
 * instances per InvokeCommand with a ClientToken derived from the step's idempotency key, and
 * polled with DescribeInvocationResults. Before invoking, DescribeCloudAssistantStatus checks that
 * every instance runs the client: a missing client is a blocker, not a timeout ten minutes later.
 *
 * The SSM documents (agent/documents/*.yaml) are converted: their shell lines become a
 * RunShellScript command with custom parameters ({{name}}, EnableParameter). The agent's
 * parameter builders already refuse quotes, `$`, backticks and backslashes, so the values Cloud
 * Assistant substitutes into the script cannot break out of it.
 */
import { createHash } from 'node:crypto';
import * as Ecs from '@alicloud/ecs20140526';
import { parse } from 'yaml';
import type { CommandInvocation, CommandInvocationStatus, CommandResult } from '../../cloud/commands.js';
import { NonRetryableError } from '../../errors.js';
import { boundedToken, chunk, unique } from '../aws/batching.js';
import type { EcsClient } from './clients.js';
import { aliCall } from './errors.js';
import { ECS_BATCH } from './inventory.js';

const SEPARATOR = '+';

/** Cloud Assistant's limit on a command's content after base64 encoding (API reference: 18 KB). */
export const MAX_COMMAND_CONTENT = 18 * 1024;

export type DocumentOutcome = 'created' | 'updated' | 'unchanged';

/** The shell script of an SSM document (the runCommand lines of its first step). */
export function documentScript(content: string): string {
  const doc = parse(content) as { mainSteps?: { inputs?: { runCommand?: string[] } }[] } | null;
  const lines = doc?.mainSteps?.[0]?.inputs?.runCommand;
  if (!Array.isArray(lines)) return content;
  return `#!/bin/sh\n${lines.join('\n')}\n`;
}

function hashOf(script: string): string {
  return `drbot sha256:${createHash('sha256').update(script).digest('hex').slice(0, 32)}`;
}

async function findCommand(client: EcsClient, region: string, name: string) {
  const res = await aliCall(`ECS DescribeCommands ${name} in ${region}`, () =>
    client.describeCommands(new Ecs.DescribeCommandsRequest({ regionId: region, name, pageSize: 50 })),
  );
  return (res.body?.commands?.command ?? []).find((c) => c.name === name);
}

/** Creates or updates drbot's commands in `region` (describe before create). */
export async function ensureCommands(
  client: EcsClient,
  region: string,
  docs: { name: string; content: string }[],
): Promise<Record<string, DocumentOutcome>> {
  const out: Record<string, DocumentOutcome> = {};
  for (const doc of docs) {
    const script = documentScript(doc.content);
    const description = hashOf(script);
    const commandContent = Buffer.from(script, 'utf8').toString('base64');
    if (commandContent.length > MAX_COMMAND_CONTENT) continue;
    const existing = await findCommand(client, region, doc.name);
    if (existing?.commandId && existing.description === description) {
      out[doc.name] = 'unchanged';
    } else if (existing?.commandId) {
      const commandId = existing.commandId;
      await aliCall(`ECS ModifyCommand ${doc.name} in ${region}`, () =>
        client.modifyCommand(
          new Ecs.ModifyCommandRequest({ regionId: region, commandId, commandContent, description }),
        ),
      );
      out[doc.name] = 'updated';
    } else {
      await aliCall(`ECS CreateCommand ${doc.name} in ${region}`, () =>
        client.createCommand(
          new Ecs.CreateCommandRequest({
            regionId: region,
            name: doc.name,
            type: 'RunShellScript',
            commandContent,
            enableParameter: true,
            description,
            timeout: 600,
          }),
        ),
      );
      out[doc.name] = 'created';
    }
  }
  return out;
}

/** DescribeCloudAssistantStatus and DescribeInvocationResults: at most 50 per page. */
const STATUS_BATCH = 50;

/** Instances (of `ids`) whose Cloud Assistant client is not running, ≤ 50 ids per call. */
export async function missingCloudAssistant(
  client: EcsClient,
  region: string,
  ids: string[],
): Promise<string[]> {
  const ok = new Set<string>();
  for (const batch of chunk(unique(ids), STATUS_BATCH)) {
    const res = await aliCall(`ECS DescribeCloudAssistantStatus in ${region}`, () =>
      client.describeCloudAssistantStatus(
        new Ecs.DescribeCloudAssistantStatusRequest({
          regionId: region,
          instanceId: batch,
          pageSize: STATUS_BATCH,
        }),
      ),
    );
    for (const s of res.body?.instanceCloudAssistantStatusSet?.instanceCloudAssistantStatus ?? [])
      if (s.instanceId && s.cloudAssistantStatus === 'true') ok.add(s.instanceId);
  }
  return unique(ids).filter((id) => !ok.has(id));
}

export async function invokeFleet(
  client: EcsClient,
  instanceIds: string[],
  region: string,
  document: string,
  parameters: Record<string, string[]>,
  idempotencyKey: string,
): Promise<{ commandId: string }> {
  const missing = await missingCloudAssistant(client, region, instanceIds);
  if (missing.length > 0) {
    throw new NonRetryableError(
      `Cloud Assistant is not running on ${missing.length} instance(s) in ${region}.`,
      {
        code: 'CLOUD_ASSISTANT_MISSING',
        explanation: `drbot runs its agent through Cloud Assistant; these instances have no running client: ${missing.join(', ')}.`,
        action:
          'Install or start the Cloud Assistant client on them (ECS console → Cloud Assistant), or bake it into the image, then retry.',
        context: { instanceIds: missing, region },
      },
    );
  }
  const command = await findCommand(client, region, document);
  if (!command?.commandId) {
    throw new NonRetryableError(`No Cloud Assistant command ${document} in ${region}.`, {
      code: 'COMMAND_NOT_FOUND',
      explanation: `drbot invokes its agent documents as Cloud Assistant commands by name, and ${region} has no command named ${document}.`,
      action: `Let drbot create its commands (the agent steps do it before first use), or create ${document} in ${region}, then retry. Documents over Cloud Assistant's 18 KB (DrbotInstallAgent) are never created: bake drbot-agent into the image or install it from user data.`,
    });
  }
  const commandId = command.commandId;
  const values: Record<string, string> = {};
  for (const name of command.parameterNames?.parameterName ?? []) values[name] = '';
  for (const [name, list] of Object.entries(parameters)) values[name] = list.join(' ');
  const ids: string[] = [];
  for (const [index, batch] of chunk(unique(instanceIds), ECS_BATCH).entries()) {
    const res = await aliCall(`ECS InvokeCommand ${document} on ${batch.length} instances in ${region}`, () =>
      client.invokeCommand(
        new Ecs.InvokeCommandRequest({
          regionId: region,
          commandId,
          instanceId: batch,
          ...(command.enableParameter ? { parameters: values } : {}),
          clientToken: boundedToken(`${idempotencyKey}#${index}`, 64),
        }),
      ),
    );
    ids.push(res.body?.invokeId ?? '');
  }
  return { commandId: ids.join(SEPARATOR) };
}

export function mapInvocationStatus(status: string | undefined): CommandInvocationStatus {
  switch (status) {
    case 'Success':
      return 'success';
    case 'Running':
    case 'Stopping':
      return 'in-progress';
    case 'Failed':
    case 'Error':
    case 'Invalid':
    case 'Aborted':
      return 'failed';
    case 'Timeout':
      return 'timed-out';
    case 'Cancelled':
    case 'Terminated':
    case 'Stopped':
      return 'cancelled';
    default:
      return 'pending';
  }
}

const FINAL: ReadonlySet<CommandInvocationStatus> = new Set(['success', 'failed', 'timed-out', 'cancelled']);

export async function invocationStatus(
  client: EcsClient,
  commandId: string,
  region: string,
): Promise<CommandResult> {
  const invocations: CommandInvocation[] = [];
  for (const invokeId of commandId.split(SEPARATOR).filter(Boolean)) {
    for (let pageNumber = 1; ; pageNumber++) {
      const res = await aliCall(`ECS DescribeInvocationResults ${invokeId} in ${region}`, () =>
        client.describeInvocationResults(
          new Ecs.DescribeInvocationResultsRequest({
            regionId: region,
            invokeId,
            contentEncoding: 'PlainText',
            pageSize: STATUS_BATCH,
            pageNumber,
          }),
        ),
      );
      const results = res.body?.invocation?.invocationResults?.invocationResult ?? [];
      for (const r of results) {
        const status = mapInvocationStatus(r.invocationStatus);
        invocations.push({
          instanceId: r.instanceId ?? '',
          status,
          ...(FINAL.has(status) && r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
          ...(r.output ? { stdout: r.output } : {}),
          ...(r.errorInfo ? { stderr: r.errorInfo } : {}),
        });
      }
      if (
        results.length < STATUS_BATCH ||
        pageNumber * STATUS_BATCH >= (res.body?.invocation?.totalCount ?? 0)
      )
        break;
    }
  }
  const done = invocations.length > 0 && invocations.every((i) => FINAL.has(i.status));
  return { commandId, done, invocations };
}
