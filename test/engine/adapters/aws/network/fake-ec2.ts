/**
 * A small stateful EC2 behind aws-sdk-client-mock: enough of the network API for the converger to
 * create, describe by filters (tags, vpc-id, defaults) and diff, so re-runs can be checked.
 */
import * as ec2 from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';

type Obj = Record<string, unknown> & { Tags?: ec2.Tag[] };
type Kind = 'vpc' | 'dhcp' | 'subnet' | 'igw' | 'eigw' | 'nat' | 'eip' | 'rtb' | 'acl' | 'sg' | 'vpce';

function matches(obj: Obj, f: ec2.Filter): boolean {
  const values = f.Values ?? [];
  const name = f.Name ?? '';
  const some = (list: unknown, key: string) =>
    Array.isArray(list) && list.some((x) => values.includes(String((x as Obj)[key])));
  if (name.startsWith('tag:'))
    return (obj.Tags ?? []).some((t) => t.Key === name.slice(4) && values.includes(t.Value ?? ''));
  if (name === 'vpc-id') return values.includes(String(obj.VpcId));
  if (name === 'association.main')
    return Array.isArray(obj.Associations) && (obj.Associations as Obj[]).some((a) => a.Main === true);
  if (name === 'association.subnet-id') return some(obj.Associations, 'SubnetId');
  if (name === 'attachment.vpc-id') return some(obj.Attachments, 'VpcId');
  if (name === 'default') return String(obj.IsDefault) === values[0];
  if (name === 'group-name') return values.includes(String(obj.GroupName));
  if (name === 'state') return obj.State === undefined || values.includes(String(obj.State));
  return true;
}

