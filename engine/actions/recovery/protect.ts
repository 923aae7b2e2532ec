/** recovery.protect: one capture + copy pass of every protected instance, keeping the newest N. */
import type { Instance } from '../../cloud/compute.js';
import type { DatabasePort } from '../../cloud/database.js';
import type { CloudProvider } from '../../cloud/provider.js';
import { NonRetryableError } from '../../errors.js';
import { databaseCopyFailedError, protectedDatabases, protectTierDatabases } from '../support/data-tier.js';
import { invalidInput } from '../support/inputs.js';
import { protectedInstances } from '../support/protected.js';
import { protectedRegion, recoveryRegion } from '../support/regions.js';
import { type ActionHandler, defineAction } from '../types.js';

/** @default retention when neither the step nor spec.defaults.retention sets one */
export const DEFAULT_RETENTION = 24;

interface ProtectHandle {
  captureKey: string;
  sourceRegion: string;
  targetRegion: string;
  retention: number;
  appConsistent: boolean;
  /** `spec.protect.capture`, when the runbook sets it. */
  capture?: 'ami' | 'snapshots';
  instanceIds: string[];
  /** Points deleted by retention: only the first protect call reports them. */
  pruned: string[];
  /** The protected databases (spec.protect.databases), when the runbook has any. */
  databaseIds?: string[];
}

/** The databases' pass: snapshots copied to the target region, or undefined while any is in flight. */
async function databasePass(
  database: DatabasePort,
  handle: ProtectHandle,
  ctx: Parameters<ActionHandler['start']>[0],
): Promise<Record<string, string> | undefined> {
  const selector = ctx.runbook.spec.protect.databases;
  if (!selector) return {};
  const result = await protectTierDatabases(database, selector, {
    sourceRegion: handle.sourceRegion,
    targetRegion: handle.targetRegion,
    retention: handle.retention,
    captureKey: handle.captureKey,
    only: handle.databaseIds ?? [],
  });
  handle.pruned = [...new Set([...handle.pruned, ...result.pruned])];
  if (result.failed.length > 0) throw databaseCopyFailedError(result.failed);
  return result.done ? result.copies : undefined;
}

export function protectHandler(
  cloud: CloudProvider,
  pollIntervalMs: number,
  database?: DatabasePort,
): ActionHandler {
  /** Protect is idempotent per capture key: calling it again reports the same points' progress. */
  const pass = async (
    handle: ProtectHandle,
    instances: Instance[],
    ctx: Parameters<ActionHandler['start']>[0],
  ) => {
    const ec2 = await instancePass(handle, instances);
    const snapshots = database && handle.databaseIds ? await databasePass(database, handle, ctx) : {};
    if (!ec2 || !snapshots) return { status: 'pending' as const, handle, pollAfterMs: pollIntervalMs };
    return {
      status: 'done' as const,
      outputs: { points: ec2, pruned: handle.pruned, ...(handle.databaseIds ? { snapshots } : {}) },
    };
  };
  const instancePass = async (handle: ProtectHandle, instances: Instance[]) => {
    if (handle.instanceIds.length === 0) return {};
    const result = await cloud.protect({
      instances,
      sourceRegion: handle.sourceRegion,
      targetRegion: handle.targetRegion,
      retention: handle.retention,
      captureKey: handle.captureKey,
      appConsistent: handle.appConsistent,
      ...(handle.capture ? { capture: handle.capture } : {}),
    });
    handle.pruned = [...new Set([...handle.pruned, ...result.pruned])];
    const failed = result.points.filter((p) => p.state === 'error');
    if (failed.length > 0) {
      throw new NonRetryableError(
        `Recovery point copy failed for ${failed.map((p) => p.sourceInstanceId).join(', ')}`,
        {
          code: 'PROTECT_FAILED',
          explanation: `The cloud reports the points ${failed.map((p) => p.id).join(', ')} in state error.`,
          action: 'Check the snapshot copy in the cloud console and run the protection again.',
        },
      );
    }
    // AWS returns a capture still `pending` in the source region, then its copy pending in the
    // target region: only an available point on the recovery side is done; until then call
    // protect again with the same capture key, which continues where it stopped
    const done = (p: (typeof result.points)[number]) =>
      p.state === 'available' && p.region === handle.targetRegion;
    const covered = new Set(result.points.filter(done).map((p) => p.sourceInstanceId));
    if (handle.instanceIds.some((id) => !covered.has(id))) return undefined;
    return Object.fromEntries(result.points.filter(done).map((p) => [p.sourceInstanceId, p.id]));
  };
  return {
    async start(ctx) {
      const retention = ctx.inputs.retention ?? ctx.runbook.spec.defaults?.retention ?? DEFAULT_RETENTION;
      if (typeof retention !== 'number' || !Number.isInteger(retention) || retention < 1) {
        throw invalidInput('recovery.protect', 'retention', 'an integer ≥ 1', retention);
      }
      // a runbook that protects only databases has no instance selector: skip the EC2 pass
      const { tags, instanceIds } = ctx.runbook.spec.protect;
      const protectsInstances = tags !== undefined || instanceIds !== undefined;
      const instances = protectsInstances ? await protectedInstances(cloud, ctx) : [];
      const databaseIds =
        ctx.runbook.spec.protect.databases && database
          ? (await protectedDatabases(database, ctx, 'recovery.protect')).map((d) => d.id)
          : undefined;
      const handle: ProtectHandle = {
        captureKey: ctx.idempotencyKey,
        sourceRegion: protectedRegion(ctx.runbook, ctx.mode),
        targetRegion: recoveryRegion(ctx.runbook, ctx.mode),
        retention,
        appConsistent: ctx.inputs.appConsistent === true,
        ...(ctx.runbook.spec.protect.capture ? { capture: ctx.runbook.spec.protect.capture } : {}),
        instanceIds: instances.map((i) => i.id),
        pruned: [],
        ...(databaseIds ? { databaseIds } : {}),
      };
      return pass(handle, instances, ctx);
    },
    async poll(ctx) {
      const handle = ctx.handle as ProtectHandle;
      const instances = handle.instanceIds.length
        ? await cloud.describe(handle.instanceIds, handle.sourceRegion)
        : [];
      return pass(handle, instances, ctx);
    },
  };
}

