/**
 * The per-run isolated drill VPC on EC2 (NetworkCloud.createDrillVpc / deleteDrillVpcs).
 *
 * Create (describe first, by the run's `drbot:drill-vpc` tag, so a resumed step creates nothing):
 * CreateVpc, CreateSubnet per zone, CreateSecurityGroup, each with TagSpecifications (run id,
 * TTL); the group's default allow-all egress is revoked (RevokeSecurityGroupEgress) and replaced
 * by egress to the VPC's own range, and ingress only from the group itself. No internet gateway,
 * route, peering or attachment is ever created: the main route table keeps only `local`.
 *
 * The SSM interface endpoints the agent needs are added by drill-endpoints.ts (no route: isolated).
 *
 * Delete: only what carries the run's tag, endpoints → subnets → security groups → VPC, nothing while an
 * instance is still in the VPC (EC2 would answer DependencyViolation); NotFound counts as deleted.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandInput,
  DescribeSubnetsCommand,
  type DescribeSubnetsCommandInput,
  DescribeVpcsCommand,
  type DescribeVpcsCommandInput,
  type EC2Client,
  RevokeSecurityGroupEgressCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  DRILL_VPC_TAG,
  type DrillVpc,
  type DrillVpcDeletion,
  type DrillVpcRequest,
  drillSecurityGroupName,
  drillSubnetCidr,
  drillVpcTags,
} from '../../../network/drill-vpc.js';
import { awsCall, awsErrorCode, mapAwsError } from '../errors.js';
import { tagFilter, tagSpecs } from '../tags.js';
import { deleteDrillEndpoints, ensureDrillEndpoints } from './drill-endpoints.js';
import { allPages, filter } from './pages.js';

const LIVE_INSTANCE = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];

function vpcsOfRun(client: EC2Client, region: string, runId: string) {
  return allPages(
    `EC2 DescribeVpcs in ${region}`,
    (input: DescribeVpcsCommandInput) => client.send(new DescribeVpcsCommand(input)),
    { Filters: [tagFilter(DRILL_VPC_TAG, runId)] },
    (o) => o.Vpcs,
  );
}

export async function createAwsDrillVpc(client: EC2Client, req: DrillVpcRequest): Promise<DrillVpc> {
  const { region } = req;
  const tags = drillVpcTags(req);
  const found = (await vpcsOfRun(client, region, req.runId))[0];
  let vpcId = found?.VpcId;
  const cidr = found?.CidrBlock ?? req.cidr;
  if (!vpcId) {
    const out = await awsCall(`EC2 CreateVpc in ${region}`, () =>
      client.send(new CreateVpcCommand({ CidrBlock: req.cidr, TagSpecifications: tagSpecs(['vpc'], tags) })),
    );
    vpcId = out.Vpc!.VpcId!;
  }
  const inVpc = filter('vpc-id', vpcId);
  const subnets = await allPages(
    `EC2 DescribeSubnets in ${region}`,
    (input: DescribeSubnetsCommandInput) => client.send(new DescribeSubnetsCommand(input)),
    { Filters: [inVpc, tagFilter(DRILL_VPC_TAG, req.runId)] },
    (o) => o.Subnets,
  );
  const byZone: Record<string, string> = {};
  for (const s of subnets) if (s.AvailabilityZone && s.SubnetId) byZone[s.AvailabilityZone] = s.SubnetId;
  let index = subnets.length;
  for (const zone of req.zones) {
    if (byZone[zone]) continue;
    const out = await awsCall(`EC2 CreateSubnet in ${zone}`, () =>
      client.send(
        new CreateSubnetCommand({
          VpcId: vpcId,
          CidrBlock: drillSubnetCidr(cidr, index++),
          AvailabilityZone: zone,
          TagSpecifications: tagSpecs(['subnet'], tags),
        }),
      ),
    );
    byZone[zone] = out.Subnet!.SubnetId!;
  }
  const groupId = await drillGroup(client, region, vpcId, cidr, req, tags);
  const serviceEndpoints = await ensureDrillEndpoints(client, {
    region,
    runId: req.runId,
    vpcId,
    subnetIds: Object.values(byZone),
    securityGroupId: groupId,
    tags,
    services: req.serviceEndpoints ?? [],
  });
  return {
    vpcId,
    cidr,
    subnets: byZone,
    securityGroupId: groupId,
    created: !found,
    ...(serviceEndpoints.length > 0 ? { serviceEndpoints } : {}),
  };
}

async function drillGroup(
  client: EC2Client,
  region: string,
  vpcId: string,
  cidr: string,
  req: DrillVpcRequest,
  tags: Record<string, string>,
): Promise<string> {
  const name = drillSecurityGroupName(req.runId);
  const [existing] = await allPages(
    `EC2 DescribeSecurityGroups in ${region}`,
    (input: DescribeSecurityGroupsCommandInput) => client.send(new DescribeSecurityGroupsCommand(input)),
    { Filters: [filter('vpc-id', vpcId), filter('group-name', name)] },
    (o) => o.SecurityGroups,
  );
  let group: SecurityGroup | undefined = existing;
  if (!group) {
    const out = await awsCall(`EC2 CreateSecurityGroup in ${region}`, () =>
      client.send(
        new CreateSecurityGroupCommand({
          GroupName: name,
          Description: `drbot drill ${req.runId}: members only, no ingress from outside`,
          VpcId: vpcId,
          TagSpecifications: tagSpecs(['security-group'], tags),
        }),
      ),
    );
    // a new group allows all egress to 0.0.0.0/0 and no ingress
    group = {
      GroupId: out.GroupId!,
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    };
  }
  const groupId = group.GroupId!;
  const egress = group.IpPermissionsEgress ?? [];
  if (egress.some((p) => p.IpProtocol === '-1' && p.IpRanges?.some((r) => r.CidrIp === '0.0.0.0/0'))) {
    await awsCall(`EC2 RevokeSecurityGroupEgress in ${region}`, () =>
      client.send(
        new RevokeSecurityGroupEgressCommand({
          GroupId: groupId,
          IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      ),
    );
  }
  if (!egress.some((p) => p.IpProtocol === '-1' && p.IpRanges?.some((r) => r.CidrIp === cidr))) {
    await awsCall(`EC2 AuthorizeSecurityGroupEgress in ${region}`, () =>
      client.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId: groupId,
          IpPermissions: [
            { IpProtocol: '-1', IpRanges: [{ CidrIp: cidr, Description: 'inside the drill VPC' }] },
          ],
          TagSpecifications: tagSpecs(['security-group-rule'], tags),
        }),
      ),
    );
  }
  const selfIn = (group.IpPermissions ?? []).some((p) =>
    p.UserIdGroupPairs?.some((g) => g.GroupId === groupId),
  );
  if (!selfIn) {
    await awsCall(`EC2 AuthorizeSecurityGroupIngress in ${region}`, () =>
      client.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [
            { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: groupId, Description: 'drill members' }] },
          ],
          TagSpecifications: tagSpecs(['security-group-rule'], tags),
        }),
      ),
    );
  }
  return groupId;
}

/** Runs a delete; NotFound is done already, DependencyViolation means something is still inside. */
async function tolerantDelete(
  operation: string,
  call: () => Promise<unknown>,
): Promise<'deleted' | 'gone' | 'blocked'> {
  try {
    await call();
    return 'deleted';
  } catch (err) {
    const code = awsErrorCode(err);
    if (code.endsWith('.NotFound')) return 'gone';
    if (code === 'DependencyViolation') return 'blocked';
    throw mapAwsError(err, operation);
  }
}

