/**
 * Who holds a private address before a CUTOVER launch asks for it (awsAddressHolders), by
 * request shape: EC2 DescribeNetworkInterfaces filtered by `subnet-id` and
 * `addresses.private-ip-address` (≤ 200 values per filter, paged), answering the attached
 * instance or the interface itself, and only for the subnet each address was asked in.
 */
import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { mockedProvider } from './aws-test-helpers.js';

const { provider, ec2 } = mockedProvider();
afterEach(() => ec2.reset());

describe('AWS addressHolders (EC2 DescribeNetworkInterfaces)', () => {
  it('filters by subnet and address, pages, and answers the instance (or the interface) per subnet|ip', async () => {
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({
        NetworkInterfaces: [
          {
            NetworkInterfaceId: 'eni-1',
            SubnetId: 'subnet-a',
            Attachment: { InstanceId: 'i-stopped-copy' },
            PrivateIpAddresses: [{ PrivateIpAddress: '20.0.1.11' }],
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        NetworkInterfaces: [
          // an endpoint's interface: no instance
          {
            NetworkInterfaceId: 'eni-2',
            SubnetId: 'subnet-b',
            PrivateIpAddresses: [{ PrivateIpAddress: '20.0.2.12' }],
          },
          // the same address in another subnet than the one asked: not a holder
          {
            NetworkInterfaceId: 'eni-3',
            SubnetId: 'subnet-b',
            PrivateIpAddresses: [{ PrivateIpAddress: '20.0.1.11' }],
          },
        ],
      });
    const held = await provider.addressHolders!('us-west-2', [
      { subnetId: 'subnet-a', ip: '20.0.1.11' },
      { subnetId: 'subnet-b', ip: '20.0.2.12' },
      { subnetId: 'subnet-a', ip: '20.0.1.13' },
    ]);
    expect(held).toEqual({ 'subnet-a|20.0.1.11': 'i-stopped-copy', 'subnet-b|20.0.2.12': 'eni-2' });
    const inputs = ec2.commandCalls(DescribeNetworkInterfacesCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({
      Filters: [
        { Name: 'subnet-id', Values: ['subnet-a', 'subnet-b'] },
        { Name: 'addresses.private-ip-address', Values: ['20.0.1.11', '20.0.2.12', '20.0.1.13'] },
      ],
    });
    expect(inputs[1]).toMatchObject({ NextToken: 'page-2' });
  });

  it('asks at most 200 addresses per call', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    const addresses = Array.from({ length: 450 }, (_, i) => ({
      subnetId: 'subnet-a',
      ip: `20.0.${Math.floor(i / 250)}.${i % 250}`,
    }));
    await provider.addressHolders!('us-west-2', addresses);
    const sizes = ec2
      .commandCalls(DescribeNetworkInterfacesCommand)
      .map((c) => c.args[0].input.Filters![1]!.Values!.length);
    expect(sizes).toEqual([200, 200, 50]);
  });
});
