import { DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListTagsForResourceCommand, RDSClient } from '@aws-sdk/client-rds';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type CloudEvent, createEventsHandler, type EventsDeps } from '../../../bot/lambda/events.js';
import { decodeRunMessage, SqsRunDriver } from '../../../engine/adapters/sqs/driver.js';

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);
const rds = mockClient(RDSClient);
const sqs = mockClient(SQSClient);

function deps(): EventsDeps {
  const driver = new SqsRunDriver({
    client: new SQSClient({ region: 'us-west-2' }),
    queueUrl: 'https://q/work',
  });
  return {
    ec2: (region) => new EC2Client({ region }),
    ssm: (region) => new SSMClient({ region }),
    rds: (region) => new RDSClient({ region }),
    wake: (runId, reason) => driver.wake(runId, reason),
  };
}

const event = (detailType: string, detail: Record<string, unknown>, resources?: string[]): CloudEvent => ({
  source: 'aws.ec2',
  'detail-type': detailType,
  region: 'us-west-2',
  detail,
  ...(resources ? { resources } : {}),
});

/** The run ids and reasons of the queued messages. */
const queued = () =>
  sqs.commandCalls(SendMessageCommand).map((c) => {
    const m = decodeRunMessage(c.args[0].input.MessageBody ?? '');
    return [m.runId, m.kind, m.wake, c.args[0].input.DelaySeconds];
  });

describe('events Lambda: cloud completion events wake the owning run', () => {
  beforeEach(() => {
    for (const m of [ec2, ssm, rds, sqs]) m.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  });

  it('queues a kick with the event as its wake reason for the run of the instance tag', async () => {
    ec2
      .on(DescribeTagsCommand, {
        Filters: [
          { Name: 'resource-id', Values: ['i-0abc'] },
          { Name: 'key', Values: ['drbot:run-id'] },
        ],
      })
      .resolves({ Tags: [{ Key: 'drbot:run-id', Value: 'run-7', ResourceId: 'i-0abc' }] });
    const outcome = await createEventsHandler(deps())(
      event('EC2 Instance State-change Notification', { 'instance-id': 'i-0abc', state: 'running' }),
    );
    expect(outcome).toEqual({ kind: 'woken', runId: 'run-7', reason: 'ec2:running i-0abc' });
    expect(queued()).toEqual([['run-7', 'kick', 'ec2:running i-0abc', 0]]);
  });

  it('finds the snapshot and the AMI by id (a snapshot event names an ARN)', async () => {
    ec2.on(DescribeTagsCommand).callsFake((input: { Filters: { Values: string[] }[] }) => ({
      Tags: [{ Key: 'drbot:run-id', Value: `run-of-${input.Filters[0]!.Values[0]}` }],
    }));
    const handle = createEventsHandler(deps());
    await handle(
      event('EBS Snapshot Notification', {
        event: 'copySnapshot',
        result: 'succeeded',
        snapshot_id: 'arn:aws:ec2::us-west-2:snapshot/snap-01',
      }),
    );
    await handle(event('EC2 AMI State Change', { ImageId: 'ami-02', State: 'available' }));
    expect(queued()).toEqual([
      ['run-of-snap-01', 'kick', 'ebs:copySnapshot snap-01', 0],
      ['run-of-ami-02', 'kick', 'ami:available ami-02', 0],
    ]);
  });

  it('finds a command by its instances, else by drbot’s comment', async () => {
    ssm.on(ListCommandsCommand, { CommandId: 'c-1' }).resolves({
      Commands: [{ CommandId: 'c-1', InstanceIds: ['i-src'], Comment: 'drbot:run-9:agent:1#0' }],
    });
    ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
    await createEventsHandler(deps())(
      event('EC2 Command Status-change Notification', { 'command-id': 'c-1', status: 'Success' }),
    );
    expect(queued()).toEqual([['run-9', 'kick', 'ssm:Success c-1', 0]]);
  });

  it('finds a restored database by its tags', async () => {
    const arn = 'arn:aws:rds:us-west-2:123:db:drbot-orders';
    rds
      .on(ListTagsForResourceCommand, { ResourceName: arn })
      .resolves({ TagList: [{ Key: 'drbot:run-id', Value: 'run-db' }] });
    await createEventsHandler(deps())(
      event('RDS DB Instance Event', {
        SourceIdentifier: 'drbot-orders',
        SourceArn: arn,
        EventID: 'RDS-EVENT-0008',
      }),
    );
    expect(queued()).toEqual([['run-db', 'kick', 'rds:available drbot-orders', 0]]);
  });

  it('finds a restored Aurora cluster by its tags; other cluster events finish nothing', async () => {
    const arn = 'arn:aws:rds:us-west-2:123:cluster:drbot-orders-cluster';
    rds
      .on(ListTagsForResourceCommand, { ResourceName: arn })
      .resolves({ TagList: [{ Key: 'drbot:run-id', Value: 'run-aurora' }] });
    const handle = createEventsHandler(deps());
    const clusterEvent = (EventID: string) =>
      event('RDS DB Cluster Event', { SourceIdentifier: 'drbot-orders-cluster', SourceArn: arn, EventID });
    const created = await handle(clusterEvent('RDS-EVENT-0170'));
    // 0069: a cluster failover failed, nothing drbot waits for finished
    const failed = await handle(clusterEvent('RDS-EVENT-0069'));
    expect([created.kind, failed.kind]).toEqual(['woken', 'ignored']);
    expect(queued()).toEqual([['run-aurora', 'kick', 'rds:cluster-available drbot-orders-cluster', 0]]);
    expect(rds.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
  });

  it('ignores resources without the tag and events that finish nothing, queueing nothing', async () => {
    ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
    const handle = createEventsHandler(deps());
    const untagged = await handle(
      event('EC2 Instance State-change Notification', { 'instance-id': 'i-prod', state: 'running' }),
    );
    const pending = await handle(
      event('EC2 Instance State-change Notification', { 'instance-id': 'i-0abc', state: 'pending' }),
    );
    const failedCopy = await handle(
      event('EBS Snapshot Notification', { event: 'copySnapshot', result: 'failed', snapshot_id: 'snap-9' }),
    );
    expect([untagged.kind, pending.kind, failedCopy.kind]).toEqual(['ignored', 'ignored', 'ignored']);
    expect(ec2.commandCalls(DescribeTagsCommand)).toHaveLength(1);
    expect(queued()).toEqual([]);
  });
});

describe('worker: a wake message', () => {
  it('advances with the wake reason, so the run polls at once; a timer message does not', async () => {
    const { processMessage } = await import('../../../bot/lambda/worker.js');
    const seen: unknown[] = [];
    const runtime = {
      engine: {
        advance: async (_id: string, options?: unknown) => {
          seen.push(options);
          return { status: 'succeeded', advanced: true, run: {} };
        },
      },
    } as never;
    await processMessage(
      runtime,
      decodeRunMessage('{"v":1,"runId":"r","kind":"kick","wake":"ec2:running i-1"}'),
    );
    await processMessage(runtime, decodeRunMessage('{"v":1,"runId":"r","kind":"wake"}'));
    expect(seen).toEqual([{ wake: 'ec2:running i-1' }, undefined]);
  });
});
