/** Request shapes of the ECS compute and recovery-point calls, against the loopback fake. */
import { afterAll, describe, expect, it } from 'vitest';
import { AlibabaCloudProvider } from '../../../../engine/adapters/alibaba/provider.js';
import type { LaunchRequest } from '../../../../engine/cloud/compute.js';
import { RetryAfterError } from '../../../../engine/errors.js';
import { FAKE_ACCESS_KEY_ID } from '../../../helpers/alibaba-fake/index.js';
import { type AlibabaWorld, alibabaWorld, closeFakes, SOURCE, TARGET } from './fixture.js';

afterAll(closeFakes);

function request(w: AlibabaWorld, launchType: 'TEST' | 'CUTOVER', key = 'run-1:launch:1'): LaunchRequest {
  return {
    launchType,
    idempotencyKey: key,
    tags: {
      runId: 'run-1',
      mode: launchType === 'TEST' ? 'drill' : 'failover',
      expiresAt: 1_900_000_000_000,
    },
    userData: '#!/bin/sh\necho db=10.1.1.5\n',
    blueprints: w.fleet.map((id) => ({
      sourceInstanceId: id,
      recoveryPointId: w.images[id] as string,
      region: TARGET,
      instanceType: 'ecs.g7.large',
      defaultInstanceType: 'ecs.g6.large',
      subnetId: w.vswitch.target,
      securityGroups: ['sg-uf1app000000000001'],
      privateIp: '10.1.1.20',
      tags: { Name: 'web', 'dr-tier': 'ecs' },
    })),
  };
}

const runCalls = (w: AlibabaWorld) => w.fake.calls.filter((c) => c.action === 'RunInstances');

