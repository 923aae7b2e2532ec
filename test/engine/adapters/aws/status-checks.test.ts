import { DescribeInstanceStatusCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { ec2StatusAnswers, type FakeInstanceStatus } from '../../../helpers/ec2-status-fake.js';
import { instanceIds, mockedProvider } from './aws-test-helpers.js';

/** Status checks of copies in a region where a production fleet runs beside them. */
describe('AwsCloudProvider status checks in a crowded region', () => {
  let ctx = mockedProvider();
  afterEach(() => {
    ctx.ec2.restore();
    ctx = mockedProvider();
  });

  const copies = instanceIds(1000);
  // 9000 production instances list first; a few of them are impaired, as in any big fleet
  const production: FakeInstanceStatus[] = instanceIds(9000, 'i-p').map((id, i) => ({
    id,
    ...(i % 500 === 0 ? { instance: 'impaired' } : {}),
  }));
  let region: FakeInstanceStatus[] = [];
  let states = new Map<string, string>();

  function answerLikeEc2() {
    ctx.ec2.on(DescribeInstancesCommand).callsFake((input: { InstanceIds: string[] }) => ({
      Reservations: [
        {
          Instances: input.InstanceIds.map((InstanceId) => ({
            InstanceId,
            State: { Name: states.get(InstanceId) ?? 'running' },
          })),
        },
      ],
    }));
    ctx.ec2.on(DescribeInstanceStatusCommand).callsFake(ec2StatusAnswers(() => region));
  }
  const statusCalls = () => ctx.ec2.commandCalls(DescribeInstanceStatusCommand).map((c) => c.args[0].input);
  const healthyCount = async () =>
    (await ctx.provider.describe(copies, 'us-west-2')).filter((i) => i.healthy).length;

  it('a bounded probe, then only the unsettled instances: 2 calls a round for 1000 copies, not 10 by id', async () => {
    states = new Map();
    region = [
      ...production,
      ...copies.map((id) => ({ id, instance: 'initializing', system: 'initializing' })),
    ];
    answerLikeEc2();

    expect(await healthyCount()).toBe(0);
    // the probe gives up after 2 pages, then the crowded reads: the instance check's unsettled
    // (18 impaired production instances and the 1000 copies, 2 pages), the system check's (1 page)
    const first = statusCalls();
    expect(first).toHaveLength(5);
    expect(first.slice(0, 2).every((i) => i.InstanceIds === undefined && i.Filters?.length === 1)).toBe(true);
    expect(first.slice(2).map((i) => i.Filters)).toEqual([
      [
        { Name: 'instance-state-name', Values: ['running'] },
        {
          Name: 'instance-status.status',
          Values: ['initializing', 'impaired', 'insufficient-data', 'not-applicable'],
        },
      ],
      [
        { Name: 'instance-state-name', Values: ['running'] },
        {
          Name: 'instance-status.status',
          Values: ['initializing', 'impaired', 'insufficient-data', 'not-applicable'],
        },
      ],
      [
        { Name: 'instance-state-name', Values: ['running'] },
        {
          Name: 'system-status.status',
          Values: ['initializing', 'impaired', 'insufficient-data', 'not-applicable'],
        },
      ],
    ]);
    expect(first.every((i) => i.MaxResults === 1000)).toBe(true);

    // 990 pass both checks; 5 still wait on the instance check, 5 on the system check
    region = [
      ...production,
      ...copies.map((id, i) => ({
        id,
        ...(i < 5 ? { instance: 'initializing' } : {}),
        ...(i >= 995 ? { system: 'initializing' } : {}),
      })),
    ];
    ctx.ec2.resetHistory();
    expect(await healthyCount()).toBe(990);
    expect(statusCalls()).toHaveLength(2);
    expect(statusCalls().some((i) => i.InstanceIds)).toBe(false);
  });

  it('a copy the status API has not listed since it started running is confirmed by id, never passed for being absent', async () => {
    states = new Map();
    // EC2 says running, but its status checks are not reported yet for any copy
    region = [...production];
    answerLikeEc2();

    expect(await healthyCount()).toBe(0);
    const byId = statusCalls().filter((i) => i.InstanceIds);
    expect(byId.map((i) => i.InstanceIds?.length)).toEqual(Array(10).fill(100));

    // reported now, and passed: the by-id answer confirms them
    region = [...production, ...copies.map((id) => ({ id }))];
    ctx.ec2.resetHistory();
    expect(await healthyCount()).toBe(1000);
    // known from then on: the next round is the 2 crowded reads
    ctx.ec2.resetHistory();
    expect(await healthyCount()).toBe(1000);
    expect(statusCalls()).toHaveLength(2);
  });

  it('a copy that stopped is forgotten: running again, its absence is confirmed by id', async () => {
    states = new Map();
    region = [...production, ...copies.map((id) => ({ id, instance: 'initializing' }))];
    answerLikeEc2();
    await healthyCount();
    region = [...production, ...copies.map((id) => ({ id }))];
    expect(await healthyCount()).toBe(1000);

    const restarted = copies[7] as string;
    states = new Map([[restarted, 'stopped']]);
    region = [...production, ...copies.filter((id) => id !== restarted).map((id) => ({ id }))];
    expect(await healthyCount()).toBe(999);
    // running again, and not reported yet (eventual consistency): asked by id, not taken as passed
    states = new Map();
    ctx.ec2.resetHistory();
    expect(await healthyCount()).toBe(999);
    expect(
      statusCalls()
        .filter((i) => i.InstanceIds)
        .map((i) => i.InstanceIds),
    ).toEqual([[restarted]]);
  });

  it('more unsettled instances than the budget: the copies are asked by id after all', async () => {
    states = new Map();
    // a region where everything is initializing (a fleet-wide restart): 10 000 unsettled
    region = [
      ...production.map((s) => ({ ...s, instance: 'initializing' })),
      ...copies.map((id) => ({ id, instance: 'initializing' })),
    ];
    answerLikeEc2();
    await healthyCount();
    region = [
      ...production.map((s) => ({ ...s, instance: 'initializing' })),
      ...copies.map((id) => ({ id })),
    ];
    ctx.ec2.resetHistory();

    expect(await healthyCount()).toBe(1000);
    const calls = statusCalls();
    const regionReads = calls.filter((i) => !i.InstanceIds);
    // half the 10 by-id calls at most, then the 1000 copies by id
    expect(regionReads).toHaveLength(5);
    expect(calls.filter((i) => i.InstanceIds).map((i) => i.InstanceIds?.length)).toEqual(Array(10).fill(100));
  });
});
