import { ListCommandInvocationsCommand, ListCommandsCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { commandComment } from '../../../../engine/adapters/aws/ssm-commands.js';
import { RetryAfterError } from '../../../../engine/errors.js';
import { awsError, instanceIds, mockedProvider } from './aws-test-helpers.js';

describe('AwsCloudProvider runCommand and commandStatus', () => {
  let ctx = mockedProvider();
  afterEach(() => {
    ctx.ssm.restore();
    ctx = mockedProvider();
  });

  it('splits 120 instances into 3 SendCommand calls of at most 50 and returns a composite id', async () => {
    ctx.ssm.on(ListCommandsCommand).resolves({ Commands: [] });
    let n = 0;
    ctx.ssm.on(SendCommandCommand).callsFake(() => ({ Command: { CommandId: `cmd-${++n}` } }));

    const { commandId } = await ctx.provider.runCommand(
      instanceIds(120),
      'us-west-2',
      'DrbotHealth',
      { http: ['http://localhost/healthz'] },
      'run-1:health:1',
    );

    const sends = ctx.ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input);
    expect(sends.map((s) => s.InstanceIds?.length)).toEqual([50, 50, 20]);
    expect(sends.map((s) => s.Comment)).toEqual([0, 1, 2].map((b) => commandComment('run-1:health:1', b)));
    expect(sends[0]).toMatchObject({
      DocumentName: 'DrbotHealth',
      Parameters: { http: ['http://localhost/healthz'] },
    });
    expect(commandId).toBe('cmd-1+cmd-2+cmd-3');
    const listInput = ctx.ssm.commandCalls(ListCommandsCommand)[0]?.args[0].input;
    expect(listInput?.Filters).toContainEqual({ key: 'DocumentName', value: 'DrbotHealth' });
  });

  it('reuses a batch already sent with the same idempotency key instead of sending it again', async () => {
    ctx.ssm.on(ListCommandsCommand).resolves({
      Commands: [{ CommandId: 'cmd-earlier', Comment: commandComment('run-1:health:1', 0) }],
    });
    ctx.ssm.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-new' } });

    const { commandId } = await ctx.provider.runCommand(
      instanceIds(60),
      'us-west-2',
      'DrbotHealth',
      {},
      'run-1:health:1',
    );

    expect(commandId).toBe('cmd-earlier+cmd-new');
    expect(ctx.ssm.commandCalls(SendCommandCommand)).toHaveLength(1);
    expect(ctx.ssm.commandCalls(SendCommandCommand)[0]?.args[0].input.InstanceIds).toHaveLength(10);
  });

  it('keeps comments within the 100 characters SSM allows, distinct per key', () => {
    const a = commandComment(`${'k'.repeat(200)}a`, 0);
    const b = commandComment(`${'k'.repeat(200)}b`, 0);
    expect(a.length).toBeLessThanOrEqual(100);
    expect(a).not.toBe(b);
  });

  it('reports per-instance status, output and exit code across pages and batches', async () => {
    ctx.ssm
      .on(ListCommandInvocationsCommand, { CommandId: 'cmd-1' })
      .resolvesOnce({
        CommandInvocations: [
          {
            InstanceId: 'i-1',
            Status: 'Success',
            CommandPlugins: [{ Output: '{"ok":true}', ResponseCode: 0 }],
          },
        ],
        NextToken: 'p2',
      })
      .resolvesOnce({
        CommandInvocations: [
          {
            InstanceId: 'i-2',
            Status: 'Failed',
            StatusDetails: 'Failed',
            CommandPlugins: [{ Output: '{"ok":false}', ResponseCode: 1 }],
          },
        ],
      });
    ctx.ssm
      .on(ListCommandInvocationsCommand, { CommandId: 'cmd-2' })
      .resolves({ CommandInvocations: [{ InstanceId: 'i-3', Status: 'InProgress' }] });

    const result = await ctx.provider.commandStatus('cmd-1+cmd-2', 'us-west-2');

    expect(result.done).toBe(false);
    expect(result.invocations).toEqual([
      { instanceId: 'i-1', status: 'success', exitCode: 0, stdout: '{"ok":true}' },
      { instanceId: 'i-2', status: 'failed', exitCode: 1, stdout: '{"ok":false}', stderr: 'Failed' },
      { instanceId: 'i-3', status: 'in-progress' },
    ]);
    const calls = ctx.ssm.commandCalls(ListCommandInvocationsCommand);
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.args[0].input.Details === true)).toBe(true);
  });

  it('is done once every invocation is final, and maps TimedOut and Cancelled', async () => {
    ctx.ssm.on(ListCommandInvocationsCommand).resolves({
      CommandInvocations: [
        { InstanceId: 'i-1', Status: 'TimedOut' },
        { InstanceId: 'i-2', Status: 'Cancelled' },
      ],
    });

    const result = await ctx.provider.commandStatus('cmd-1', 'us-west-2');

    expect(result.done).toBe(true);
    expect(result.invocations.map((i) => i.status)).toEqual(['timed-out', 'cancelled']);
  });

  it('maps SSM throttling to RetryAfterError', async () => {
    ctx.ssm.on(ListCommandsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));

    await expect(
      ctx.provider.runCommand(['i-1'], 'us-west-2', 'DrbotHealth', {}, 'k'),
    ).rejects.toBeInstanceOf(RetryAfterError);
    expect(ctx.ssm.commandCalls(SendCommandCommand)).toHaveLength(0);
  });
});
