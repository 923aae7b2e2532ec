/**
 * ec2.launch on Alibaba Cloud after network.replicate: the blueprints ec2.launch builds
 * (createBlueprintSource over the stored mapping and DescribeAvailableResource) carry the replica's
 * vSwitch and security groups and the remapped IP, and RunInstances sends them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createBlueprintSource } from '../../../../engine/network/blueprint-source.js';
import { toLaunchBlueprint } from '../../../../engine/network/blueprints.js';
import { makeRunbook } from '../../../helpers/runbook.js';
import { closeFakes, SOURCE, TARGET } from './fixture.js';
import { networkWorld, RUNBOOK } from './network-fixture.js';

afterAll(closeFakes);

describe('ec2.launch on Alibaba Cloud reads the network mapping', () => {
  it('RunInstances gets the replica vSwitch and security groups; a CUTOVER copy keeps its remapped IP', async () => {
    const w = await networkWorld();
    const { mappings } = await w.replicate();
    const entries = mappings[0]?.entries ?? [];
    const target = (id: string) => entries.find((e) => e.sourceId === id)?.targetId;
    const instances = await w.cloud.listProtected({ tags: { 'dr-tier': 'ecs' } }, SOURCE);
    const base = makeRunbook({ name: RUNBOOK, provider: 'alibaba', steps: [] });
    const runbook = {
      ...base,
      spec: { ...base.spec, source: { region: SOURCE }, target: { region: TARGET } },
    };
    const planned = await createBlueprintSource({ store: w.store, network: w.network }).blueprints({
      runbook,
      mode: 'failover',
      instances,
      points: w.images,
      region: TARGET,
    });
    expect(planned.map((b) => b.subnetId)).toEqual(instances.map(() => target(w.vswitch.source)));
    expect(planned[0]?.securityGroups).toEqual([target(w.groups.web)]);
    expect(planned[0]?.privateIp).toMatch(/^10\.20\.1\./);
    const launched = await w.cloud.launch({
      launchType: 'CUTOVER',
      idempotencyKey: 'net:launch:1',
      tags: { runId: 'run-n', mode: 'failover' },
      blueprints: planned.map(toLaunchBlueprint),
    });
    expect(launched).toHaveLength(2);
    const run = w.fake.calls.filter((c) => c.action === 'RunInstances');
    expect(run[0]?.params).toMatchObject({
      VSwitchId: target(w.vswitch.source),
      'SecurityGroupIds.1': target(w.groups.web),
      PrivateIpAddress: planned[0]?.privateIp,
    });
    const copy = w.fake.ecs.instances.get(launched[0]?.instanceId ?? '');
    expect(copy?.VpcId).toBe(mappings[0]?.targetVpcId);
    expect(w.fake.refusals).toEqual([]);
  });
});
