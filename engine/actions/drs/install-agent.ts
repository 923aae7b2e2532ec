/**
 * drs.installAgent: runs the DRS replication agent's installer on the protected instances through
 * SSM Run Command (AWS's published installer document when the region has it, else drbot's,
 * created in the region first), then waits until every instance's source server reaches
 * continuous replication, noting the initial sync progress in the thread.
 */
import { NonRetryableError } from '../../errors.js';
import { stringList } from '../support/inputs.js';
import { protectedInstances } from '../support/protected.js';
import { protectedRegion, recoveryRegion } from '../support/regions.js';
import { instanceList } from '../support/schemas.js';
import { type ActionDeps, type ActionHandler, type ActionResult, defineAction } from '../types.js';
import { installerDocument } from './installer-document.js';
import { replicationOf } from './servers.js';

interface Handle {
  commandId: string;
  region: string;
  drsRegion: string;
  instances: string[];
  /** Instance id → the last progress noted, so the thread gets a line only when it moves. */
  noted: Record<string, string>;
}

export function installAgentHandler(
  deps: Pick<ActionDeps, 'cloud' | 'replication' | 'pollIntervalMs'>,
): ActionHandler {
  const { cloud, pollIntervalMs } = deps;
  const pending = (handle: Handle): ActionResult => ({
    status: 'pending',
    handle,
    pollAfterMs: pollIntervalMs,
  });
  return {
    async start(ctx) {
      replicationOf(deps, 'drs.installAgent');
      const region = protectedRegion(ctx.runbook, ctx.mode);
      const drsRegion = recoveryRegion(ctx.runbook, ctx.mode);
      const instances =
        stringList('drs.installAgent', ctx.inputs, 'instances') ??
        (await protectedInstances(cloud, ctx)).map((i) => i.id);
      const document = await installerDocument(cloud, region);
      const { commandId } = await cloud.runCommand(
        instances,
        region,
        document.name,
        { Region: [drsRegion] },
        ctx.idempotencyKey,
      );
      ctx.note(
        `Installing the DRS agent on ${instances.length} instance(s) (${commandId}, ${document.publishedByAws ? "AWS's" : "drbot's"} document ${document.name}), replicating to ${drsRegion}`,
      );
      return pending({ commandId, region, drsRegion, instances, noted: {} });
    },
    async poll(ctx) {
      const replication = replicationOf(deps, 'drs.installAgent');
      const handle = ctx.handle as Handle;
      const command = await cloud.commandStatus(handle.commandId, handle.region);
      if (!command.done) return pending(handle);
      const failed = command.invocations.filter((i) => i.status !== 'success');
      if (failed.length > 0) {
        throw new NonRetryableError(
          `The DRS agent installer failed on ${failed.map((f) => f.instanceId).join(', ')}`,
          {
            code: 'DRS_AGENT_INSTALL_FAILED',
            explanation: `SSM reported ${failed.map((f) => `${f.instanceId}: ${f.status}${f.stderr ? ` (${f.stderr.slice(0, 200)})` : ''}`).join('; ')}.`,
            action: `Check the instances' SSM agent and outbound HTTPS to the DRS endpoint and bucket in ${handle.drsRegion}, and that their instance profile has AWSElasticDisasterRecoveryEc2InstancePolicy; then retry the step.`,
            context: { commandId: handle.commandId },
          },
        );
      }
      const servers = (await replication.sourceServers(handle.drsRegion)).filter(
        (s) => s.sourceInstanceId !== undefined && handle.instances.includes(s.sourceInstanceId),
      );
      const byInstance = new Map(servers.map((s) => [s.sourceInstanceId!, s]));
      let waiting = 0;
      for (const id of handle.instances) {
        const s = byInstance.get(id);
        const progress = !s
          ? 'registering'
          : s.replicationState === 'CONTINUOUS'
            ? 'continuous'
            : `${s.replicationState}${s.initialSyncPercent !== undefined ? ` ${s.initialSyncPercent}%` : ''}`;
        if (progress !== 'continuous') waiting++;
        if (handle.noted[id] !== progress) {
          handle.noted[id] = progress;
          ctx.note(
            `${id}: ${progress === 'continuous' ? 'in continuous replication' : `initial sync ${progress}`}`,
            {
              instanceId: id,
              ...(s ? { sourceServerId: s.sourceServerId, initialSyncPercent: s.initialSyncPercent } : {}),
            },
          );
        }
      }
      if (waiting > 0) return pending(handle);
      return {
        status: 'done',
        outputs: {
          sourceServerIds: handle.instances.map((id) => byInstance.get(id)!.sourceServerId),
        },
      };
    },
  };
}

export default defineAction({
  name: 'drs.installAgent',
  typicalDuration: '10m',
  mutating: true,
  description:
    "Installs the Elastic Disaster Recovery replication agent on the protected instances through SSM Run Command (AWS's published installer document AWSDisasterRecovery-InstallDRAgentOnInstance when the region has it, else drbot's own, created in the region first), then waits for continuous replication, noting the initial sync progress in the thread.",
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      instances: { ...instanceList, description: 'Instance ids. @default the protected instances' },
    },
  },
  outputs: { sourceServerIds: 'The DRS source server of each instance, in order.' },
  capabilities: ['compute', 'commands', 'replication'],
  effects: () => [
    { verb: 'data', scope: 'protected', what: 'the DRS agent installer (SSM Run Command)' },
    { verb: 'create', scope: 'recovery', what: 'DRS source servers and their staging disks' },
  ],
  permissions: {
    aws: [
      { statement: 'DescribeFleet', actions: ['ec2:DescribeInstances'] },
      { statement: 'SendDrbotDocuments', actions: ['ssm:SendCommand'] },
      {
        statement: 'MaintainDrbotDocuments',
        actions: [
          'ssm:CreateDocument',
          'ssm:UpdateDocument',
          'ssm:DescribeDocument',
          'ssm:UpdateDocumentDefaultVersion',
        ],
      },
      {
        statement: 'ReadCommandResults',
        actions: ['ssm:ListCommandInvocations', 'ssm:GetCommandInvocation'],
      },
      { statement: 'DescribeReplication', actions: ['drs:DescribeSourceServers'] },
    ],
  },
  handler: installAgentHandler,
});
