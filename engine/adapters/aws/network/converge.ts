/**
 * Applies a replication plan to the target region, step by step in plan order. Each step first
 * looks for what an earlier run created (tag `drbot:source-id`) and creates only what is missing;
 * routes, ACL entries, rules and associations are diffed against what exists. A second run with
 * the same plan makes no create call and returns the same mapping.
 */
import {
  AssociateDhcpOptionsCommand,
  AssociateRouteTableCommand,
  AssociateVpcCidrBlockCommand,
  CreateDhcpOptionsCommand,
  CreateNetworkAclCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  type EC2Client,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  ReplaceRouteTableAssociationCommand,
  type ResourceType,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import type { MappedKind, MappingEntry } from '../../../network/mapping.js';
import {
  type PlanStep,
  type ReplicationPlan,
  SOURCE_ID_TAG,
  SOURCE_REGION_TAG,
} from '../../../network/plan-types.js';
import type { AppliedResource, ApplyResult } from '../../../network/ports.js';
import { awsCall } from '../errors.js';
import { tagList, tagSpecs } from '../tags.js';
import { applyAclEntries, applyRoutes, applyRules, associateAcl } from './converge-children.js';
import { bySource, type Finders, finders } from './converge-find.js';
import { applyEgressOnlyGateway, applyInternetGateway, applyNatGateway } from './converge-gateways.js';
import { filter } from './pages.js';

export type StepOf<K extends PlanStep['kind']> = Extract<PlanStep, { kind: K }>;

export class AwsNetworkConverger {
  /** Describe-before-create lookups (used by the sibling converge-*.ts modules too). */
  readonly find: Finders;
  private readonly ids = new Map<string, string>();
  private readonly entries: MappingEntry[] = [];
  private readonly resources: AppliedResource[] = [];
  readonly changes: string[] = [];
  /** Target groups as last described or created, for diffing their rules. */
  readonly groups = new Map<string, SecurityGroup>();

  constructor(
    readonly client: EC2Client,
    readonly plan: ReplicationPlan,
  ) {
    this.find = finders(client, plan.targetRegion);
  }

  get region(): string {
    return this.plan.targetRegion;
  }

  /** The target id of a source id already applied (plan order guarantees it). */
  target(sourceId: string): string {
    const id = this.ids.get(sourceId);
    if (!id)
      throw new Error(`replication plan out of order: ${sourceId} is referenced before it was applied`);
    return id;
  }

  op(name: string): string {
    return `EC2 ${name} in ${this.region}`;
  }

  send<T>(name: string, call: () => Promise<T>): Promise<T> {
    return awsCall(this.op(name), call);
  }

  tags(step: PlanStep): Record<string, string> {
    return { ...step.tags, [SOURCE_ID_TAG]: step.sourceId, [SOURCE_REGION_TAG]: this.plan.sourceRegion };
  }

  specs(type: ResourceType, step: PlanStep) {
    return tagSpecs([type], this.tags(step));
  }

  record(kind: MappedKind, sourceId: string, targetId: string, created: boolean): string {
    this.ids.set(sourceId, targetId);
    if (!sourceId.startsWith('drbot-')) this.entries.push({ kind, sourceId, targetId });
    this.resources.push({ kind, sourceId, targetId, created });
    return targetId;
  }

  /** Tags an adopted default resource so the next run finds it by source id. */
  private async adopt(kind: MappedKind, step: PlanStep, id: string): Promise<void> {
    await this.send('CreateTags', () =>
      this.client.send(new CreateTagsCommand({ Resources: [id], Tags: tagList(this.tags(step)) })),
    );
    this.record(kind, step.sourceId, id, false);
  }

  async run(): Promise<ApplyResult> {
    for (const step of this.plan.steps) await this.apply(step);
    return {
      entries: this.entries,
      targetVpcId: this.target(this.plan.sourceVpcId),
      resources: this.resources,
      changes: this.changes,
    };
  }

  private async apply(step: PlanStep): Promise<void> {
    switch (step.kind) {
      case 'vpc':
        return this.vpc(step);
      case 'dhcp-options':
        return this.dhcp(step);
      case 'subnet':
        return this.subnet(step);
      case 'internet-gateway':
        return applyInternetGateway(this, step);
      case 'egress-only-gateway':
        return applyEgressOnlyGateway(this, step);
      case 'nat-gateway':
        return applyNatGateway(this, step);
      case 'route-table':
        return this.routeTable(step);
      case 'network-acl':
        return this.acl(step);
      case 'security-group':
        return this.group(step);
      case 'security-group-rules':
        return applyRules(this, step);
      case 'vpc-endpoint':
        return this.endpoint(step);
    }
  }

  private async vpc(step: StepOf<'vpc'>): Promise<void> {
    const [found] = await this.find.vpcs([bySource(step.sourceId)]);
    if (found?.VpcId) {
      this.record('vpc', step.sourceId, found.VpcId, false);
      return;
    }
    const out = await this.send('CreateVpc', () =>
      this.client.send(
        new CreateVpcCommand({
          CidrBlock: step.cidr,
          AmazonProvidedIpv6CidrBlock: step.ipv6,
          TagSpecifications: this.specs('vpc', step),
        }),
      ),
    );
    const id = this.record('vpc', step.sourceId, out.Vpc?.VpcId ?? '', true);
    // interface endpoints with private DNS need both attributes; one attribute per call
    await this.send('ModifyVpcAttribute', () =>
      this.client.send(new ModifyVpcAttributeCommand({ VpcId: id, EnableDnsSupport: { Value: true } })),
    );
    await this.send('ModifyVpcAttribute', () =>
      this.client.send(new ModifyVpcAttributeCommand({ VpcId: id, EnableDnsHostnames: { Value: true } })),
    );
    for (const cidr of step.secondaryCidrs) {
      await this.send('AssociateVpcCidrBlock', () =>
        this.client.send(new AssociateVpcCidrBlockCommand({ VpcId: id, CidrBlock: cidr })),
      );
    }
  }

  private async dhcp(step: StepOf<'dhcp-options'>): Promise<void> {
    const vpcId = this.target(step.vpcRef);
    const [found] = await this.find.dhcp([bySource(step.sourceId)]);
    let id = found?.DhcpOptionsId;
    if (id) this.record('dhcp-options', step.sourceId, id, false);
    else {
      const out = await this.send('CreateDhcpOptions', () =>
        this.client.send(
          new CreateDhcpOptionsCommand({
            DhcpConfigurations: Object.entries(step.configurations).map(([Key, Values]) => ({ Key, Values })),
            TagSpecifications: this.specs('dhcp-options', step),
          }),
        ),
      );
      id = this.record('dhcp-options', step.sourceId, out.DhcpOptions?.DhcpOptionsId ?? '', true);
    }
    const [vpc] = await this.find.vpcs([filter('vpc-id', vpcId)]);
    if (vpc?.DhcpOptionsId !== id) {
      const dhcpId = id;
      await this.send('AssociateDhcpOptions', () =>
        this.client.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: dhcpId, VpcId: vpcId })),
      );
      this.changes.push(`associated ${dhcpId} with ${vpcId}`);
    }
  }

  private async subnet(step: StepOf<'subnet'>): Promise<void> {
    const [found] = await this.find.subnets([bySource(step.sourceId)]);
    if (found?.SubnetId) {
      this.record('subnet', step.sourceId, found.SubnetId, false);
      return;
    }
    const out = await this.send('CreateSubnet', () =>
      this.client.send(
        new CreateSubnetCommand({
          VpcId: this.target(step.vpcRef),
          CidrBlock: step.cidr,
          AvailabilityZone: step.zone,
          TagSpecifications: this.specs('subnet', step),
        }),
      ),
    );
    const id = this.record('subnet', step.sourceId, out.Subnet?.SubnetId ?? '', true);
    if (step.mapPublicIpOnLaunch) {
      await this.send('ModifySubnetAttribute', () =>
        this.client.send(
          new ModifySubnetAttributeCommand({ SubnetId: id, MapPublicIpOnLaunch: { Value: true } }),
        ),
      );
    }
  }

  private async routeTable(step: StepOf<'route-table'>): Promise<void> {
    const vpcId = this.target(step.vpcRef);
    let [table] = await this.find.tables([bySource(step.sourceId)]);
    if (table?.RouteTableId) this.record('route-table', step.sourceId, table.RouteTableId, false);
    else if (step.main) {
      [table] = await this.find.tables([filter('vpc-id', vpcId), filter('association.main', 'true')]);
      await this.adopt('route-table', step, table?.RouteTableId ?? '');
    } else {
      const out = await this.send('CreateRouteTable', () =>
        this.client.send(
          new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: this.specs('route-table', step) }),
        ),
      );
      table = out.RouteTable;
      this.record('route-table', step.sourceId, table?.RouteTableId ?? '', true);
    }
    const tableId = this.target(step.sourceId);
    await applyRoutes(this, tableId, table?.Routes ?? [], step.routes);
    const associated = new Set((table?.Associations ?? []).map((a) => a.SubnetId));
    for (const subnetId of step.subnetRefs.map((s) => this.target(s)).filter((s) => !associated.has(s))) {
      const [current] = await this.find.tables([filter('association.subnet-id', subnetId)]);
      const association = current?.Associations?.find(
        (a) => a.SubnetId === subnetId,
      )?.RouteTableAssociationId;
      if (association) {
        await this.send('ReplaceRouteTableAssociation', () =>
          this.client.send(
            new ReplaceRouteTableAssociationCommand({ AssociationId: association, RouteTableId: tableId }),
          ),
        );
      } else {
        await this.send('AssociateRouteTable', () =>
          this.client.send(new AssociateRouteTableCommand({ SubnetId: subnetId, RouteTableId: tableId })),
        );
      }
      this.changes.push(`associated ${subnetId} with ${tableId}`);
    }
  }

  private async acl(step: StepOf<'network-acl'>): Promise<void> {
    const vpcId = this.target(step.vpcRef);
    let [acl] = await this.find.acls([bySource(step.sourceId)]);
    if (acl?.NetworkAclId) this.record('network-acl', step.sourceId, acl.NetworkAclId, false);
    else if (step.isDefault) {
      [acl] = await this.find.acls([filter('vpc-id', vpcId), filter('default', 'true')]);
      await this.adopt('network-acl', step, acl?.NetworkAclId ?? '');
    } else {
      const out = await this.send('CreateNetworkAcl', () =>
        this.client.send(
          new CreateNetworkAclCommand({ VpcId: vpcId, TagSpecifications: this.specs('network-acl', step) }),
        ),
      );
      acl = out.NetworkAcl;
      this.record('network-acl', step.sourceId, acl?.NetworkAclId ?? '', true);
    }
    const aclId = this.target(step.sourceId);
    await applyAclEntries(this, aclId, acl?.Entries ?? [], step.entries);
    const associated = new Set((acl?.Associations ?? []).map((a) => a.SubnetId));
    for (const subnetId of step.subnetRefs.map((s) => this.target(s)).filter((s) => !associated.has(s))) {
      await associateAcl(this, this.find, aclId, subnetId);
    }
  }

  private async group(step: StepOf<'security-group'>): Promise<void> {
    const vpcId = this.target(step.vpcRef);
    let [group] = await this.find.groups([bySource(step.sourceId)]);
    if (group?.GroupId) this.record('security-group', step.sourceId, group.GroupId, false);
    else if (step.isDefault) {
      [group] = await this.find.groups([filter('vpc-id', vpcId), filter('group-name', 'default')]);
      await this.adopt('security-group', step, group?.GroupId ?? '');
    } else {
      const out = await this.send('CreateSecurityGroup', () =>
        this.client.send(
          new CreateSecurityGroupCommand({
            GroupName: step.name,
            Description: step.description || step.name,
            VpcId: vpcId,
            TagSpecifications: this.specs('security-group', step),
          }),
        ),
      );
      const id = this.record('security-group', step.sourceId, out.GroupId ?? '', true);
      // a new group allows all egress by default (AWS adds that rule itself)
      group = {
        GroupId: id,
        IpPermissions: [],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      };
    }
    if (group) this.groups.set(this.target(step.sourceId), group);
  }

  private async endpoint(step: StepOf<'vpc-endpoint'>): Promise<void> {
    const vpcId = this.target(step.vpcRef);
    const [found] = (await this.find.endpoints([bySource(step.sourceId), filter('vpc-id', vpcId)])).filter(
      (e) => !['deleted', 'deleting', 'failed', 'rejected'].includes(String(e.State ?? '').toLowerCase()),
    );
    if (found?.VpcEndpointId) {
      this.record('vpc-endpoint', step.sourceId, found.VpcEndpointId, false);
      return;
    }
    const out = await this.send('CreateVpcEndpoint', () =>
      this.client.send(
        new CreateVpcEndpointCommand({
          VpcEndpointType: 'Interface',
          VpcId: vpcId,
          ServiceName: step.serviceName,
          SubnetIds: step.subnetRefs.map((s) => this.target(s)),
          SecurityGroupIds: [this.target(step.securityGroupRef)],
          PrivateDnsEnabled: step.privateDns,
          TagSpecifications: this.specs('vpc-endpoint', step),
        }),
      ),
    );
    this.record('vpc-endpoint', step.sourceId, out.VpcEndpoint?.VpcEndpointId ?? '', true);
  }
}
