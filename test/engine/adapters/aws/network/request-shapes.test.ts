/**
 * Wire conformity of network replication (the converger against the stateful EC2 fake): every
 * create is tagged at creation with the resource type the EC2 API reference names for that
 * operation, every request goes to the target region, and each request carries the parameters
 * the reference requires (Description of CreateSecurityGroup, one target per CreateRoute …).
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsNetwork } from '../../../../../engine/adapters/aws/network/aws-network.js';
import { buildReplicationPlan } from '../../../../../engine/network/plan.js';
import { sourceTopology } from '../../../network/fixtures.js';
import { fakeEc2 } from './fake-ec2.js';

/** Operation → the TagSpecifications ResourceType EC2 accepts for it (API reference, per action). */
const RESOURCE_TYPE: Record<string, string> = {
  CreateVpc: 'vpc',
  CreateDhcpOptions: 'dhcp-options',
  CreateSubnet: 'subnet',
  CreateInternetGateway: 'internet-gateway',
  CreateEgressOnlyInternetGateway: 'egress-only-internet-gateway',
  AllocateAddress: 'elastic-ip',
  CreateNatGateway: 'natgateway',
  CreateRouteTable: 'route-table',
  CreateNetworkAcl: 'network-acl',
  CreateSecurityGroup: 'security-group',
  CreateVpcEndpoint: 'vpc-endpoint',
};

type Call = { name: string; input: Record<string, unknown>; thisValue: unknown };

let fake = fakeEc2();
afterEach(() => {
  fake.mock.restore();
  fake = fakeEc2();
});

async function converge(): Promise<Call[]> {
  const network = createAwsNetwork({
    clients: { ec2: (region) => new EC2Client({ region }), ssm: (region) => new SSMClient({ region }) },
  });
  await network.apply(
    buildReplicationPlan(sourceTopology(), {
      targetRegion: 'us-west-2',
      targetZones: ['us-west-2a', 'us-west-2b'],
      cidrRemap: { from: '10.0.0.0/16', to: '20.0.0.0/16' },
    }),
  );
  return fake.mock.calls().map((c) => {
    const command = c.args[0] as unknown as { constructor: { name: string }; input: Record<string, unknown> };
    return {
      name: command.constructor.name.replace(/Command$/, ''),
      input: command.input,
      thisValue: c.thisValue,
    };
  });
}

describe('network replication requests', () => {
  it('EC2 Create*/AllocateAddress: TagSpecifications with the ResourceType of the operation and drbot:source-id', async () => {
    const creates = (await converge()).filter((c) => c.name in RESOURCE_TYPE);
    const made = new Set(creates.map((c) => c.name));
    for (const name of ['CreateVpc', 'CreateSubnet', 'CreateSecurityGroup', 'CreateVpcEndpoint']) {
      expect(made.has(name), name).toBe(true);
    }
    for (const call of creates) {
      const specs = call.input.TagSpecifications as { ResourceType: string; Tags: { Key: string }[] }[];
      expect(specs, call.name).toHaveLength(1);
      expect(specs[0]?.ResourceType, call.name).toBe(RESOURCE_TYPE[call.name]);
      expect(
        specs[0]?.Tags.map((t) => t.Key),
        call.name,
      ).toContain('drbot:source-id');
    }
  });

  it('every EC2 request of the converge goes to the target region', async () => {
    const calls = await converge();
    expect(calls.length).toBeGreaterThan(10);
    const regions = new Set(await Promise.all(calls.map((c) => (c.thisValue as EC2Client).config.region())));
    expect([...regions]).toEqual(['us-west-2']);
  });

  it('EC2 CreateSecurityGroup: GroupName, the required Description and VpcId; CreateSubnet: VpcId and AvailabilityZone', async () => {
    const calls = await converge();
    for (const sg of calls.filter((c) => c.name === 'CreateSecurityGroup')) {
      expect(sg.input.GroupName).toEqual(expect.any(String));
      expect(String(sg.input.Description).length).toBeGreaterThan(0);
      expect(String(sg.input.Description).length).toBeLessThanOrEqual(255);
      expect(sg.input.VpcId).toMatch(/^vpc-/);
    }
    for (const subnet of calls.filter((c) => c.name === 'CreateSubnet')) {
      expect(subnet.input.VpcId).toMatch(/^vpc-/);
      expect(subnet.input.AvailabilityZone).toMatch(/^us-west-2[a-z]$/);
    }
  });

  it('EC2 CreateRoute: a RouteTableId, one destination and exactly one target', async () => {
    const routes = (await converge()).filter((c) => c.name === 'CreateRoute');
    expect(routes.length).toBeGreaterThan(0);
    const targets = [
      'GatewayId',
      'NatGatewayId',
      'EgressOnlyInternetGatewayId',
      'TransitGatewayId',
      'VpcPeeringConnectionId',
      'NetworkInterfaceId',
      'InstanceId',
      'VpcEndpointId',
    ];
    for (const route of routes) {
      expect(route.input.RouteTableId).toMatch(/^rtb-/);
      const destinations = ['DestinationCidrBlock', 'DestinationIpv6CidrBlock', 'DestinationPrefixListId'];
      expect(destinations.filter((d) => route.input[d] !== undefined)).toHaveLength(1);
      expect(
        targets.filter((t) => route.input[t] !== undefined),
        JSON.stringify(route.input),
      ).toHaveLength(1);
    }
  });

  it('EC2 AuthorizeSecurityGroupIngress: GroupId and IpPermissions, never the legacy top-level CidrIp/FromPort', async () => {
    const rules = (await converge()).filter((c) => c.name.startsWith('AuthorizeSecurityGroup'));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.input.GroupId).toMatch(/^sg-/);
      expect(Array.isArray(rule.input.IpPermissions)).toBe(true);
      for (const legacy of ['CidrIp', 'FromPort', 'ToPort', 'IpProtocol', 'GroupName']) {
        expect(rule.input[legacy], legacy).toBeUndefined();
      }
    }
  });

  it('EC2 CreateVpcEndpoint: an Interface endpoint with SubnetIds, SecurityGroupIds and PrivateDnsEnabled', async () => {
    const endpoints = (await converge()).filter((c) => c.name === 'CreateVpcEndpoint');
    expect(endpoints.map((e) => e.input.ServiceName)).toEqual(
      expect.arrayContaining(['com.amazonaws.us-west-2.ssm']),
    );
    for (const endpoint of endpoints) {
      expect(endpoint.input).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
      expect((endpoint.input.SubnetIds as string[]).every((s) => s.startsWith('subnet-'))).toBe(true);
      expect((endpoint.input.SecurityGroupIds as string[]).every((s) => s.startsWith('sg-'))).toBe(true);
    }
  });
});
