/**
 * s3.replicationCheck: proves the bucket's data reaches the recovery region. The bucket must have
 * an enabled replication rule to an existing bucket there, with versioning on at both ends; then a
 * marker object is written and timed until its replica arrives. Over the RPO it fails with the
 * remedy. Markers are run-owned (`drbot-markers/<run>/…`): drills delete both copies.
 */
import { MARKER_PREFIX, type ObjectStoragePort } from '../../cloud/object-storage.js';
import { formatDuration, parseDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import { objectStorageOf } from '../support/data-tier.js';
import { durationMs, invalidInput, optionalString } from '../support/inputs.js';
import { recoveryRegion } from '../support/regions.js';
import { duration } from '../support/schemas.js';
import { type ActionContext, type ActionDeps, type ActionHandler, defineAction } from '../types.js';

const ACTION = 's3.replicationCheck';

interface CheckHandle {
  bucket: string;
  region: string;
  destination: string;
  destinationRegion: string;
  key: string;
  writtenAt: number;
  maxLagMs: number;
  ruleId: string;
  metricsEnabled: boolean;
}

function refuse(message: string, explanation: string, action: string, code: string): NonRetryableError {
  return new NonRetryableError(message, { code, explanation, action });
}

async function verifyRule(s3: ObjectStoragePort, bucket: string, target: string) {
  const source = await s3.describeBucket(bucket);
  if (!source.exists || !source.region)
    throw refuse(
      `Bucket ${bucket} does not exist`,
      'drbot cannot check the replication of a bucket it cannot see.',
      `Check the bucket name in the step (aws s3api head-bucket --bucket ${bucket}).`,
      'BUCKET_NOT_FOUND',
    );
  if (source.versioning !== 'Enabled')
    throw refuse(
      `Versioning is not enabled on ${bucket}`,
      'S3 replication needs versioning on the source bucket.',
      `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`,
      'BUCKET_VERSIONING_OFF',
    );
  const rules = (await s3.replicationRules(bucket, source.region)).filter((r) => r.status === 'Enabled');
  for (const rule of rules) {
    const dest = await s3.describeBucket(rule.destinationBucket);
    if (!dest.exists || dest.region !== target) continue;
    if (dest.versioning !== 'Enabled')
      throw refuse(
        `Versioning is not enabled on the destination ${dest.bucket}`,
        'S3 replication needs versioning on the destination bucket too.',
        `aws s3api put-bucket-versioning --bucket ${dest.bucket} --versioning-configuration Status=Enabled`,
        'BUCKET_VERSIONING_OFF',
      );
    return { source, rule, dest };
  }
  throw refuse(
    `${bucket} has no enabled replication rule to an existing bucket in ${target}`,
    rules.length
      ? `Its enabled rules replicate to ${rules.map((r) => r.destinationBucket).join(', ')}, none of which exists in ${target}.`
      : 'The bucket has no enabled cross-region replication rule: its objects would not exist after a failover.',
    `Add a replication rule to a versioned bucket in ${target} (aws s3api put-bucket-replication --bucket ${bucket} …).`,
    'BUCKET_NOT_REPLICATED',
  );
}

export function s3ReplicationCheckHandler(deps: ActionDeps): ActionHandler {
  const cleanup = async (s3: ObjectStoragePort, h: CheckHandle, ctx: ActionContext) => {
    if (ctx.mode !== 'drill') return;
    await s3.deleteMarker(h.bucket, h.region, h.key);
    await s3.deleteMarker(h.destination, h.destinationRegion, h.key);
  };
  const check = async (h: CheckHandle, ctx: ActionContext) => {
    const s3 = objectStorageOf(deps, ACTION);
    const lagMs = ctx.now() - h.writtenAt;
    if (await s3.markerArrived(h.destination, h.destinationRegion, h.key)) {
      await cleanup(s3, h, ctx);
      if (lagMs > h.maxLagMs) throw lagError(h, lagMs);
      return {
        status: 'done' as const,
        // the bucket's lag is an output, not the run's RPO: the database's snapshot age is that
        outputs: {
          destinationBucket: h.destination,
          ruleId: h.ruleId,
          lagMs,
          metricsEnabled: h.metricsEnabled,
        },
      };
    }
    if (lagMs > h.maxLagMs) {
      await cleanup(s3, h, ctx);
      throw lagError(h, lagMs);
    }
    return { status: 'pending' as const, handle: h, pollAfterMs: Math.min(deps.pollIntervalMs, 5_000) };
  };
  return {
    async start(ctx) {
      const s3 = objectStorageOf(deps, ACTION);
      const bucket = optionalString(ACTION, ctx.inputs, 'bucket');
      if (!bucket) throw invalidInput(ACTION, 'bucket', 'a bucket name', bucket);
      const target = recoveryRegion(ctx.runbook, ctx.mode);
      const maxLagMs =
        durationMs(ACTION, ctx.inputs, 'maxLag') ?? parseDuration(ctx.runbook.spec.objectives.rpo);
      const { source, rule, dest } = await verifyRule(s3, bucket, target);
      const key = `${MARKER_PREFIX}${ctx.runId}/${ctx.stepId}`;
      const writtenAt = ctx.now();
      await s3.putMarker(
        bucket,
        source.region as string,
        key,
        JSON.stringify({ runId: ctx.runId, writtenAt }),
      );
      if (!rule.metricsEnabled)
        ctx.note(
          `${ACTION}: replication metrics are off for rule ${rule.id}; only the marker measures the lag`,
        );
      return check(
        {
          bucket,
          region: source.region as string,
          destination: dest.bucket,
          destinationRegion: target,
          key,
          writtenAt,
          maxLagMs,
          ruleId: rule.id,
          metricsEnabled: rule.metricsEnabled,
        },
        ctx,
      );
    },
    poll: (ctx) => check(ctx.handle as CheckHandle, ctx),
  };
}

function lagError(h: CheckHandle, lagMs: number): NonRetryableError {
  return new NonRetryableError(
    `S3 replication of ${h.bucket} to ${h.destination} lags ${formatDuration(lagMs)}, over the ${formatDuration(h.maxLagMs)} allowed`,
    {
      code: 'REPLICATION_LAG_EXCEEDED',
      explanation: `A marker object took longer than the RPO to reach ${h.destinationRegion}: a failover now would lose the newest objects.`,
      action: `Check the rule's replication metrics (aws s3api get-bucket-replication --bucket ${h.bucket}), enable S3 Replication Time Control for a 15-minute bound, then run the check again.`,
      context: { lagMs, maxLagMs: h.maxLagMs },
    },
  );
}

export default defineAction({
  name: ACTION,
  typicalDuration: '30s',
  mutating: true,
  description:
    'Checks that a bucket replicates to a versioned bucket in the recovery region (enabled rule, destination exists, versioning on both sides), then measures the replication lag by timing a marker object; fails when it exceeds maxLag (default the RPO). Drills delete their markers.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['bucket'],
    properties: {
      bucket: { type: 'string', minLength: 3, description: 'The source bucket.' },
      maxLag: { ...duration, description: 'The most replication lag allowed. @default spec.objectives.rpo' },
    },
  },
  outputs: {
    destinationBucket: 'The destination bucket in the recovery region.',
    ruleId: 'The replication rule that reaches it.',
    lagMs: 'Measured replication lag of the marker object (ms).',
    metricsEnabled: 'Whether S3 replication metrics are enabled on the rule.',
  },
  capabilities: ['objectStorage'],
  permissions: {
    aws: [
      {
        statement: 'ReadBuckets',
        actions: [
          's3:GetBucketLocation',
          's3:GetBucketVersioning',
          's3:GetReplicationConfiguration',
          's3:ListBucket',
          's3:ListBucketVersions',
          's3:GetObject',
        ],
      },
      {
        statement: 'WriteReplicationMarkers',
        actions: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
      },
    ],
  },
  effects: () => [
    { verb: 'read', scope: 'protected', what: 'the bucket and its replication rules' },
    {
      verb: 'create',
      scope: 'run-owned',
      what: `a marker object under ${MARKER_PREFIX}<run>/ (deleted by drills)`,
    },
  ],
  handler: s3ReplicationCheckHandler,
});
