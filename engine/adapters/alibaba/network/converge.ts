/**
 * Applies a replication plan on Alibaba Cloud, step by step in plan order. Every step first looks
 * for what an earlier apply created (drbot's `drbot:source-id` tag, set at creation through each
 * Create call's Tag parameters) and creates only what is missing, so a second apply makes no
 * create call and returns the same mapping. A found resource must carry both drbot tags of this
 * plan (source id and source region): one that does not was not created by drbot for this source,
 * and is refused rather than changed (NETWORK_RESOURCE_NOT_OWNED).
 *
 * Alibaba has no counterpart here for the plan's DHCP options, gateways, ACLs or endpoints (its
 * discovery never plans them; see discover.ts): such steps are skipped and reported. The VPC's
 * system route table, created by CreateVpc, is mapped to the source's; custom route entries are
 * created only where their next hop was replicated, which no Alibaba next hop is (converge-rules.ts).
 */
import * as Ecs from '@alicloud/ecs20140526';
import * as Vpc from '@alicloud/vpc20160428';
import { DrbotError, NonRetryableError } from '../../../errors.js';
import type { MappedKind, MappingEntry } from '../../../network/mapping.js';
import {
  type PlanStep,
  type ReplicationPlan,
  SOURCE_ID_TAG,
  SOURCE_REGION_TAG,
} from '../../../network/plan-types.js';
import type { AppliedResource, ApplyResult } from '../../../network/ports.js';
import { aliCall } from '../errors.js';
import { tagList, tagMap } from '../tags.js';
import { applyRoutes, applyRules } from './converge-rules.js';
import {
  describeRouteTables,
  describeVpcs,
  describeVSwitches,
  type NetworkClients,
  securityGroupsOf,
} from './describe.js';
import { vpcTagMap } from './pages.js';

export type StepOf<K extends PlanStep['kind']> = Extract<PlanStep, { kind: K }>;

export interface ConvergeOptions {
  /** Waits between DescribeVpcs polls while a new VPC is Pending. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** @default 2000 */
  pollMs?: number;
  /** @default 60 (two minutes at the default interval) */
  maxPolls?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** VPC and vSwitch names: 2–128 characters, starting with a letter; else drbot's own name. */
function resourceName(step: PlanStep): string {
  const name = step.tags.Name;
  return name && /^[\p{L}][\p{L}\p{N}._-]{1,127}$/u.test(name) ? name : `drbot-${step.sourceId}`;
}

export class AlibabaNetworkConverger {
  private readonly ids = new Map<string, string>();
  private readonly entries: MappingEntry[] = [];
  private readonly resources: AppliedResource[] = [];
  readonly changes: string[] = [];

  constructor(
    readonly clients: NetworkClients,
    readonly plan: ReplicationPlan,
    private readonly options: ConvergeOptions = {},
  ) {}

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

  call<T>(product: 'VPC' | 'ECS', name: string, call: () => Promise<T>): Promise<T> {
    return aliCall(`${product} ${name} in ${this.region}`, call);
  }

  /** drbot's two tags first: Alibaba keeps at most 20, and these make the apply idempotent. */
  tags(step: PlanStep): { key: string; value: string }[] {
    return tagList({
      [SOURCE_ID_TAG]: step.sourceId,
      [SOURCE_REGION_TAG]: this.plan.sourceRegion,
      ...step.tags,
    });
  }

  private record(kind: MappedKind, sourceId: string, targetId: string, created: boolean): string {
    if (!targetId)
      throw new DrbotError(`Alibaba Cloud answered no id for ${kind} ${sourceId} in ${this.region}`, {
        code: 'ALIBABA_EMPTY_ANSWER',
        explanation: `The create call for the replica of ${sourceId} succeeded but named no resource.`,
        action: 'Retry the step: drbot finds what was created by its drbot:source-id tag.',
      });
    this.ids.set(sourceId, targetId);
    if (!sourceId.startsWith('drbot-')) this.entries.push({ kind, sourceId, targetId });
    this.resources.push({ kind, sourceId, targetId, created });
    return targetId;
  }

  /** A found resource is reused only when drbot created it for this source (both tags). */
  private owned(kind: string, id: string, tags: Record<string, string>, step: PlanStep): string {
    if (tags[SOURCE_ID_TAG] === step.sourceId && tags[SOURCE_REGION_TAG] === this.plan.sourceRegion)
      return id;
    throw new NonRetryableError(
      `Refused to change ${kind} ${id} in ${this.region}: drbot did not create it`,
      {
        code: 'NETWORK_RESOURCE_NOT_OWNED',
        explanation: `${id} carries ${SOURCE_ID_TAG}=${tags[SOURCE_ID_TAG] ?? '(none)'} but ${SOURCE_REGION_TAG}=${tags[SOURCE_REGION_TAG] ?? '(none)'}; drbot tags everything it creates for ${step.sourceId} of ${this.plan.sourceRegion} with both, and never changes a resource it did not create.`,
        action: `Remove the ${SOURCE_ID_TAG} tag from ${id} (or delete it if it is a stale copy) in the ${this.region} console, then run \`drbot network replicate\` again.`,
        context: { region: this.region, resourceId: id, sourceId: step.sourceId },
      },
    );
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
      case 'subnet':
        return this.vSwitch(step);
      case 'route-table':
        return this.routeTable(step);
      case 'security-group':
        return this.group(step);
      case 'security-group-rules':
        return applyRules(this, step);
      default:
        this.changes.push(
          `skipped ${step.kind} ${step.sourceId}: Alibaba Cloud replication has no ${step.kind}`,
        );
    }
  }

