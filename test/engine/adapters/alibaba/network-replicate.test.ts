/**
 * Network replication on Alibaba Cloud against the loopback fake: discovery maps the source VPC
 * into the neutral topology (reporting what it cannot copy), apply creates the replica with the
 * remapped range, mapped zones, drbot's tags and remapped group references, a second apply creates
 * nothing and returns the same mapping, and a resource drbot did not create is never changed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createAlibabaNetwork } from '../../../../engine/adapters/alibaba/network.js';
import { NonRetryableError } from '../../../../engine/errors.js';
import { SOURCE_ID_TAG, SOURCE_REGION_TAG } from '../../../../engine/network/plan-types.js';
import { planNetwork } from '../../../../engine/network/replicate.js';
import { closeFakes, SOURCE, TARGET } from './fixture.js';
import { networkWorld, REMAP, RUNBOOK } from './network-fixture.js';

afterAll(closeFakes);

const CREATES = [
  'CreateVpc',
  'AssociateVpcCidrBlock',
  'CreateVSwitch',
  'CreateSecurityGroup',
  'CreateRouteEntry',
];
const WRITES = [...CREATES, 'AuthorizeSecurityGroup', 'AuthorizeSecurityGroupEgress', 'TagResources'];

describe('AlibabaNetwork discover (DescribeVSwitches, DescribeVpcs, DescribeRouteTableList, DescribeSecurityGroupAttribute)', () => {
  it('maps the VPC, its vSwitches, system route table and security groups, reporting NAT gateways, custom routes and Drop rules', async () => {
    const w = await networkWorld();
    const [topology, ...more] = await w.network.discover(SOURCE, [w.vswitch.source]);
    expect(more).toEqual([]);
    expect(topology?.vpc).toMatchObject({ id: w.sourceVpcId, cidrs: ['192.168.0.0/16'] });
    // Alibaba's reserved tags are never copied
    expect(topology?.vpc.tags).toEqual({ Name: 'shop-prod', env: 'prod' });
    expect(topology?.subnets.map((s) => [s.zone, s.cidr]).sort()).toEqual([
      ['cn-hangzhou-h', '192.168.1.0/24'],
      ['cn-hangzhou-i', '192.168.2.0/24'],
    ]);
    expect(topology?.routeTables).toHaveLength(1);
    const system = topology?.routeTables[0];
    expect(system?.main).toBe(true);
    expect(system?.subnetIds).toEqual([w.vswitch.source]);
    expect(system?.routes.find((r) => r.destination === '0.0.0.0/0')?.target).toEqual({
      kind: 'other',
      id: `${w.natId} (NatGateway)`,
    });
    const web = topology?.securityGroups.find((g) => g.id === w.groups.web);
    expect(web?.ingress).toContainEqual(
      expect.objectContaining({ protocol: 'tcp', fromPort: 80, toPort: 80, cidrs: ['0.0.0.0/0'] }),
    );
    expect(web?.egress).toEqual([expect.objectContaining({ protocol: '-1', cidrs: ['0.0.0.0/0'] })]);
    const db = topology?.securityGroups.find((g) => g.id === w.groups.db);
    expect(db?.ingress).toEqual([expect.objectContaining({ protocol: 'tcp', groupIds: [w.groups.web] })]);
    const notes = topology?.notes?.join('\n') ?? '';
    expect(notes).toContain(`NAT gateway ${w.natId} is not replicated`);
    expect(notes).toMatch(/custom route table vtb-\S+ is not replicated/);
    expect(notes).toContain('Drop rule');
    expect(w.fake.refusals).toEqual([]);
  });

  it('DescribeZones and DescribeVpcs: zone ids and VPC ranges of the target region', async () => {
    const w = await networkWorld();
    expect(await w.network.availabilityZones(TARGET)).toEqual([
      'cn-shanghai-b',
      'cn-shanghai-e',
      'cn-shanghai-h',
      'cn-shanghai-i',
    ]);
    expect(await w.network.vpcRanges(TARGET)).toEqual([
      { vpcId: expect.any(String), cidrs: ['10.1.0.0/16'] },
    ]);
  });
});

describe('AlibabaNetwork apply (CreateVpc, CreateVSwitch, CreateSecurityGroup, AuthorizeSecurityGroup)', () => {
  it('creates the replica with the remapped CIDR, mapped zones, drbot tags and remapped group references', async () => {
    const w = await networkWorld();
    const result = await w.replicate();
    const [mapping] = result.mappings;
    const vpc = w.fake.net.vpcs.get(mapping?.targetVpcId ?? '');
    expect(vpc).toMatchObject({ RegionId: TARGET, CidrBlock: '10.20.0.0/16', VpcName: 'shop-prod' });
    expect(vpc?.tags).toMatchObject({
      [SOURCE_ID_TAG]: w.sourceVpcId,
      [SOURCE_REGION_TAG]: SOURCE,
      env: 'prod',
    });
    // CreateVSwitch is refused while the VPC is Pending: the converger waited for Available
    expect(w.sleeps).toEqual([2_000]);
    const replicaSwitches = [...w.fake.ecs.vswitches].filter(([, s]) => s.VpcId === vpc?.VpcId);
    expect(replicaSwitches.map(([, s]) => [s.ZoneId, s.CidrBlock]).sort()).toEqual([
      ['cn-shanghai-h', '10.20.1.0/24'],
      ['cn-shanghai-i', '10.20.2.0/24'],
    ]);
    for (const [, s] of replicaSwitches) expect(s.tags?.[SOURCE_REGION_TAG]).toBe(SOURCE);
    const target = (id: string) => mapping?.entries.find((e) => e.sourceId === id)?.targetId ?? '';
    expect(target(w.vswitch.source)).toMatch(/^vsw-/);
    const web = w.fake.groups.groups.get(target(w.groups.web));
    const db = w.fake.groups.groups.get(target(w.groups.db));
    expect(web).toMatchObject({ VpcId: vpc?.VpcId, SecurityGroupName: 'web', RegionId: TARGET });
    expect(web?.tags).toMatchObject({ [SOURCE_ID_TAG]: w.groups.web, Name: 'web' });
    // the VPC range is remapped in rules too; a reference to web names the replica of web
    expect(web?.permissions).toContainEqual(
      expect.objectContaining({ Direction: 'ingress', PortRange: '22/22', SourceCidrIp: '10.20.0.0/16' }),
    );
    expect(web?.permissions).toContainEqual(
      expect.objectContaining({ Direction: 'egress', IpProtocol: 'ALL', DestCidrIp: '0.0.0.0/0' }),
    );
    expect(db?.permissions).toEqual([
      expect.objectContaining({
        PortRange: '3306/3306',
        SourceGroupId: web?.SecurityGroupId,
        Policy: 'Accept',
      }),
    ]);
    // the system route table is mapped; the NAT route is reported, not created
    expect(mapping?.entries.filter((e) => e.kind === 'route-table')).toHaveLength(1);
    expect(result.notes.join('\n')).toContain(`route 0.0.0.0/0 → ${w.natId} (NatGateway)`);
    expect(result.notes.join('\n')).toContain(`NAT gateway ${w.natId} is not replicated`);
    expect(mapping?.entries.filter((e) => e.kind === 'zone')).toContainEqual({
      kind: 'zone',
      sourceId: 'cn-hangzhou-h',
      targetId: 'cn-shanghai-h',
    });
    // no SSM endpoint or its group on Alibaba Cloud (Cloud Assistant needs none)
    expect(
      [...w.fake.groups.groups.values()].some((g) => g.SecurityGroupName === 'drbot-ssm-endpoints'),
    ).toBe(false);
    expect(w.fake.actions().filter((a) => a === 'CreateVpc')).toHaveLength(1);
    expect(w.fake.actions()).not.toContain('CreateRouteEntry');
    expect(w.fake.refusals).toEqual([]);
  });

  it('a second apply creates nothing and returns the same mapping', async () => {
    const w = await networkWorld();
    const first = await w.replicate();
    const before = w.fake.calls.length;
    const second = await w.replicate();
    const writes = w.fake.calls.slice(before).filter((c) => WRITES.includes(c.action));
    expect(writes).toEqual([]);
    expect(second.created).toBe(0);
    expect(second.reused).toBe(first.created + first.reused);
    expect(second.mappings[0]?.entries).toEqual(first.mappings[0]?.entries);
    expect(second.mappings[0]?.targetVpcId).toBe(first.mappings[0]?.targetVpcId);
  });

  it('DescribeVpcs: a VPC still Pending fails the attempt retryably, and the next one reuses it (one CreateVpc)', async () => {
    const w = await networkWorld();
    const impatient = createAlibabaNetwork(w.cloud.clients, { maxPolls: 1, sleep: async () => {} });
    const plans = await planNetwork({
      network: impatient,
      store: w.store,
      clock: w.clock,
      runbook: RUNBOOK,
      sourceRegion: SOURCE,
      targetRegion: TARGET,
      instances: await w.cloud.listProtected({ tags: { 'dr-tier': 'ecs' } }, SOURCE),
      cidrRemap: REMAP,
    });
    const error = await impatient.apply(plans[0]!).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ALIBABA_VPC_NOT_READY' });
    expect(error).not.toBeInstanceOf(NonRetryableError);
    expect(w.fake.actions()).not.toContain('CreateVSwitch');
    const result = await w.replicate();
    expect(w.fake.actions().filter((a) => a === 'CreateVpc')).toHaveLength(1);
    expect(result.applied[0]?.resources.find((r) => r.kind === 'vpc')?.created).toBe(false);
  });

  it('refuses to change a security group drbot did not create (NETWORK_RESOURCE_NOT_OWNED)', async () => {
    const w = await networkWorld();
    const first = await w.replicate();
    const replicaWeb = first.mappings[0]?.entries.find((e) => e.sourceId === w.groups.web)?.targetId ?? '';
    const group = w.fake.groups.groups.get(replicaWeb);
    if (!group) throw new Error('replica group missing');
    // someone's own group that only borrowed the source-id tag: drbot tags both, always
    delete group.tags[SOURCE_REGION_TAG];
    group.permissions = [];
    const before = w.fake.calls.length;
    await expect(w.replicate()).rejects.toMatchObject({
      code: 'NETWORK_RESOURCE_NOT_OWNED',
      message: expect.stringContaining(replicaWeb),
      action: expect.stringContaining('drbot network replicate'),
    });
    expect(w.fake.calls.slice(before).filter((c) => WRITES.includes(c.action))).toEqual([]);
    expect(group.permissions).toEqual([]);
  });
});

describe('AlibabaNetwork offeredInstanceTypes (DescribeAvailableResource)', () => {
  it('answers the asked types offered in the region, without sold-out or unknown ones', async () => {
    const w = await networkWorld();
    w.fake.groups.offered.set(TARGET, ['ecs.g7.large', 'ecs.g6.large', 'ecs.c7.large']);
    w.fake.ecs.noStock.set(TARGET, new Set(['ecs.c7.large']));
    expect(
      await w.network.offeredInstanceTypes(TARGET, ['ecs.g7.large', 'ecs.c7.large', 'ecs.r9.huge']),
    ).toEqual(['ecs.g7.large']);
    const call = w.fake.calls.find((c) => c.action === 'DescribeAvailableResource');
    expect(call?.params).toMatchObject({ RegionId: TARGET, DestinationResource: 'InstanceType' });
  });
});
