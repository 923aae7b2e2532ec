/**
 * drs.launchSettings: the seeds' one-click blueprint for DRS. Each source server's launch
 * configuration and EC2 launch template get the blueprint of its instance from the network
 * mapping (mapped subnet and security groups; read in reverse for failback), the instance type
 * with the runbook's fallback when the recovery region lacks it, the instance profile and tags.
 * The private IP is copied for CUTOVER settings only: drill copies never take a production address.
 */
import type { Instance } from '../../cloud/compute.js';
import type { LaunchSettings } from '../../cloud/replication.js';
import { createBlueprintSource } from '../../network/blueprint-source.js';
import { buildBlueprints, type PlannedBlueprint } from '../../network/blueprints.js';
import { launchTypeInput, optionalString } from '../support/inputs.js';
import { type ActionContext, type ActionDeps, type ActionHandler, defineAction } from '../types.js';
import { protectedServers, replicationOf } from './servers.js';

async function plan(
  deps: Pick<ActionDeps, 'store' | 'network'>,
  ctx: ActionContext,
  instances: Instance[],
  region: string,
): Promise<PlannedBlueprint[]> {
  // DRS launches from its own snapshots: the blueprint needs no recovery point
  const points = Object.fromEntries(instances.map((i) => [i.id, 'drs']));
  const request = { runbook: ctx.runbook, mode: ctx.mode, instances, points, region };
  if (deps.store) {
    const source = createBlueprintSource({
      store: deps.store,
      ...(deps.network ? { network: deps.network } : {}),
    });
    return source.blueprints(request);
  }
  const defaults = ctx.runbook.spec.defaults ?? {};
  const types = [
    ...new Set([...instances.map((i) => i.type), ...(defaults.instanceType ? [defaults.instanceType] : [])]),
  ];
  const availableTypes = deps.network ? await deps.network.offeredInstanceTypes(region, types) : undefined;
  return buildBlueprints({
    instances,
    mapping: undefined,
    recoveryPoints: points,
    region,
    defaults,
    ...(availableTypes ? { availableTypes } : {}),
  });
}

export function launchSettingsHandler(deps: ActionDeps): ActionHandler {
  return {
    async start(ctx) {
      const replication = replicationOf(deps, 'drs.launchSettings');
      const launchType = launchTypeInput('drs.launchSettings', ctx, {
        message: 'A drill may not write CUTOVER launch settings',
        explanation:
          'CUTOVER settings pin production private IPs and subnets; a drill copy must stay isolated.',
      });
      const override = optionalString('drs.launchSettings', ctx.inputs, 'instanceType');
      const { region, sourceRegion, servers } = await protectedServers(
        { cloud: deps.cloud, replication },
        ctx,
      );
      const ids = servers.map((s) => s.sourceInstanceId).filter((id): id is string => id !== undefined);
      const instances = ids.length > 0 ? await deps.cloud.describe(ids, sourceRegion).catch(() => []) : [];
      const planned = await plan(deps, ctx, instances, region);
      const byInstance = new Map(planned.map((b) => [b.sourceInstanceId, b]));
      const applied: Record<string, LaunchSettings> = {};
      for (const server of servers) {
        const b = server.sourceInstanceId ? byInstance.get(server.sourceInstanceId) : undefined;
        const instance = instances.find((i) => i.id === server.sourceInstanceId);
        const settings: LaunchSettings = {
          sourceServerId: server.sourceServerId,
          region,
          instanceType:
            override ??
            b?.instanceType ??
            instance?.type ??
            ctx.runbook.spec.defaults?.instanceType ??
            't3.medium',
          ...(b?.fellBackFrom && !override ? { fellBackFrom: b.fellBackFrom } : {}),
          ...(b?.subnetId ? { subnetId: b.subnetId } : {}),
          ...(b?.securityGroups ? { securityGroups: b.securityGroups } : {}),
          // a copied IP must be the mapped one, inside the mapped subnet
          ...(launchType === 'CUTOVER' && b?.privateIp && b.subnetId ? { privateIp: b.privateIp } : {}),
          ...(b?.instanceProfile ? { instanceProfile: b.instanceProfile } : {}),
          tags: { ...(b?.tags ?? {}), 'drbot:managed': 'true', 'drbot:launch-settings': launchType },
        };
        await replication.applyLaunchSettings(settings);
        applied[server.sourceServerId] = settings;
        if (settings.fellBackFrom) {
          ctx.note(
            `${server.sourceServerId}: ${settings.fellBackFrom} is not offered in ${region}, so it launches as ${settings.instanceType} (spec.defaults.instanceType)`,
            { sourceServerId: server.sourceServerId, fellBackFrom: settings.fellBackFrom },
          );
        }
      }
      return {
        status: 'done',
        outputs: {
          sourceServerIds: servers.map((s) => s.sourceServerId),
          settings: Object.fromEntries(
            Object.entries(applied).map(([id, s]) => [
              id,
              {
                instanceType: s.instanceType,
                subnetId: s.subnetId,
                privateIp: s.privateIp,
                fellBackFrom: s.fellBackFrom,
              },
            ]),
          ),
        },
      };
    },
  };
}

export default defineAction({
  name: 'drs.launchSettings',
  typicalDuration: '30s',
  mutating: true,
  description:
    "Writes each DRS source server's launch configuration and EC2 launch template from the network mapping: mapped subnet and security groups, instance type with spec.defaults.instanceType as fallback, instance profile and tags; the private IP only for CUTOVER (never for a drill).",
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['launchType'],
    properties: {
      launchType: {
        enum: ['TEST', 'CUTOVER'],
        description: 'TEST for drill settings (no fixed IP), CUTOVER for real.',
      },
      instanceType: { type: 'string', description: 'Overrides every server’s instance type.' },
    },
  },
  outputs: {
    sourceServerIds: 'The source servers whose settings were written.',
    settings: 'Map of source server id → { instanceType, subnetId?, privateIp?, fellBackFrom? }.',
  },
  capabilities: ['compute', 'replication'],
  effects: (inputs, mode) => [
    { verb: 'read', scope: 'protected', what: 'instances' },
    inputs.launchType === 'TEST'
      ? { verb: 'modify', scope: 'drill-network', what: 'DRS launch settings (drill placement)' }
      : {
          verb: 'modify',
          scope: mode === 'drill' ? 'protected' : 'recovery',
          what: 'DRS launch settings (CUTOVER placement)',
        },
  ],
  permissions: {
    aws: [
      { statement: 'DescribeFleet', actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceTypeOfferings'] },
      {
        statement: 'DescribeReplication',
        actions: ['drs:DescribeSourceServers', 'drs:GetLaunchConfiguration'],
      },
      { statement: 'ConfigureDrsLaunch', actions: ['drs:UpdateLaunchConfiguration'] },
      {
        statement: 'DrsLaunchTemplates',
        actions: ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'],
      },
    ],
  },
  handler: launchSettingsHandler,
});