export async function deleteAwsDrillVpcs(
  client: EC2Client,
  region: string,
  runId: string,
): Promise<DrillVpcDeletion> {
  const deleted: string[] = [];
  const blockedBy: string[] = [];
  for (const vpc of await vpcsOfRun(client, region, runId)) {
    const vpcId = vpc.VpcId!;
    const inVpc = filter('vpc-id', vpcId);
    const reservations = await allPages(
      `EC2 DescribeInstances in ${region}`,
      (input: DescribeInstancesCommandInput) => client.send(new DescribeInstancesCommand(input)),
      { Filters: [inVpc, filter('instance-state-name', ...LIVE_INSTANCE)] },
      (o) => o.Reservations,
    );
    const inside = reservations.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? '?');
    if (inside.length > 0) {
      blockedBy.push(...inside);
      continue;
    }
    // the endpoints' interfaces sit in the subnets: they go first, and the subnets wait for them
    const endpoints = await deleteDrillEndpoints(client, region, vpcId, runId);
    deleted.push(...endpoints.deleted);
    if (endpoints.pending.length > 0) {
      blockedBy.push(...endpoints.pending);
      continue;
    }
    const mine = [inVpc, tagFilter(DRILL_VPC_TAG, runId)];
    const subnets = await allPages(
      `EC2 DescribeSubnets in ${region}`,
      (input: DescribeSubnetsCommandInput) => client.send(new DescribeSubnetsCommand(input)),
      { Filters: mine },
      (o) => o.Subnets,
    );
    const groups = await allPages(
      `EC2 DescribeSecurityGroups in ${region}`,
      (input: DescribeSecurityGroupsCommandInput) => client.send(new DescribeSecurityGroupsCommand(input)),
      { Filters: mine },
      (o) => o.SecurityGroups,
    );
    const results = [
      ...(await Promise.all(
        subnets.map(async (s) => {
          const r = await tolerantDelete(`EC2 DeleteSubnet in ${region}`, () =>
            client.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId! })),
          );
          return [s.SubnetId!, r] as const;
        }),
      )),
    ];
    for (const g of groups) {
      const r = await tolerantDelete(`EC2 DeleteSecurityGroup in ${region}`, () =>
        client.send(new DeleteSecurityGroupCommand({ GroupId: g.GroupId! })),
      );
      results.push([g.GroupId!, r]);
    }
    if (results.some(([, r]) => r === 'blocked')) {
      // an interface of a terminating instance is still detaching: the next poll tries again
      blockedBy.push(...results.filter(([, r]) => r === 'blocked').map(([id]) => id));
      deleted.push(...results.filter(([, r]) => r === 'deleted').map(([id]) => id));
      continue;
    }
    deleted.push(...results.filter(([, r]) => r === 'deleted').map(([id]) => id));
    const r = await tolerantDelete(`EC2 DeleteVpc in ${region}`, () =>
      client.send(new DeleteVpcCommand({ VpcId: vpcId })),
    );
    if (r === 'blocked') blockedBy.push(vpcId);
    else if (r === 'deleted') deleted.push(vpcId);
  }
  return { deleted, blockedBy };
}