describe('ECS compute on Alibaba Cloud', () => {
  it('RunInstances carries the ClientToken, vSwitch, SecurityGroupIds, tags and base64 UserData; no private IP for TEST', async () => {
    const w = await alibabaWorld();
    await w.cloud.launch(request(w, 'TEST'));
    const [first] = runCalls(w);
    expect(first?.params).toMatchObject({
      RegionId: TARGET,
      ImageId: w.images[w.fleet[0] as string],
      InstanceType: 'ecs.g7.large',
      VSwitchId: w.vswitch.target,
      'SecurityGroupIds.1': 'sg-uf1app000000000001',
      ClientToken: 'run-1:launch:1:0',
      UserData: Buffer.from('#!/bin/sh\necho db=10.1.1.5\n').toString('base64'),
    });
    expect(first?.params.PrivateIpAddress).toBeUndefined();
    const tags = Object.fromEntries(
      Object.entries(first?.params ?? {})
        .filter(([k]) => /^Tag\.\d+\.Key$/.test(k))
        .map(([k, v]) => [v, first?.params[k.replace('Key', 'Value')]]),
    );
    expect(tags).toMatchObject({
      'drbot:run-id': 'run-1',
      'drbot:mode': 'drill',
      'drbot:launch-type': 'TEST',
      'dr-tier': 'ecs',
    });
    expect(w.fake.refusals).toEqual([]);
  });

  it('RunInstances passes PrivateIpAddress for a CUTOVER launch', async () => {
    const w = await alibabaWorld();
    const r = request(w, 'CUTOVER');
    r.blueprints = r.blueprints.slice(0, 1);
    const [launched] = await w.cloud.launch(r);
    expect(runCalls(w)[0]?.params.PrivateIpAddress).toBe('10.1.1.20');
    expect(launched?.privateIp).toBe('10.1.1.20');
  });

  it('RunInstances falls back to the default type on OperationDenied.NoStock, with its own ClientToken', async () => {
    const w = await alibabaWorld();
    w.fake.ecs.noStock.set(TARGET, new Set(['ecs.g7.large']));
    const launched = await w.cloud.launch(request(w, 'TEST'));
    expect(launched.map((l) => [l.instanceType, l.fellBackFrom])).toEqual([
      ['ecs.g6.large', 'ecs.g7.large'],
      ['ecs.g6.large', 'ecs.g7.large'],
    ]);
    expect(runCalls(w).map((c) => c.params.ClientToken)).toContain('run-1:launch:1:0:fallback');
  });

  it('RunInstances is not called again when a resumed launch finds its instances by the launch-key tag', async () => {
    const w = await alibabaWorld();
    const first = await w.cloud.launch(request(w, 'TEST'));
    w.fake.ecs.noStock.set(TARGET, new Set(['ecs.g7.large', 'ecs.g6.large']));
    const again = await w.cloud.launch(request(w, 'TEST'));
    expect(again.map((l) => l.instanceId)).toEqual(first.map((l) => l.instanceId));
    expect(runCalls(w)).toHaveLength(2);
  });

  it('DescribeInstances is batched: one call per 100 ids for 250 instances', async () => {
    const w = await alibabaWorld();
    const ids = Array.from(
      { length: 250 },
      () => w.fake.ecs.addInstance({ RegionId: SOURCE, ZoneId: 'cn-hangzhou-h' }).InstanceId,
    );
    const before = w.fake.calls.length;
    const described = await w.cloud.describe(ids, SOURCE);
    const calls = w.fake.calls.slice(before);
    expect(described).toHaveLength(250);
    expect(calls.map((c) => c.action)).toEqual([
      'DescribeInstances',
      'DescribeInstances',
      'DescribeInstances',
    ]);
    expect(calls.map((c) => (JSON.parse(c.params.InstanceIds as string) as string[]).length)).toEqual([
      100, 100, 50,
    ]);
  });

  it('DeleteInstances is refused in a drill for an instance without the run tag, before any DeleteInstances call', async () => {
    const w = await alibabaWorld();
    const err = await w.cloud
      .terminate([w.fleet[0] as string], SOURCE, { runId: 'run-1', mode: 'drill' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DRILL_SAFETY' });
    expect(w.fake.actions()).not.toContain('DeleteInstances');
  });

  it('StopInstances in a failover passes every id (InstanceId.N) after describing them', async () => {
    const w = await alibabaWorld();
    await w.cloud.stop(w.fleet, SOURCE, { runId: 'run-2', mode: 'failover' });
    const stop = w.fake.calls.find((c) => c.action === 'StopInstances');
    expect([stop?.params['InstanceId.1'], stop?.params['InstanceId.2']]).toEqual(w.fleet);
  });

  it('a throttled DescribeInstances (Throttling.User) becomes a RetryAfterError', async () => {
    const w = await alibabaWorld();
    w.fake.failNext('DescribeInstances', 'Throttling.User', 400);
    const err = await w.cloud.describe(w.fleet, SOURCE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryAfterError);
    expect(err).toMatchObject({ code: 'ALIBABA_THROTTLED' });
  });

  it('a request signed with the wrong AccessKey secret is refused (ACS3-HMAC-SHA256 SignatureDoesNotMatch)', async () => {
    const w = await alibabaWorld();
    const bad = new AlibabaCloudProvider({
      endpoints: { ecs: w.fake.endpoint },
      protocol: 'HTTP',
      accessKeyId: FAKE_ACCESS_KEY_ID,
      accessKeySecret: 'not-the-secret',
    });
    const err = await bad.describe(w.fleet, SOURCE).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ALIBABA_ACCESS_DENIED' });
    expect(w.fake.refusals[0]).toMatch(/^SignatureDoesNotMatch/);
  });
});

describe('ECS recovery points on Alibaba Cloud', () => {
  it('CreateImage then CopyImage to the target region, tagged with the capture time, keeping the newest N (DeleteImage)', async () => {
    const w = await alibabaWorld();
    const instances = await w.cloud.listProtected({ tags: { 'dr-tier': 'ecs' } }, SOURCE);
    const req = { instances, sourceRegion: SOURCE, targetRegion: TARGET, retention: 2, captureKey: 'cap-1' };
    const first = await w.cloud.protect(req);
    expect(first.points.every((p) => p.state === 'pending' && p.region === SOURCE)).toBe(true);
    const create = w.fake.calls.find((c) => c.action === 'CreateImage');
    expect(create?.params).toMatchObject({
      RegionId: SOURCE,
      InstanceId: instances[0]?.id,
      'Tag.2.Key': 'drbot:captured-at',
    });
    expect(create?.params['Tag.2.Value']).toBe(new Date(w.clock.now()).toISOString());
    w.fake.advance(60_000);
    const second = await w.cloud.protect(req);
    expect(w.fake.actions().filter((a) => a === 'CreateImage')).toHaveLength(2);
    const copy = w.fake.calls.find((c) => c.action === 'CopyImage');
    expect(copy?.params).toMatchObject({ RegionId: SOURCE, DestinationRegionId: TARGET });
    expect(second.points.every((p) => p.region === TARGET)).toBe(true);
    w.fake.advance(60_000);
    const third = await w.cloud.protect(req);
    expect(third.points.every((p) => p.state === 'available')).toBe(true);
    // 2 seeded + 1 copied per instance in the target: the oldest seeded one is deleted
    expect(third.pruned.length).toBeGreaterThanOrEqual(2);
    expect(w.fake.actions()).toContain('DeleteImage');
    const latest = await w.cloud.latestRecoveryPoints(w.fleet, TARGET);
    expect(
      Object.values(latest)
        .map((p) => p.id)
        .sort(),
    ).toEqual(third.points.map((p) => p.id).sort());
  });

  it('CreateImage is used in place across zones of one region: no CopyImage', async () => {
    const w = await alibabaWorld();
    const instances = await w.cloud.listProtected({ tags: { 'dr-tier': 'ecs' } }, SOURCE);
    const req = {
      instances,
      sourceRegion: SOURCE,
      targetRegion: SOURCE,
      retention: 24,
      captureKey: 'zone-1',
    };
    await w.cloud.protect(req);
    w.fake.advance(60_000);
    const done = await w.cloud.protect(req);
    expect(done.points.every((p) => p.state === 'available' && p.region === SOURCE)).toBe(true);
    expect(w.fake.actions()).not.toContain('CopyImage');
  });

  it('DescribeImages asks for every status (the API answers only Available images by default)', async () => {
    const w = await alibabaWorld();
    await w.cloud.recoveryPoints(w.fleet[0] as string, TARGET);
    const describe = w.fake.calls.find((c) => c.action === 'DescribeImages');
    expect(describe?.params.Status).toContain('Creating');
    expect(describe?.params.ImageOwnerAlias).toBe('self');
  });
});
