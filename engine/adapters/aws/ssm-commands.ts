/**
 * SSM Run Command for a fleet. SendCommand takes ≤ 50 instance ids, so a fleet becomes several
 * commands whose ids are joined into one composite id (`<uuid>+<uuid>+…`) that `commandStatus`
 * splits again.
 *
 * Idempotency: SendCommand has no ClientToken. Each batch is sent with the Comment
 * `drbot:<idempotencyKey>#<batch>` (hashed to fit SSM's 100 characters). Before sending, the
 * adapter lists the recent commands of the same document (ListCommands, filtered by DocumentName
 * and InvokedAfter, paginated) and reuses any batch whose comment matches, so a retried or resumed
 * step never runs a script twice on the same instances.
 */
import {
  type Command,
  paginateListCommandInvocations,
  paginateListCommands,
  SendCommandCommand,
  type SSMClient,
  type CommandInvocation as SsmInvocation,
} from '@aws-sdk/client-ssm';
import type { CommandInvocation, CommandInvocationStatus, CommandResult } from '../../cloud/commands.js';
import type { Clock } from '../../ports.js';
import { boundedToken, chunk, LIMITS, unique } from './batching.js';
import { awsCall } from './errors.js';

/** How far back to look for a command sent earlier with the same idempotency key. */
export const COMMAND_LOOKBACK_MS = 24 * 60 * 60 * 1000;

const COMPOSITE_SEPARATOR = '+';

/** The SSM comment that identifies one batch of one attempt. */
export function commandComment(idempotencyKey: string, batch: number): string {
  const suffix = `#${batch}`;
  return `drbot:${boundedToken(idempotencyKey, LIMITS.ssmComment - 'drbot:'.length - suffix.length)}${suffix}`;
}

async function existingCommands(
  client: SSMClient,
  region: string,
  document: string,
  since: number,
): Promise<Map<string, Command>> {
  return awsCall(`SSM ListCommands in ${region}`, async () => {
    const byComment = new Map<string, Command>();
    const Filters = [
      { key: 'DocumentName' as const, value: document },
      // the API reference's format, to the second: 2021-07-07T00:00:00Z
      { key: 'InvokedAfter' as const, value: new Date(since).toISOString().replace(/\.\d{3}Z$/, 'Z') },
    ];
    for await (const page of paginateListCommands({ client }, { Filters, MaxResults: 50 })) {
      for (const command of page.Commands ?? []) {
        if (command.Comment?.startsWith('drbot:') && command.CommandId)
          byComment.set(command.Comment, command);
      }
    }
    return byComment;
  });
}

export async function sendFleetCommand(
  client: SSMClient,
  clock: Clock,
  instanceIds: string[],
  region: string,
  document: string,
  parameters: Record<string, string[]>,
  idempotencyKey: string,
): Promise<{ commandId: string }> {
  const batches = chunk(unique(instanceIds), LIMITS.sendCommandIds);
  const previous = await existingCommands(client, region, document, clock.now() - COMMAND_LOOKBACK_MS);
  const ids: string[] = [];
  for (const [index, batch] of batches.entries()) {
    const Comment = commandComment(idempotencyKey, index);
    const found = previous.get(Comment)?.CommandId;
    if (found) {
      ids.push(found);
      continue;
    }
    const out = await awsCall(`SSM SendCommand ${document} to ${batch.length} instances in ${region}`, () =>
      client.send(
        new SendCommandCommand({
          DocumentName: document,
          InstanceIds: batch,
          Parameters: parameters,
          Comment,
        }),
      ),
    );
    ids.push(out.Command?.CommandId ?? '');
  }
  return { commandId: ids.join(COMPOSITE_SEPARATOR) };
}

/** SSM statuses → the port's. Delayed counts as pending: SSM will still deliver it. */
export function mapInvocationStatus(status: string | undefined): CommandInvocationStatus {
  switch (status) {
    case 'Success':
      return 'success';
    case 'InProgress':
      return 'in-progress';
    case 'Failed':
      return 'failed';
    case 'TimedOut':
      return 'timed-out';
    case 'Cancelled':
    case 'Cancelling':
      return 'cancelled';
    default:
      return 'pending';
  }
}

const FINAL: ReadonlySet<CommandInvocationStatus> = new Set(['success', 'failed', 'timed-out', 'cancelled']);

function toInvocation(raw: SsmInvocation): CommandInvocation {
  // Output of all plugins; one-step drbot documents have one plugin.
  const plugins = raw.CommandPlugins ?? [];
  const stdout = plugins.map((p) => p.Output ?? '').join('');
  const exit = plugins.find((p) => p.ResponseCode !== undefined && p.ResponseCode !== -1)?.ResponseCode;
  return {
    instanceId: raw.InstanceId ?? '',
    status: mapInvocationStatus(raw.Status),
    ...(exit === undefined ? {} : { exitCode: exit }),
    ...(stdout ? { stdout } : {}),
    ...(raw.StatusDetails && raw.Status !== 'Success' ? { stderr: raw.StatusDetails } : {}),
  };
}

/** Per-instance status of a (composite) command: ListCommandInvocations with Details, all pages. */
export async function fleetCommandStatus(
  client: SSMClient,
  commandId: string,
  region: string,
): Promise<CommandResult> {
  const invocations: CommandInvocation[] = [];
  for (const id of commandId.split(COMPOSITE_SEPARATOR).filter(Boolean)) {
    await awsCall(`SSM ListCommandInvocations ${id} in ${region}`, async () => {
      for await (const page of paginateListCommandInvocations({ client }, { CommandId: id, Details: true })) {
        invocations.push(...(page.CommandInvocations ?? []).map(toInvocation));
      }
    });
  }
  const done = invocations.length > 0 && invocations.every((i) => FINAL.has(i.status));
  return { commandId, done, invocations };
}
