import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Blueprint, LaunchRequest } from '../../../../engine/cloud/compute.js';
import { NonRetryableError } from '../../../../engine/errors.js';
import { awsError, mockedProvider, mockIsolatedDrillNetwork } from './aws-test-helpers.js';

const blueprint: Blueprint = {
  sourceInstanceId: 'i-src1',
  recoveryPointId: 'ami-0123',
  region: 'us-west-2',
  instanceType: 'm7g.large',
  defaultInstanceType: 'm5.large',
  subnetId: 'subnet-dr',
  privateIp: '10.1.1.10',
  securityGroups: ['sg-dr'],
  instanceProfile: 'web-profile',
  tags: { Name: 'web1' },
};

function request(overrides: Partial<LaunchRequest> = {}): LaunchRequest {
  return {
    blueprints: [blueprint],
    launchType: 'TEST',
    tags: { runId: 'run-1', mode: 'drill', expiresAt: Date.UTC(2026, 0, 5, 12) },
    idempotencyKey: 'run-1:launch:1',
    ...overrides,
  };
}

describe('AwsCloudProvider launch', () => {
  let ctx = mockedProvider();
  afterEach(() => {
    ctx.ec2.restore();
    ctx = mockedProvider();
  });
  beforeEach(() => mockIsolatedDrillNetwork(ctx.ec2));

  it('RunInstances carries the ec2.launch userData base64-encoded, and none when the step gives none', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ctx.ec2
      .on(RunInstancesCommand)
      .resolves({ Instances: [{ InstanceId: 'i-new1', InstanceType: 'm7g.large' }] });
    const script = '#!/bin/sh\necho DB_HOST=db.west.rds.amazonaws.com > /etc/app.env\n';
    await ctx.provider.launch(request({ userData: script }));
    await ctx.provider.launch(request({ idempotencyKey: 'run-1:launch:2' }));
    const [withData, without] = ctx.ec2.commandCalls(RunInstancesCommand).map((c) => c.args[0].input);
    expect(Buffer.from(withData?.UserData ?? '', 'base64').toString('utf8')).toBe(script);
    expect(without).not.toHaveProperty('UserData');
  });

  it('sends RunInstances with a ClientToken, the blueprint and tags on instance and volume', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ctx.ec2.on(RunInstancesCommand).resolves({
      Instances: [{ InstanceId: 'i-new1', InstanceType: 'm7g.large', PrivateIpAddress: '10.1.1.10' }],
    });

    const launched = await ctx.provider.launch(request());

    expect(launched).toEqual([
      { instanceId: 'i-new1', sourceInstanceId: 'i-src1', instanceType: 'm7g.large', privateIp: '10.1.1.10' },
    ]);
    const input = ctx.ec2.commandCalls(RunInstancesCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      ClientToken: 'run-1:launch:1:0',
      ImageId: 'ami-0123',
      InstanceType: 'm7g.large',
      SubnetId: 'subnet-dr',
      SecurityGroupIds: ['sg-dr'],
      IamInstanceProfile: { Name: 'web-profile' },
      MinCount: 1,
      MaxCount: 1,
    });
    // a drill copy never takes the blueprint's (production) address
    expect(input?.PrivateIpAddress).toBeUndefined();
    expect(input?.TagSpecifications?.map((s) => s.ResourceType)).toEqual(['instance', 'volume']);
    for (const spec of input?.TagSpecifications ?? []) {
      expect(spec.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'drbot:run-id', Value: 'run-1' },
          { Key: 'drbot:mode', Value: 'drill' },
          { Key: 'drbot:expires', Value: '2026-01-05T12:00:00.000Z' },
          { Key: 'drbot:source-instance', Value: 'i-src1' },
          { Key: 'drbot:launch-type', Value: 'TEST' },
          { Key: 'Name', Value: 'web1' },
        ]),
      );
    }
  });

  it('hashes an idempotency key that would make the ClientToken longer than 64 characters', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ctx.ec2.on(RunInstancesCommand).resolves({ Instances: [{ InstanceId: 'i-new1' }] });
    const longKey = `01JH${'X'.repeat(40)}:launch-web-tier:3`;

    await ctx.provider.launch(request({ idempotencyKey: longKey }));
    await ctx.provider.launch(request({ idempotencyKey: longKey }));

    const tokens = ctx.ec2.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.ClientToken ?? '');
    expect(tokens[0]?.length).toBeLessThanOrEqual(64);
    expect(tokens[0]).toBe(tokens[1]);
  });

  it('falls back to the default type on InsufficientInstanceCapacity and reports fellBackFrom', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ctx.ec2
      .on(RunInstancesCommand)
      .rejectsOnce(
        awsError('InsufficientInstanceCapacity', 'We currently do not have sufficient m7g.large capacity'),
      )
      .resolves({ Instances: [{ InstanceId: 'i-new2', InstanceType: 'm5.large' }] });

    const [launched] = await ctx.provider.launch(request());

    const calls = ctx.ec2.commandCalls(RunInstancesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.InstanceType).toBe('m5.large');
    expect(calls[1]?.args[0].input.ClientToken).not.toBe(calls[0]?.args[0].input.ClientToken);
    expect(launched).toMatchObject({
      instanceId: 'i-new2',
      instanceType: 'm5.large',
      fellBackFrom: 'm7g.large',
    });
  });

  it('does not fall back on errors unrelated to the instance type', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ctx.ec2
      .on(RunInstancesCommand)
      .rejects(awsError('InvalidAMIID.NotFound', "The image id '[ami-0123]' does not exist"));

    await expect(ctx.provider.launch(request())).rejects.toBeInstanceOf(NonRetryableError);
    expect(ctx.ec2.commandCalls(RunInstancesCommand)).toHaveLength(1);
  });

  it('reuses an instance a previous attempt launched under the same key instead of launching again', async () => {
    ctx.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-earlier',
              InstanceType: 'm5.large',
              Tags: [
                { Key: 'drbot:launch-key', Value: 'run-1:launch:1' },
                { Key: 'drbot:launch-index', Value: '0' },
              ],
            },
          ],
        },
      ],
    });

    const [launched] = await ctx.provider.launch(request());

    expect(ctx.ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
    expect(launched).toMatchObject({ instanceId: 'i-earlier', fellBackFrom: 'm7g.large' });
    const filters = ctx.ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.Filters;
    expect(filters).toContainEqual({ Name: 'tag:drbot:launch-key', Values: ['run-1:launch:1'] });
  });

  it('refuses to launch from an EBS snapshot recovery point before calling EC2', async () => {
    const attempt = ctx.provider.launch(
      request({ blueprints: [{ ...blueprint, recoveryPointId: 'snap-1' }] }),
    );

    await expect(attempt).rejects.toMatchObject({ code: 'AWS_NOT_AN_IMAGE' });
    expect(ctx.ec2.commandCalls(RunInstancesCommand)).toHaveLength(0);
  });
});