  private async vpc(step: StepOf<'vpc'>): Promise<void> {
    const [found] = await describeVpcs(this.clients.vpc, this.region, {
      tags: { [SOURCE_ID_TAG]: step.sourceId },
    });
    let id: string;
    if (found?.vpcId) {
      id = this.record(
        'vpc',
        step.sourceId,
        this.owned('VPC', found.vpcId, vpcTagMap(found.tags), step),
        false,
      );
    } else {
      const out = await this.call('VPC', 'CreateVpc', () =>
        this.clients.vpc.createVpc(
          new Vpc.CreateVpcRequest({
            regionId: this.region,
            cidrBlock: step.cidr,
            vpcName: resourceName(step),
            description: `drbot replica of ${step.sourceId} (${this.plan.sourceRegion})`,
            tag: this.tags(step),
          }),
        ),
      );
      id = this.record('vpc', step.sourceId, out.body?.vpcId ?? '', true);
    }
    const vpc = await this.available(id);
    const secondary = new Set(vpc.secondaryCidrBlocks?.secondaryCidrBlock ?? []);
    for (const cidr of step.secondaryCidrs.filter((c) => !secondary.has(c))) {
      await this.call('VPC', 'AssociateVpcCidrBlock', () =>
        this.clients.vpc.associateVpcCidrBlock(
          new Vpc.AssociateVpcCidrBlockRequest({
            regionId: this.region,
            vpcId: id,
            secondaryCidrBlock: cidr,
          }),
        ),
      );
      this.changes.push(`associated ${cidr} with ${id}`);
    }
    if (step.ipv6)
      this.changes.push(`IPv6 is not enabled on ${id}: drbot replicates IPv4 ranges only on Alibaba Cloud`);
  }

  /** CreateVSwitch refuses a Pending VPC: poll DescribeVpcs until it is Available. */
  private async available(vpcId: string) {
    const sleep = this.options.sleep ?? defaultSleep;
    const polls = this.options.maxPolls ?? 60;
    for (let n = 0; n < polls; n++) {
      const [vpc] = await describeVpcs(this.clients.vpc, this.region, { vpcId });
      if (vpc?.status === 'Available') return vpc;
      await sleep(this.options.pollMs ?? 2_000);
    }
    throw new DrbotError(`VPC ${vpcId} in ${this.region} is not Available yet`, {
      code: 'ALIBABA_VPC_NOT_READY',
      explanation: `CreateVpc succeeded but DescribeVpcs still answers another status after ${polls} polls; vSwitches cannot be created in it before.`,
      action: 'Retry the step: drbot finds the VPC by its drbot:source-id tag and continues from there.',
      context: { vpcId, region: this.region },
    });
  }

  private async vSwitch(step: StepOf<'subnet'>): Promise<void> {
    const vpcId = this.target(step.vpcRef);
    const [found] = await describeVSwitches(this.clients.vpc, this.region, {
      vpcId,
      tags: { [SOURCE_ID_TAG]: step.sourceId },
    });
    if (found?.vSwitchId) {
      this.record(
        'subnet',
        step.sourceId,
        this.owned('vSwitch', found.vSwitchId, vpcTagMap(found.tags), step),
        false,
      );
      return;
    }
    const out = await this.call('VPC', 'CreateVSwitch', () =>
      this.clients.vpc.createVSwitch(
        new Vpc.CreateVSwitchRequest({
          regionId: this.region,
          vpcId,
          zoneId: step.zone,
          cidrBlock: step.cidr,
          vSwitchName: resourceName(step),
          tag: this.tags(step),
        }),
      ),
    );
    this.record('subnet', step.sourceId, out.body?.vSwitchId ?? '', true);
  }

  /** The system route table comes with the VPC: it is mapped, never created or tagged. */
  private async routeTable(step: StepOf<'route-table'>): Promise<void> {
    if (!step.main) {
      this.changes.push(
        `skipped custom route table ${step.sourceId}: its vSwitches use the system route table`,
      );
      return;
    }
    const [table] = await describeRouteTables(this.clients.vpc, this.region, this.target(step.vpcRef), true);
    const id = this.record('route-table', step.sourceId, table?.routeTableId ?? '', false);
    applyRoutes(this, id, step.routes);
  }

  private async group(step: StepOf<'security-group'>): Promise<void> {
    const vpcId = this.target(step.vpcRef);
    const [found] = await securityGroupsOf(this.clients.ecs, this.region, {
      vpcId,
      tags: { [SOURCE_ID_TAG]: step.sourceId },
    });
    if (found?.securityGroupId) {
      const id = this.owned('security group', found.securityGroupId, tagMap(found.tags), step);
      this.record('security-group', step.sourceId, id, false);
      return;
    }
    const out = await this.call('ECS', 'CreateSecurityGroup', () =>
      this.clients.ecs.createSecurityGroup(
        new Ecs.CreateSecurityGroupRequest({
          regionId: this.region,
          vpcId,
          securityGroupName: step.name,
          description: step.description || step.name,
          securityGroupType: 'normal',
          tag: this.tags(step),
        }),
      ),
    );
    this.record('security-group', step.sourceId, out.body?.securityGroupId ?? '', true);
  }
}
