/**
 * ECS DescribeNetworkInterfaces (alibabaAddressHolders), against the loopback fake: who holds a
 * private address in a vSwitch before a CUTOVER launch asks for it, per vSwitch and at most 100
 * addresses per call, answering the instance, and only for the vSwitch each address was asked in.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { alibabaWorld, closeFakes, SOURCE } from './fixture.js';

afterAll(closeFakes);

describe('Alibaba addressHolders (ECS DescribeNetworkInterfaces)', () => {
  it('ECS DescribeNetworkInterfaces: VSwitchId and PrivateIpAddress.N, the holding instance per vswitch|ip', async () => {
    const w = await alibabaWorld();
    const other = w.fake.net.addVpc(SOURCE, '172.16.0.0/16', [
      { zone: 'cn-hangzhou-h', cidr: '172.16.1.0/24' },
    ]);
    const held = await w.cloud.addressHolders(SOURCE, [
      { subnetId: w.vswitch.source, ip: '192.168.1.10' },
      { subnetId: w.vswitch.source, ip: '192.168.1.99' },
      // the same address in another vSwitch: nobody holds it there
      { subnetId: other.vswitchIds[0] as string, ip: '192.168.1.11' },
    ]);
    expect(held).toEqual({ [`${w.vswitch.source}|192.168.1.10`]: w.fleet[0] });
    expect(w.fake.actions('ecs').filter((a) => a === 'DescribeNetworkInterfaces')).toHaveLength(2);
  });

  it('asks at most 100 addresses per call', async () => {
    const w = await alibabaWorld();
    const addresses = Array.from({ length: 230 }, (_, i) => ({
      subnetId: w.vswitch.source,
      ip: `192.168.${1 + Math.floor(i / 200)}.${i % 200}`,
    }));
    const held = await w.cloud.addressHolders(SOURCE, addresses);
    expect(Object.values(held).sort()).toEqual([...w.fleet].sort());
    expect(w.fake.actions('ecs').filter((a) => a === 'DescribeNetworkInterfaces')).toHaveLength(3);
  });
});
