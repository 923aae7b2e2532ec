/**
 * Who holds a private address in a subnet (CloudProvider.addressHolders), on EC2: one paged
 * DescribeNetworkInterfaces per 200 addresses, filtered by subnet and address. Interfaces, not
 * instances, because anything may hold an address (a stopped copy, a load balancer, an
 * endpoint); an attached interface answers its instance id.
 */
import {
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandInput,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { addressKey, type SubnetAddress } from '../../cloud/compute.js';
import { chunk, unique } from './batching.js';
import { awsCall } from './errors.js';

/** EC2's limit of values per filter. */
const VALUES_PER_FILTER = 200;

export async function awsAddressHolders(
  client: EC2Client,
  region: string,
  addresses: readonly SubnetAddress[],
): Promise<Record<string, string>> {
  const wanted = new Set(addresses.map(addressKey));
  const held: Record<string, string> = {};
  for (const batch of chunk([...addresses], VALUES_PER_FILTER)) {
    let NextToken: string | undefined;
    do {
      const input: DescribeNetworkInterfacesCommandInput = {
        Filters: [
          { Name: 'subnet-id', Values: unique(batch.map((a) => a.subnetId)) },
          { Name: 'addresses.private-ip-address', Values: unique(batch.map((a) => a.ip)) },
        ],
        ...(NextToken ? { NextToken } : {}),
      };
      const out = await awsCall(`EC2 DescribeNetworkInterfaces in ${region}`, () =>
        client.send(new DescribeNetworkInterfacesCommand(input)),
      );
      for (const eni of out.NetworkInterfaces ?? []) {
        for (const address of eni.PrivateIpAddresses ?? []) {
          const key = addressKey({ subnetId: eni.SubnetId ?? '', ip: address.PrivateIpAddress ?? '' });
          if (wanted.has(key))
            held[key] = eni.Attachment?.InstanceId ?? eni.NetworkInterfaceId ?? 'an interface';
        }
      }
      NextToken = out.NextToken;
    } while (NextToken);
  }
  return held;
}