export function fakeEc2() {
  const mock = mockClient(ec2.EC2Client);
  const store: Record<Kind, Obj[]> = {
    vpc: [],
    dhcp: [],
    subnet: [],
    igw: [],
    eigw: [],
    nat: [],
    eip: [],
    rtb: [],
    acl: [],
    sg: [],
    vpce: [],
  };
  let n = 0;
  const id = (prefix: string) => `${prefix}-t${(++n).toString().padStart(4, '0')}`;
  const tagsOf = (specs: ec2.TagSpecification[] | undefined) => specs?.[0]?.Tags ?? [];
  const find = (kind: Kind, filters: ec2.Filter[] | undefined) =>
    store[kind].filter((o) => (filters ?? []).every((f) => matches(o, f)));
  const byId = (kind: Kind, key: string, value: string | undefined) =>
    store[kind].find((o) => o[key] === value)!;

  mock
    .on(ec2.DescribeVpcsCommand)
    .callsFake((i: ec2.DescribeVpcsCommandInput) => ({ Vpcs: find('vpc', i.Filters) }));
  mock.on(ec2.DescribeDhcpOptionsCommand).callsFake((i) => ({ DhcpOptions: find('dhcp', i.Filters) }));
  mock.on(ec2.DescribeSubnetsCommand).callsFake((i) => ({ Subnets: find('subnet', i.Filters) }));
  mock
    .on(ec2.DescribeInternetGatewaysCommand)
    .callsFake((i) => ({ InternetGateways: find('igw', i.Filters) }));
  mock
    .on(ec2.DescribeEgressOnlyInternetGatewaysCommand)
    .callsFake((i) => ({ EgressOnlyInternetGateways: find('eigw', i.Filters) }));
  mock.on(ec2.DescribeNatGatewaysCommand).callsFake((i) => ({ NatGateways: find('nat', i.Filter) }));
  mock.on(ec2.DescribeAddressesCommand).callsFake((i) => ({ Addresses: find('eip', i.Filters) }));
  mock
    .on(ec2.DescribeRouteTablesCommand)
    .callsFake((i) => ({ RouteTables: structuredClone(find('rtb', i.Filters)) }));
  mock
    .on(ec2.DescribeNetworkAclsCommand)
    .callsFake((i) => ({ NetworkAcls: structuredClone(find('acl', i.Filters)) }));
  mock
    .on(ec2.DescribeSecurityGroupsCommand)
    .callsFake((i) => ({ SecurityGroups: structuredClone(find('sg', i.Filters)) }));
  mock.on(ec2.DescribeVpcEndpointsCommand).callsFake((i) => ({ VpcEndpoints: find('vpce', i.Filters) }));

  mock.on(ec2.CreateVpcCommand).callsFake((i: ec2.CreateVpcCommandInput) => {
    const VpcId = id('vpc');
    const vpc = {
      VpcId,
      CidrBlock: i.CidrBlock,
      DhcpOptionsId: 'dopt-default',
      Tags: tagsOf(i.TagSpecifications),
    };
    store.vpc.push(vpc);
    // AWS creates a main route table, a default ACL and a default security group with every VPC
    store.rtb.push({
      RouteTableId: id('rtb'),
      VpcId,
      Associations: [{ Main: true }],
      Routes: [{ DestinationCidrBlock: i.CidrBlock, GatewayId: 'local' }],
    });
    store.acl.push({ NetworkAclId: id('acl'), VpcId, IsDefault: true, Associations: [], Entries: [] });
    store.sg.push({
      GroupId: id('sg'),
      VpcId,
      GroupName: 'default',
      IpPermissions: [],
      IpPermissionsEgress: [],
    });
    return { Vpc: vpc };
  });
  mock.on(ec2.CreateDhcpOptionsCommand).callsFake((i) => {
    const o = { DhcpOptionsId: id('dopt'), Tags: tagsOf(i.TagSpecifications) };
    store.dhcp.push(o);
    return { DhcpOptions: o };
  });
  mock.on(ec2.AssociateDhcpOptionsCommand).callsFake((i) => {
    byId('vpc', 'VpcId', i.VpcId).DhcpOptionsId = i.DhcpOptionsId;
    return {};
  });
  mock.on(ec2.CreateSubnetCommand).callsFake((i) => {
    const SubnetId = id('subnet');
    const o = {
      SubnetId,
      VpcId: i.VpcId,
      CidrBlock: i.CidrBlock,
      AvailabilityZone: i.AvailabilityZone,
      Tags: tagsOf(i.TagSpecifications),
    };
    store.subnet.push(o);
    const acl = store.acl.find((a) => a.VpcId === i.VpcId && a.IsDefault)!;
    (acl.Associations as Obj[]).push({ SubnetId, NetworkAclAssociationId: id('aclassoc') });
    return { Subnet: o };
  });
  mock.on(ec2.CreateInternetGatewayCommand).callsFake((i) => {
    const o = { InternetGatewayId: id('igw'), Attachments: [] as Obj[], Tags: tagsOf(i.TagSpecifications) };
    store.igw.push(o);
    return { InternetGateway: o };
  });
  mock.on(ec2.AttachInternetGatewayCommand).callsFake((i) => {
    (byId('igw', 'InternetGatewayId', i.InternetGatewayId).Attachments as Obj[]).push({
      VpcId: i.VpcId,
      State: 'available',
    });
    return {};
  });
  mock.on(ec2.AllocateAddressCommand).callsFake((i) => {
    const o = { AllocationId: id('eipalloc'), Tags: tagsOf(i.TagSpecifications) };
    store.eip.push(o);
    return o;
  });
  mock.on(ec2.CreateNatGatewayCommand).callsFake((i) => {
    const o = {
      NatGatewayId: id('nat'),
      SubnetId: i.SubnetId,
      State: 'pending',
      Tags: tagsOf(i.TagSpecifications),
    };
    store.nat.push(o);
    return { NatGateway: o };
  });
  mock.on(ec2.CreateRouteTableCommand).callsFake((i) => {
    const o = {
      RouteTableId: id('rtb'),
      VpcId: i.VpcId,
      Associations: [] as Obj[],
      Routes: [] as Obj[],
      Tags: tagsOf(i.TagSpecifications),
    };
    store.rtb.push(o);
    return { RouteTable: structuredClone(o) };
  });
  mock.on(ec2.CreateRouteCommand).callsFake((i) => {
    (byId('rtb', 'RouteTableId', i.RouteTableId).Routes as Obj[]).push({ ...i });
    return { Return: true };
  });
  mock.on(ec2.AssociateRouteTableCommand).callsFake((i) => {
    (byId('rtb', 'RouteTableId', i.RouteTableId).Associations as Obj[]).push({
      SubnetId: i.SubnetId,
      RouteTableAssociationId: id('rtbassoc'),
    });
    return {};
  });
  mock.on(ec2.CreateNetworkAclCommand).callsFake((i) => {
    const o = {
      NetworkAclId: id('acl'),
      VpcId: i.VpcId,
      IsDefault: false,
      Associations: [] as Obj[],
      Entries: [] as Obj[],
      Tags: tagsOf(i.TagSpecifications),
    };
    store.acl.push(o);
    return { NetworkAcl: structuredClone(o) };
  });
  mock.on(ec2.CreateNetworkAclEntryCommand).callsFake((i) => {
    (byId('acl', 'NetworkAclId', i.NetworkAclId).Entries as Obj[]).push({ ...i });
    return {};
  });
  mock.on(ec2.ReplaceNetworkAclAssociationCommand).callsFake((i) => {
    for (const acl of store.acl) {
      const list = acl.Associations as Obj[];
      const at = list.findIndex((a) => a.NetworkAclAssociationId === i.AssociationId);
      if (at >= 0) {
        const [moved] = list.splice(at, 1);
        (byId('acl', 'NetworkAclId', i.NetworkAclId).Associations as Obj[]).push(moved!);
      }
    }
    return { NewAssociationId: i.AssociationId };
  });
  mock.on(ec2.CreateSecurityGroupCommand).callsFake((i) => {
    const GroupId = id('sg');
    store.sg.push({
      GroupId,
      GroupName: i.GroupName,
      VpcId: i.VpcId,
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      Tags: tagsOf(i.TagSpecifications),
    });
    return { GroupId };
  });
  mock.on(ec2.AuthorizeSecurityGroupIngressCommand).callsFake((i) => {
    (byId('sg', 'GroupId', i.GroupId).IpPermissions as Obj[]).push(...((i.IpPermissions ?? []) as Obj[]));
    return { Return: true };
  });
  mock.on(ec2.AuthorizeSecurityGroupEgressCommand).callsFake((i) => {
    (byId('sg', 'GroupId', i.GroupId).IpPermissionsEgress as Obj[]).push(
      ...((i.IpPermissions ?? []) as Obj[]),
    );
    return { Return: true };
  });
  mock.on(ec2.CreateVpcEndpointCommand).callsFake((i) => {
    const o = {
      VpcEndpointId: id('vpce'),
      VpcId: i.VpcId,
      ServiceName: i.ServiceName,
      State: 'pending',
      Tags: tagsOf(i.TagSpecifications),
    };
    store.vpce.push(o);
    return { VpcEndpoint: o };
  });
  mock.on(ec2.CreateTagsCommand).callsFake((i) => {
    for (const kind of Object.keys(store) as Kind[]) {
      for (const o of store[kind]) {
        if (Object.values(o).some((v) => (i.Resources ?? []).includes(String(v))))
          o.Tags = [...(o.Tags ?? []), ...(i.Tags ?? [])];
      }
    }
    return {};
  });
  mock.on(ec2.ModifyVpcAttributeCommand).resolves({});
  mock.on(ec2.ModifySubnetAttributeCommand).resolves({});

  /** Names of the mutating commands sent, in order. */
  const writes = () =>
    mock
      .calls()
      .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''))
      .filter((name) => !name.startsWith('Describe'));
  return { mock, store, writes };
}
