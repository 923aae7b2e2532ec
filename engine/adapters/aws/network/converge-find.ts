/**
 * Describe-before-create: finds what a previous replication created (tag `drbot:source-id`), or
 * the VPC's own defaults (main route table, default ACL, default security group) to adopt.
 */
import {
  DescribeAddressesCommand,
  DescribeDhcpOptionsCommand,
  type DescribeDhcpOptionsCommandInput,
  DescribeEgressOnlyInternetGatewaysCommand,
  type DescribeEgressOnlyInternetGatewaysCommandInput,
  DescribeInternetGatewaysCommand,
  type DescribeInternetGatewaysCommandInput,
  DescribeNatGatewaysCommand,
  type DescribeNatGatewaysCommandInput,
  DescribeNetworkAclsCommand,
  type DescribeNetworkAclsCommandInput,
  DescribeRouteTablesCommand,
  type DescribeRouteTablesCommandInput,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandInput,
  DescribeSubnetsCommand,
  type DescribeSubnetsCommandInput,
  DescribeVpcEndpointsCommand,
  type DescribeVpcEndpointsCommandInput,
  DescribeVpcsCommand,
  type DescribeVpcsCommandInput,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import { SOURCE_ID_TAG } from '../../../network/plan-types.js';
import { awsCall } from '../errors.js';
import { allPages, filter } from './pages.js';

const bySource = (sourceId: string): Filter => filter(`tag:${SOURCE_ID_TAG}`, sourceId);

/** Typed describe-by-filters for each resource kind the executor converges. */
export function finders(client: EC2Client, region: string) {
  const op = (name: string) => `EC2 ${name} in ${region}`;
  return {
    vpcs: (Filters: Filter[]) =>
      allPages(
        op('DescribeVpcs'),
        (i: DescribeVpcsCommandInput) => client.send(new DescribeVpcsCommand(i)),
        { Filters },
        (o) => o.Vpcs,
      ),
    dhcp: (Filters: Filter[]) =>
      allPages(
        op('DescribeDhcpOptions'),
        (i: DescribeDhcpOptionsCommandInput) => client.send(new DescribeDhcpOptionsCommand(i)),
        { Filters },
        (o) => o.DhcpOptions,
      ),
    subnets: (Filters: Filter[]) =>
      allPages(
        op('DescribeSubnets'),
        (i: DescribeSubnetsCommandInput) => client.send(new DescribeSubnetsCommand(i)),
        { Filters },
        (o) => o.Subnets,
      ),
    igws: (Filters: Filter[]) =>
      allPages(
        op('DescribeInternetGateways'),
        (i: DescribeInternetGatewaysCommandInput) => client.send(new DescribeInternetGatewaysCommand(i)),
        { Filters },
        (o) => o.InternetGateways,
      ),
    eigws: (Filters: Filter[]) =>
      allPages(
        op('DescribeEgressOnlyInternetGateways'),
        (i: DescribeEgressOnlyInternetGatewaysCommandInput) =>
          client.send(new DescribeEgressOnlyInternetGatewaysCommand(i)),
        { Filters },
        (o) => o.EgressOnlyInternetGateways,
      ),
    nats: (Filters: Filter[]) =>
      allPages(
        op('DescribeNatGateways'),
        (i: DescribeNatGatewaysCommandInput) => client.send(new DescribeNatGatewaysCommand(i)),
        { Filter: Filters },
        (o) => o.NatGateways,
      ),
    tables: (Filters: Filter[]) =>
      allPages(
        op('DescribeRouteTables'),
        (i: DescribeRouteTablesCommandInput) => client.send(new DescribeRouteTablesCommand(i)),
        { Filters },
        (o) => o.RouteTables,
      ),
    acls: (Filters: Filter[]) =>
      allPages(
        op('DescribeNetworkAcls'),
        (i: DescribeNetworkAclsCommandInput) => client.send(new DescribeNetworkAclsCommand(i)),
        { Filters },
        (o) => o.NetworkAcls,
      ),
    groups: (Filters: Filter[]) =>
      allPages(
        op('DescribeSecurityGroups'),
        (i: DescribeSecurityGroupsCommandInput) => client.send(new DescribeSecurityGroupsCommand(i)),
        { Filters },
        (o) => o.SecurityGroups,
      ),
    endpoints: (Filters: Filter[]) =>
      allPages(
        op('DescribeVpcEndpoints'),
        (i: DescribeVpcEndpointsCommandInput) => client.send(new DescribeVpcEndpointsCommand(i)),
        { Filters },
        (o) => o.VpcEndpoints,
      ),
    /** DescribeAddresses is not paginated. */
    addresses: async (Filters: Filter[]) =>
      (await awsCall(op('DescribeAddresses'), () => client.send(new DescribeAddressesCommand({ Filters }))))
        .Addresses ?? [],
  };
}

export type Finders = ReturnType<typeof finders>;

export { bySource };
