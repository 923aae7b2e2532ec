/** Shared fixtures for the AWS adapter tests: mocked clients injected through the factories. */
import {
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeTransitGatewayAttachmentsCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { type AwsProviderOptions, createAwsProvider } from '../../../../engine/adapters/aws/provider.js';
import { FakeClock } from '../../../../engine/adapters/memory/clock.js';

/** An SDK v3 service exception with the given AWS error code, as the SDK would throw it. */
export function awsError(
  name: string,
  message = `${name} happened`,
  extra: object = {},
): EC2ServiceException {
  return Object.assign(
    new EC2ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } }),
    extra,
  );
}

/** Mocks for every client class, plus a provider wired to real (mocked) client instances. */
export function mockedProvider(options: Omit<AwsProviderOptions, 'clients'> = {}) {
  const ec2 = mockClient(EC2Client);
  const ssm = mockClient(SSMClient);
  const route53 = mockClient(Route53Client);
  const clock = new FakeClock();
  const regionsAsked: string[] = [];
  const provider = createAwsProvider({
    clock,
    ...options,
    clients: {
      ec2: (region) => {
        regionsAsked.push(region);
        return new EC2Client({ region });
      },
      ssm: (region) => new SSMClient({ region }),
      route53: () => new Route53Client({ region: 'us-east-1' }),
    },
  });
  return { provider, ec2, ssm, route53, clock, regionsAsked };
}

/** `n` fake instance ids. */
export function instanceIds(n: number, prefix = 'i-0'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i.toString(16).padStart(8, '0')}`);
}

/**
 * Makes every subnet asked about an isolated drill network: it exists in `vpc-drill`, whose main
 * route table has only a local route, with no peering and no transit-gateway attachment.
 */
export function mockIsolatedDrillNetwork(ec2: ReturnType<typeof mockedProvider>['ec2']): void {
  ec2.on(DescribeSubnetsCommand).callsFake((input: { SubnetIds?: string[] }) => ({
    Subnets: (input.SubnetIds ?? []).map((id) => ({ SubnetId: id, VpcId: 'vpc-drill' })),
  }));
  ec2.on(DescribeRouteTablesCommand).resolves({
    RouteTables: [
      {
        RouteTableId: 'rtb-drill',
        Associations: [{ Main: true }],
        Routes: [{ DestinationCidrBlock: '20.0.0.0/16', GatewayId: 'local' }],
      },
    ],
  });
  ec2.on(DescribeVpcPeeringConnectionsCommand).resolves({ VpcPeeringConnections: [] });
  ec2.on(DescribeTransitGatewayAttachmentsCommand).resolves({ TransitGatewayAttachments: [] });
}

/** The region of the client a recorded aws-sdk-client-mock call was sent with. */
export function regionOf(call: { thisValue: unknown }): Promise<string> {
  return (call.thisValue as EC2Client).config.region();
}