export default defineAction({
  name: 'recovery.protect',
  typicalDuration: '10m',
  mutating: true,
  description:
    'Captures a recovery point of every protected instance and copies it to the recovery side, keeping the newest N. With `spec.protect.databases` it also takes a manual snapshot of each protected DB instance or Aurora cluster and copies it to the recovery region (re-encrypted with `kmsKeyId`, option groups mapped), keeping the newest N per database.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      retention: { type: 'integer', minimum: 1, maximum: 1000, description: 'Points kept per instance.' },
      appConsistent: {
        type: 'boolean',
        description: 'Freeze the file systems through the agent around the capture.',
      },
    },
  },
  outputs: {
    points: 'Map of source instance id → new recovery point id.',
    pruned: 'Recovery point (and database snapshot) ids deleted.',
    snapshots:
      'Map of protected database id → its new snapshot copy in the recovery region (with spec.protect.databases).',
  },
  capabilities: ['compute', 'recoveryPoints'],
  // every pass prunes the recovery points (production's) past the retention; appConsistent
  // freezes the protected file systems through the agent
  effects: (inputs) => [
    { verb: 'read', scope: 'protected', what: 'instances and databases' },
    { verb: 'create', scope: 'recovery', what: 'recovery points and database snapshot copies' },
    {
      verb: 'destroy',
      scope: 'recovery',
      what:
        typeof inputs.retention === 'number'
          ? `recovery points beyond the newest ${inputs.retention}`
          : 'recovery points past the retention',
    },
    ...(inputs.appConsistent !== undefined && inputs.appConsistent !== false
      ? [{ verb: 'data' as const, scope: 'protected' as const, what: 'file systems frozen for the capture' }]
      : []),
  ],
  permissions: {
    // ECS only: Alibaba Cloud has no database capability yet (lint refuses database protection there)
    alibaba: [
      'ecs:DescribeInstances',
      'ecs:DescribeDisks',
      'ecs:DescribeImages',
      'ecs:DescribeSnapshots',
      'ecs:CreateImage',
      'ecs:CopyImage',
      'ecs:DeleteImage',
      'ecs:CreateSnapshot',
      'ecs:CopySnapshot',
      'ecs:DeleteSnapshot',
    ],
    aws: [
      {
        statement: 'DescribeFleet',
        actions: [
          'ec2:DescribeInstances',
          'ec2:DescribeVolumes',
          'ec2:DescribeSnapshots',
          'ec2:DescribeImages',
          'ec2:DescribeTags',
        ],
      },
      {
        statement: 'CaptureRecoveryPoints',
        actions: [
          'ec2:CreateSnapshot',
          'ec2:CreateSnapshots',
          'ec2:CopySnapshot',
          'ec2:CreateImage',
          'ec2:CopyImage',
        ],
      },
      { statement: 'PruneOwnRecoveryPoints', actions: ['ec2:DeleteSnapshot', 'ec2:DeregisterImage'] },
      { statement: 'TagOnCreate', actions: ['ec2:CreateTags'] },
      { statement: 'TagOwnKeysOnly', actions: ['ec2:CreateTags', 'ec2:DeleteTags'] },
      {
        statement: 'DescribeDatabases',
        actions: [
          'rds:DescribeDBInstances',
          'rds:DescribeDBClusters',
          'rds:DescribeDBSnapshots',
          'rds:DescribeDBClusterSnapshots',
          'rds:ListTagsForResource',
        ],
      },
      {
        statement: 'SnapshotDatabases',
        actions: [
          'rds:CreateDBSnapshot',
          'rds:CreateDBClusterSnapshot',
          'rds:CopyDBSnapshot',
          'rds:CopyDBClusterSnapshot',
          'rds:AddTagsToResource',
        ],
      },
      { statement: 'DeleteOwnDbSnapshots', actions: ['rds:DeleteDBSnapshot', 'rds:DeleteDBClusterSnapshot'] },
      { statement: 'UseRecoveryKmsKey', actions: ['kms:CreateGrant', 'kms:DescribeKey'] },
    ],
  },
  handler: ({ cloud, pollIntervalMs, database }) => protectHandler(cloud, pollIntervalMs, database),
});
