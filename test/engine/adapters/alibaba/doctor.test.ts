/**
 * The doctor on Alibaba Cloud, against the loopback fake: DescribeCloudAssistantStatus finds the
 * protected instances whose Cloud Assistant client is not running, reported as blockers with the
 * remedy; the SSM checks of AWS are not asked for; the network mapping is, since Alibaba Cloud
 * replicates networks (network.replicate).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createAlibabaNetwork } from '../../../../engine/adapters/alibaba/network.js';
import { MemoryRunStore } from '../../../../engine/adapters/memory/store.js';
import { diagnose } from '../../../../engine/network/doctor.js';
import { gatherDoctorFacts } from '../../../../engine/network/doctor-facts.js';
import { loadRunbookMapping, saveMapping } from '../../../../engine/network/mapping-store.js';
import { makeRunbook } from '../../../helpers/runbook.js';
import { alibabaWorld, closeFakes, SOURCE, TARGET } from './fixture.js';
import { networkWorld, RUNBOOK } from './network-fixture.js';

afterAll(closeFakes);

function ecsRunbook() {
  const base = makeRunbook({
    name: 'ecs-tier',
    provider: 'alibaba',
    steps: [{ id: 'health', action: 'agent.health', with: { instances: [] } }],
  });
  return {
    ...base,
    spec: {
      ...base.spec,
      source: { region: SOURCE },
      target: { region: TARGET },
      protect: { tags: { 'dr-tier': 'ecs' } },
    },
  };
}

describe('doctor on Alibaba Cloud (loopback fake)', () => {
  it('DescribeCloudAssistantStatus: an instance without a running client is a blocker with the remedy', async () => {
    const world = await alibabaWorld();
    const [ok, broken] = world.fleet as [string, string];
    const instance = world.fake.ecs.instances.get(broken);
    if (!instance) throw new Error('fixture instance missing');
    instance.cloudAssistant = false;
    const facts = await gatherDoctorFacts({
      cloud: world.cloud,
      network: createAlibabaNetwork(world.cloud.clients),
      store: new MemoryRunStore(),
      runbook: ecsRunbook(),
      now: world.clock.now(),
    });
    expect(world.fake.actions('ecs')).toContain('DescribeCloudAssistantStatus');
    expect(facts.cloudAssistantMissing).toEqual([broken]);
    const report = diagnose(facts);
    const assistant = report.findings.filter((f) => f.code === 'CLOUD_ASSISTANT_MISSING');
    expect(assistant).toHaveLength(1);
    expect(assistant[0]).toMatchObject({ severity: 'blocker', subject: broken });
    expect(assistant[0]?.remedy).toContain('Install the Cloud Assistant client');
    expect(report.findings.some((f) => f.subject === ok && f.code === 'CLOUD_ASSISTANT_MISSING')).toBe(false);
    expect(report.blocking).toBe(true);
    // AWS-only checks are not asked of an Alibaba tier
    const codes = report.findings.map((f) => f.code);
    expect(codes).not.toContain('NO_INSTANCE_PROFILE');
    expect(codes).not.toContain('SSM_NOT_MANAGED');
    expect(world.fake.refusals).toEqual([]);
  });

  it('DescribeCloudAssistantStatus: every client running, no Cloud Assistant finding', async () => {
    const world = await alibabaWorld();
    const report = diagnose(
      await gatherDoctorFacts({
        cloud: world.cloud,
        network: createAlibabaNetwork(world.cloud.clients),
        store: new MemoryRunStore(),
        runbook: ecsRunbook(),
        now: world.clock.now(),
      }),
    );
    expect(report.findings.filter((f) => f.code === 'CLOUD_ASSISTANT_MISSING')).toEqual([]);
    expect(report.findings.filter((f) => f.code === 'NO_RECOVERY_POINT')).toEqual([]);
  });

  it('DescribeAvailableResource: asks for the network mapping until network replicate has run, then finds the mapped vSwitches', async () => {
    const w = await networkWorld();
    const facts = () =>
      gatherDoctorFacts({
        cloud: w.cloud,
        network: w.network,
        store: w.store,
        runbook: ecsRunbook(),
        now: w.clock.now(),
      });
    const before = diagnose(await facts());
    expect(before.findings.find((f) => f.code === 'NO_NETWORK_MAPPING')).toMatchObject({
      severity: 'blocker',
      remedy: 'Run `drbot network replicate ecs-tier`.',
    });
    expect(w.fake.actions('ecs')).toContain('DescribeAvailableResource');
    await w.replicate();
    // the doctor reads the mapping of its runbook: store it under that name too
    const mapping = await loadRunbookMapping(w.store, RUNBOOK);
    for (const doc of mapping.vpcs) await saveMapping(w.store, 'ecs-tier', doc);
    const after = diagnose(await facts());
    expect(after.findings.filter((f) => f.code === 'NO_NETWORK_MAPPING')).toEqual([]);
    expect(after.findings.filter((f) => f.subject === w.vswitch.source)).toEqual([]);
    expect(w.network.replicates).toBe(true);
  });
});
