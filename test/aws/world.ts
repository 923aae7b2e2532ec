/**
 * The real resources the AWS integration suite works on: a small source network and one tagged
 * instance in the source region, created through the SDK against whatever endpoint the standard
 * variables name, and removed again afterwards (best effort: the suite's cleanup must never hide
 * its result). Everything carries the tag `drbot-it=<suffix>` so a failed run can be swept by hand.
 */
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcEndpointsCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  EC2Client,
  type Filter,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

export interface World {
  suffix: string;
  sourceRegion: string;
  targetRegion: string;
  source: EC2Client;
  target: EC2Client;
  vpcId: string;
  subnetId: string;
  instanceId: string;
}

const tag = (suffix: string, type: 'vpc' | 'subnet' | 'instance' | 'volume', name: string) => ({
  ResourceType: type,
  Tags: [
    { Key: 'drbot-it', Value: suffix },
    { Key: 'Name', Value: name },
    ...(type === 'instance' || type === 'volume' ? [{ Key: 'dr-tier', Value: suffix }] : []),
  ],
});

/** An image to start the source instance from: DRBOT_IT_AMI, the public SSM alias, or any Amazon AMI. */
async function sourceImage(region: string, ec2: EC2Client): Promise<string> {
  if (process.env.DRBOT_IT_AMI) return process.env.DRBOT_IT_AMI;
  try {
    const ssm = new SSMClient({ region });
    const out = await ssm.send(
      new GetParameterCommand({
        Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      }),
    );
    ssm.destroy();
    if (out.Parameter?.Value) return out.Parameter.Value;
  } catch {
    // not every endpoint serves the public parameters
  }
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'], MaxResults: 5 }));
  const id = images.Images?.find((i) => i.ImageId)?.ImageId;
  if (!id) throw new Error(`No image to start the source instance from in ${region}: set DRBOT_IT_AMI.`);
  return id;
}

export async function createWorld(): Promise<World> {
  const suffix = `it${Date.now().toString(36)}`;
  const sourceRegion = process.env.DRBOT_IT_SOURCE_REGION ?? 'us-east-1';
  const targetRegion = process.env.DRBOT_IT_TARGET_REGION ?? 'us-west-2';
  const source = new EC2Client({ region: sourceRegion });
  const target = new EC2Client({ region: targetRegion });
  const vpc = await source.send(
    new CreateVpcCommand({
      CidrBlock: '10.77.0.0/16',
      TagSpecifications: [tag(suffix, 'vpc', `${suffix}-vpc`)],
    }),
  );
  const vpcId = vpc.Vpc?.VpcId ?? '';
  const subnet = await source.send(
    new CreateSubnetCommand({
      VpcId: vpcId,
      CidrBlock: '10.77.1.0/24',
      AvailabilityZone: `${sourceRegion}a`,
      TagSpecifications: [tag(suffix, 'subnet', `${suffix}-app`)],
    }),
  );
  const subnetId = subnet.Subnet?.SubnetId ?? '';
  const run = await source.send(
    new RunInstancesCommand({
      MinCount: 1,
      MaxCount: 1,
      ImageId: await sourceImage(sourceRegion, source),
      InstanceType: 't3.micro',
      SubnetId: subnetId,
      ClientToken: `${suffix}-source`,
      TagSpecifications: [
        tag(suffix, 'instance', `${suffix}-app-1`),
        tag(suffix, 'volume', `${suffix}-app-1`),
      ],
    }),
  );
  const instanceId = run.Instances?.[0]?.InstanceId ?? '';
  return { suffix, sourceRegion, targetRegion, source, target, vpcId, subnetId, instanceId };
}

async function quietly(fn: () => Promise<unknown>): Promise<void> {
  await fn().catch((err: unknown) => console.error(`drbot test:aws cleanup: ${(err as Error).message}`));
}

/** Deletes a VPC and what replication puts in it (endpoints, groups, subnets, route tables, gateways). */
async function deleteVpc(client: EC2Client, vpcId: string): Promise<void> {
  const byVpc: Filter[] = [{ Name: 'vpc-id', Values: [vpcId] }];
  const endpoints = await client.send(new DescribeVpcEndpointsCommand({ Filters: byVpc }));
  const endpointIds = (endpoints.VpcEndpoints ?? []).map((e) => e.VpcEndpointId ?? '').filter(Boolean);
  if (endpointIds.length)
    await quietly(() => client.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: endpointIds })));
  const gateways = await client.send(
    new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }),
  );
  for (const g of gateways.InternetGateways ?? []) {
    const id = g.InternetGatewayId ?? '';
    await quietly(() =>
      client.send(new DetachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId })),
    );
    await quietly(() => client.send(new DeleteInternetGatewayCommand({ InternetGatewayId: id })));
  }
  for (const s of (await client.send(new DescribeSubnetsCommand({ Filters: byVpc }))).Subnets ?? []) {
    await quietly(() => client.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId ?? '' })));
  }
  for (const t of (await client.send(new DescribeRouteTablesCommand({ Filters: byVpc }))).RouteTables ?? []) {
    if (t.Associations?.some((a) => a.Main)) continue;
    await quietly(() => client.send(new DeleteRouteTableCommand({ RouteTableId: t.RouteTableId ?? '' })));
  }
  for (const g of (await client.send(new DescribeSecurityGroupsCommand({ Filters: byVpc }))).SecurityGroups ??
    []) {
    if (g.GroupName === 'default') continue;
    await quietly(() => client.send(new DeleteSecurityGroupCommand({ GroupId: g.GroupId ?? '' })));
  }
  await quietly(() => client.send(new DeleteVpcCommand({ VpcId: vpcId })));
}

/** Removes the source instance, every drbot recovery point of it, and both networks. */
export async function destroyWorld(world: World | undefined): Promise<void> {
  if (!world) return;
  const { source, target, instanceId } = world;
  if (instanceId)
    await quietly(() => source.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })));
  for (const client of [source, target]) {
    const images = await client
      .send(
        new DescribeImagesCommand({
          Owners: ['self'],
          Filters: [{ Name: 'tag:drbot:source-instance', Values: [instanceId] }],
        }),
      )
      .catch(() => ({ Images: [] }));
    for (const image of images.Images ?? []) {
      await quietly(() =>
        client.send(
          new DeregisterImageCommand({ ImageId: image.ImageId ?? '', DeleteAssociatedSnapshots: true }),
        ),
      );
    }
  }
  const replicas = await target
    .send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:drbot:source-id', Values: [world.vpcId] }] }))
    .catch(() => ({ Vpcs: [] }));
  for (const vpc of replicas.Vpcs ?? []) if (vpc.VpcId) await deleteVpc(target, vpc.VpcId);
  await deleteVpc(source, world.vpcId).catch(() => undefined);
  source.destroy();
  target.destroy();
}
