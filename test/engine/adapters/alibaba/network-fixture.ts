/**
 * The Alibaba world of fixture.ts plus a source network worth replicating: two security groups of
 * the source VPC (web: HTTP from anywhere, SSH from the VPC, all egress; db: MySQL from web and a
 * Drop rule), a NAT gateway with a default route through it in the system route table, and a
 * custom route table; the protected instances sit in web. Replication runs through the
 * provider-neutral replicateNetwork with an in-memory store, the poll wait made instant.
 */
import { createAlibabaNetwork } from '../../../../engine/adapters/alibaba/network.js';
import { MemoryRunStore } from '../../../../engine/adapters/memory/store.js';
import type { CidrRemap } from '../../../../engine/network/cidr.js';
import { replicateNetwork } from '../../../../engine/network/replicate.js';
import { type AlibabaWorld, alibabaWorld, SOURCE, TARGET } from './fixture.js';

export const REMAP: CidrRemap = { from: '192.168.0.0/16', to: '10.20.0.0/16' };
export const RUNBOOK = 'ecs-network-tier';

export interface NetworkWorld extends AlibabaWorld {
  sourceVpcId: string;
  groups: { web: string; db: string };
  natId: string;
  network: ReturnType<typeof createAlibabaNetwork>;
  store: MemoryRunStore;
  sleeps: number[];
  replicate: () => ReturnType<typeof replicateNetwork>;
}

export async function networkWorld(): Promise<NetworkWorld> {
  const w = await alibabaWorld();
  const vsw = w.fake.ecs.vswitches.get(w.vswitch.source);
  const sourceVpcId = vsw?.VpcId ?? '';
  const vpc = w.fake.net.vpcs.get(sourceVpcId);
  if (!vpc) throw new Error('fixture VPC missing');
  vpc.tags = { Name: 'shop-prod', env: 'prod', 'acs:reserved': 'x' };
  const natId = w.fake.ecs.id('ngw', SOURCE);
  vpc.NatGatewayIds = [natId];
  const system = w.fake.network.systemTable(vpc);
  w.fake.network.routeEntries.push({
    RouteTableId: system.RouteTableId,
    DestinationCidrBlock: '0.0.0.0/0',
    Type: 'Custom',
    NextHopType: 'NatGateway',
    NextHopId: natId,
  });
  const second = [...w.fake.ecs.vswitches].find(
    ([id, s]) => s.VpcId === sourceVpcId && id !== w.vswitch.source,
  )?.[0];
  const custom = w.fake.ecs.id('vtb', SOURCE);
  w.fake.network.routeTables.set(custom, {
    RouteTableId: custom,
    VpcId: sourceVpcId,
    RegionId: SOURCE,
    RouteTableType: 'Custom',
    VSwitchIds: second ? [second] : [],
  });
  const base = { RegionId: SOURCE, VpcId: sourceVpcId };
  const web = w.fake.groups.add({
    ...base,
    SecurityGroupName: 'web',
    Description: 'web tier',
    tags: { Name: 'web' },
  });
  const db = w.fake.groups.add({ ...base, SecurityGroupName: 'db', Description: 'database' });
  const rule = (Direction: 'ingress' | 'egress', fields: Record<string, string>) => ({
    Direction,
    Policy: 'Accept',
    Priority: '1',
    ...fields,
  });
  web.permissions.push(
    rule('ingress', { IpProtocol: 'TCP', PortRange: '80/80', SourceCidrIp: '0.0.0.0/0' }),
    rule('ingress', { IpProtocol: 'TCP', PortRange: '22/22', SourceCidrIp: '192.168.0.0/16' }),
    rule('egress', { IpProtocol: 'ALL', PortRange: '-1/-1', DestCidrIp: '0.0.0.0/0' }),
  );
  db.permissions.push(
    rule('ingress', { IpProtocol: 'TCP', PortRange: '3306/3306', SourceGroupId: web.SecurityGroupId }),
    rule('ingress', { IpProtocol: 'TCP', PortRange: '23/23', SourceCidrIp: '0.0.0.0/0', Policy: 'Drop' }),
  );
  for (const id of w.fleet) {
    const instance = w.fake.ecs.instances.get(id);
    if (instance) instance.SecurityGroupIds = [web.SecurityGroupId];
  }
  const sleeps: number[] = [];
  const network = createAlibabaNetwork(w.cloud.clients, {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  const store = new MemoryRunStore();
  const replicate = async () =>
    replicateNetwork({
      network,
      store,
      clock: w.clock,
      runbook: RUNBOOK,
      sourceRegion: SOURCE,
      targetRegion: TARGET,
      instances: await w.cloud.listProtected({ tags: { 'dr-tier': 'ecs' } }, SOURCE),
      cidrRemap: REMAP,
      replicatedBy: 'test',
    });
  return {
    ...w,
    sourceVpcId,
    groups: { web: web.SecurityGroupId, db: db.SecurityGroupId },
    natId,
    network,
    store,
    sleeps,
    replicate,
  };
}
