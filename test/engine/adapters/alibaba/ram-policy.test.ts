/**
 * `drbot policy --provider alibaba`: the RAM policy of the test's Alibaba runbooks covers exactly
 * the calls the provider makes for them, checked against the calls the loopback fake saw.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { agentDocuments } from '../../../../agent/commands.js';
import { alibabaPolicyFor } from '../../../../bot/cli/commands/policy.js';
import { ACTION_MODULES } from '../../../../engine/actions/catalogue.js';
import { ALIBABA_NETWORK_REPLICATE } from '../../../../engine/actions/network/iam.js';
import { createAlibabaNetwork } from '../../../../engine/adapters/alibaba/network.js';
import { ALIBABA_PROVIDER } from '../../../../engine/cloud/providers.js';
import { alibabaWorld, COMMAND, closeFakes, DOMAIN, RECORD, SOURCE, TARGET } from './fixture.js';
import { networkWorld } from './network-fixture.js';

afterAll(closeFakes);

const FIXTURES = 'test/fixtures/alibaba';

/** Calls in the policy that the scenario below does not make (another capture kind, a role). */
const NOT_EXERCISED = ['ram:PassRole', 'ecs:CreateSnapshot', 'ecs:CopySnapshot', 'ecs:DeleteSnapshot'];

describe('drbot policy --provider alibaba', () => {
  it('prints Alibaba policy JSON (Version 1, one Allow statement on *)', async () => {
    const { text, runbooks } = await alibabaPolicyFor([FIXTURES]);
    expect(runbooks.map((r) => r.metadata.name).sort()).toEqual([
      'ecs-fixture-tier',
      'ecs-fixture-zone-tier',
    ]);
    const policy = JSON.parse(text) as {
      Version: string;
      Statement: { Effect: string; Action: string[]; Resource: string }[];
    };
    expect(policy.Version).toBe('1');
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: '*' });
    expect(policy.Statement[0]?.Action.every((a) => /^(ecs|alidns|ram):[A-Z][A-Za-z]+$/.test(a))).toBe(true);
  });

  it('every action runnable on Alibaba Cloud declares its RAM calls (permissions.alibaba)', () => {
    const runnable = ACTION_MODULES.filter(
      (m) =>
        m.handler &&
        (m.capabilities ?? []).length > 0 &&
        (m.capabilities ?? []).every((c) => ALIBABA_PROVIDER.capabilities.includes(c)),
    );
    expect(runnable.length).toBeGreaterThan(5);
    expect(runnable.filter((m) => !m.permissions?.alibaba?.length).map((m) => m.name)).toEqual([]);
  });

  it('covers exactly the ECS, Cloud Assistant and Alidns calls the provider makes for the runbooks', async () => {
    const { text } = await alibabaPolicyFor([FIXTURES]);
    const policy = new Set((JSON.parse(text) as { Statement: { Action: string[] }[] }).Statement[0]?.Action);
    const w = await alibabaWorld();
    const { cloud } = w;
    // what the runbooks' actions do: the RPO gate, launch, health, status, DNS, cleanup, protect, stop
    const fleet = await cloud.listProtected({ tags: { 'dr-tier': 'ecs' } }, SOURCE);
    await cloud.latestRecoveryPoints(w.fleet, TARGET);
    await cloud.latestRecoveryPoint(w.fleet[0] as string, TARGET);
    const launched = await cloud.launch({
      launchType: 'TEST',
      idempotencyKey: 'policy:launch:1',
      tags: { runId: 'run-p', mode: 'drill' },
      blueprints: w.fleet.map((id) => ({
        sourceInstanceId: id,
        recoveryPointId: w.images[id] as string,
        region: TARGET,
        instanceType: 'ecs.g7.large',
      })),
    });
    // ec2.launch checks the recovery region's offerings for its blueprints
    await createAlibabaNetwork(cloud.clients).offeredInstanceTypes(TARGET, ['ecs.g7.large']);
    // and a CUTOVER launch asks who holds the fixed addresses it would ask for
    await cloud.addressHolders(TARGET, [{ subnetId: w.vswitch.target, ip: '10.1.1.10' }]);
    const ids = launched.map((l) => l.instanceId);
    w.fake.advance(30_000);
    await cloud.describe(ids, TARGET);
    await cloud.ensureDocuments(SOURCE, agentDocuments());
    await cloud.ensureDocuments(SOURCE, [
      { name: COMMAND, content: 'mainSteps: [{ inputs: { runCommand: [echo v2] } }]' },
    ]);
    const { commandId } = await cloud.runCommand(w.fleet, SOURCE, COMMAND, {}, 'policy:cmd:1');
    await cloud.commandStatus(commandId, SOURCE);
    const { changeId } = await cloud.switchDns(DOMAIN, RECORD, '10.1.1.50', 'policy:dns:1');
    await cloud.dnsStatus(changeId);
    await cloud.terminate(
      (await cloud.findRunOwned('run-p', TARGET)).map((i) => i.id),
      TARGET,
      { runId: 'run-p', mode: 'drill' },
    );
    const req = {
      instances: fleet,
      sourceRegion: SOURCE,
      targetRegion: TARGET,
      retention: 1,
      captureKey: 'policy:cap',
    };
    await cloud.protect(req);
    w.fake.advance(60_000);
    await cloud.protect(req);
    await cloud.stop(w.fleet, SOURCE, { runId: 'run-f', mode: 'failback' });
    const called = new Set(
      w.fake.calls.map((c) => `${c.product === 'alidns' ? 'alidns' : 'ecs'}:${c.action}`),
    );
    expect([...called].filter((c) => !policy.has(c))).toEqual([]);
    expect([...policy].filter((p) => !called.has(p)).sort()).toEqual([...NOT_EXERCISED].sort());
  });

  it('network.replicate needs exactly the vpc: and ecs: calls a replication makes (first and second apply)', async () => {
    const { text } = await alibabaPolicyFor([`${FIXTURES}/network`]);
    const policy = new Set((JSON.parse(text) as { Statement: { Action: string[] }[] }).Statement[0]?.Action);
    for (const action of ALIBABA_NETWORK_REPLICATE) expect(policy).toContain(action);
    const w = await networkWorld();
    // a secondary range exercises AssociateVpcCidrBlock
    const vpc = w.fake.net.vpcs.get(w.sourceVpcId);
    if (vpc) vpc.SecondaryCidrBlocks = ['172.16.0.0/16'];
    await w.replicate();
    await w.replicate();
    const called = new Set(w.fake.calls.map((c) => `${c.product}:${c.action}`));
    expect([...called].sort()).toEqual([...ALIBABA_NETWORK_REPLICATE].sort());
    expect(w.fake.refusals).toEqual([]);
  });
});
