import {
  DescribeInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../../../engine/errors.js';
import { instanceIds, mockedProvider } from './aws-test-helpers.js';

function tagged(id: string, runId?: string) {
  return {
    InstanceId: id,
    State: { Name: 'running' as const },
    Tags: runId ? [{ Key: 'drbot:run-id', Value: runId }] : [],
  };
}

describe('AwsCloudProvider stop/start/terminate', () => {
  let ctx = mockedProvider();
  afterEach(() => {
    ctx.ec2.restore();
    ctx = mockedProvider();
  });

  it('refuses a drill terminate of an instance not tagged with the run id, making no terminate call', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        { Instances: [tagged('i-drill', 'run-1'), tagged('i-prod'), tagged('i-other', 'run-2')] },
      ],
    });

    const attempt = ctx.provider.terminate(['i-drill', 'i-prod', 'i-other'], 'us-west-2', {
      runId: 'run-1',
      mode: 'drill',
    });

    await expect(attempt).rejects.toBeInstanceOf(NonRetryableError);
    await expect(attempt).rejects.toMatchObject({ code: 'DRILL_SAFETY' });
    await attempt.catch((err: NonRetryableError) => {
      expect(err.explanation).toContain('i-prod');
      expect(err.explanation).toContain('i-other');
      expect(err.explanation).not.toContain('i-drill,');
    });
    expect(ctx.ec2.commandCalls(TerminateInstancesCommand)).toHaveLength(0);
  });

  it('terminates run-owned instances in a drill after checking their tags', async () => {
    ctx.ec2
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [tagged('i-drill', 'run-1')] }] });
    ctx.ec2.on(TerminateInstancesCommand).resolves({});

    await ctx.provider.terminate(['i-drill'], 'us-west-2', { runId: 'run-1', mode: 'drill' });

    expect(ctx.ec2.commandCalls(TerminateInstancesCommand)[0]?.args[0].input.InstanceIds).toEqual([
      'i-drill',
    ]);
  });

  it('does not apply the drill guard in a failover, and batches 1500 stops into two calls', async () => {
    ctx.ec2.on(StopInstancesCommand).resolves({});

    await ctx.provider.stop(instanceIds(1500), 'us-east-1', { runId: 'run-9', mode: 'failover' });

    expect(ctx.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
    expect(
      ctx.ec2.commandCalls(StopInstancesCommand).map((c) => c.args[0].input.InstanceIds?.length),
    ).toEqual([1000, 500]);
  });
});
