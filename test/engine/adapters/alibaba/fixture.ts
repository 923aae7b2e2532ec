/**
 * A provider wired to a fresh loopback fake with a small Alibaba world: two protected ECS
 * instances in cn-hangzhou (zone h), a recovery image of each in cn-shanghai, VPCs and vSwitches
 * on both sides, an Alidns record and one Cloud Assistant command.
 */
import { AlibabaCloudProvider } from '../../../../engine/adapters/alibaba/provider.js';
import { FakeClock } from '../../../../engine/adapters/memory/clock.js';
import {
  type AlibabaFake,
  FAKE_ACCESS_KEY_ID,
  FAKE_ACCESS_KEY_SECRET,
  startAlibabaFake,
} from '../../../helpers/alibaba-fake/index.js';

export const SOURCE = 'cn-hangzhou';
export const TARGET = 'cn-shanghai';
export const DOMAIN = 'shop.example.com';
export const RECORD = 'app.shop.example.com';
export const COMMAND = 'DrbotContractEcho';

export interface AlibabaWorld {
  fake: AlibabaFake;
  cloud: AlibabaCloudProvider;
  clock: FakeClock;
  fleet: string[];
  images: Record<string, string>;
  vswitch: { source: string; target: string };
}

const open: AlibabaFake[] = [];

/** Closes every fake started so far (call from afterAll). */
export async function closeFakes(): Promise<void> {
  await Promise.all(open.splice(0).map((f) => f.close()));
}

export async function alibabaWorld(): Promise<AlibabaWorld> {
  const fake = await startAlibabaFake();
  open.push(fake);
  const clock = new FakeClock(fake.ecs.now);
  const src = fake.net.addVpc(SOURCE, '192.168.0.0/16', [
    { zone: 'cn-hangzhou-h', cidr: '192.168.1.0/24' },
    { zone: 'cn-hangzhou-i', cidr: '192.168.2.0/24' },
  ]);
  const dst = fake.net.addVpc(TARGET, '10.1.0.0/16', [{ zone: 'cn-shanghai-e', cidr: '10.1.1.0/24' }]);
  const fleet: string[] = [];
  const images: Record<string, string> = {};
  for (const [n, name] of ['web-1', 'web-2'].entries()) {
    const instance = fake.ecs.addInstance({
      RegionId: SOURCE,
      ZoneId: 'cn-hangzhou-h',
      VpcId: src.vpcId,
      VSwitchId: src.vswitchIds[0] as string,
      PrivateIp: `192.168.1.${10 + n}`,
      SecurityGroupIds: ['sg-bp1web000000000001'],
      tags: { 'dr-tier': 'ecs', Name: name },
    });
    fleet.push(instance.InstanceId);
    for (const age of [2, 1]) {
      const at = fake.ecs.now - age * 3_600_000;
      const image = fake.ecs.addImage({
        RegionId: TARGET,
        createdAt: at,
        tags: {
          'drbot:source-instance': instance.InstanceId,
          'drbot:captured-at': new Date(at).toISOString(),
          'drbot:capture-key': `seed-${age}:${instance.InstanceId}`,
          'drbot:app-consistent': 'false',
        },
      });
      images[instance.InstanceId] = image.ImageId;
    }
  }
  fake.net.addRecord(DOMAIN, 'app', 'A', '192.168.1.10');
  fake.ecs.commands.set('c-seed', {
    CommandId: 'c-seed',
    RegionId: SOURCE,
    Name: COMMAND,
    Type: 'RunShellScript',
    CommandContent: Buffer.from('echo ok').toString('base64'),
    Description: '',
    EnableParameter: false,
    ParameterNames: [],
  });
  const cloud = new AlibabaCloudProvider({
    endpoints: { ecs: fake.endpoint, vpc: fake.endpoint, alidns: fake.endpoint },
    protocol: 'HTTP',
    accessKeyId: FAKE_ACCESS_KEY_ID,
    accessKeySecret: FAKE_ACCESS_KEY_SECRET,
    clock,
  });
  return {
    fake,
    cloud,
    clock,
    fleet,
    images,
    vswitch: { source: src.vswitchIds[0] as string, target: dst.vswitchIds[0] as string },
  };
}
