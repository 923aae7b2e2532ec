/**
 * ssm.runCommand (send, then poll the invocations; a failure names every failed instance) and
 * dns.switch (UPSERT, then poll until INSYNC).
 */
import type { ActionContext, ActionHandler, ActionResult } from '../../actions/types.js';
import type { CloudProvider, CommandResult } from '../../cloud.js';
import { DrbotError, NonRetryableError } from '../../errors.js';
import { invalidInput, optionalString, stringList } from './inputs.js';
import { regionOf } from './regions.js';

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

export function runCommandHandler(cloud: CloudProvider, pollIntervalMs: number): ActionHandler {
  return {
    async start(ctx) {
      const instances = stringList('ssm.runCommand', ctx.inputs, 'instances') ?? [];
      if (instances.length === 0)
        throw invalidInput('ssm.runCommand', 'instances', 'a non-empty list of ids', instances);
      const document = optionalString('ssm.runCommand', ctx.inputs, 'document');
      if (!document) throw invalidInput('ssm.runCommand', 'document', 'an SSM document name', document);
      const parameters = (ctx.inputs.parameters ?? {}) as Record<string, string[]>;
      const region = regionOf(ctx.runbook, ctx.mode, ctx.inputs.side);
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

function dnsTarget(ctx: ActionContext): { zone: string; record: string; target: string } {
  const zone = optionalString('dns.switch', ctx.inputs, 'zone') ?? ctx.runbook.spec.dns?.zone;
  const record = optionalString('dns.switch', ctx.inputs, 'record') ?? ctx.runbook.spec.dns?.record;
  const target = optionalString('dns.switch', ctx.inputs, 'target');
  if (!zone || !record) {
    throw new NonRetryableError('dns.switch does not know which record to change', {
      code: 'DNS_NOT_CONFIGURED',
      explanation:
        'Neither the step (`zone`, `record`) nor the runbook (spec.dns) names the hosted zone and record.',
      action: 'Add `spec.dns: { zone: <hosted zone id>, record: <name> }` to the runbook.',
    });
  }
  if (!target) throw invalidInput('dns.switch', 'target', 'an IP address or host name', target);
  return { zone, record, target };
}

export function dnsSwitchHandler(cloud: CloudProvider, pollIntervalMs: number): ActionHandler {
  const check = async (changeId: string): Promise<ActionResult> =>
    (await cloud.dnsStatus(changeId)) === 'INSYNC'
      ? { status: 'done', outputs: { changeId } }
      : { status: 'pending', handle: { changeId }, pollAfterMs: pollIntervalMs };
  return {
    async start(ctx) {
      const { zone, record, target } = dnsTarget(ctx);
      const { changeId } = await cloud.switchDns(zone, record, target, ctx.idempotencyKey);
      ctx.note(`DNS ${record} in ${zone} → ${target} (change ${changeId})`, {
        zone,
        record,
        target,
        changeId,
      });
      return check(changeId);
    },
    poll: (ctx) => check((ctx.handle as { changeId: string }).changeId),
  };
}
