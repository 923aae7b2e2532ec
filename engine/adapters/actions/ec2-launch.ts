/**
 * ec2.launch: builds a launch blueprint per protected instance (type, private IP, profile, tags
 * from the protected side; the recovery point from `from` or the newest one) and launches them on
 * the recovery side in one request, tagged with the run id, mode and — for drills — the TTL.
 * It returns as soon as the instances exist; ec2.waitHealthy waits for them.
 */
import type { ActionContext, ActionHandler } from '../../actions/types.js';
import type { Blueprint, CloudProvider, Instance, LaunchType } from '../../cloud.js';
import { parseDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import { invalidInput, optionalString, stringMap } from './inputs.js';
import { protectedInstances } from './recovery.js';
import { recoveryRegion } from './regions.js';

/** How long drill instances may live before a sweeper may delete them. @default 4h */
export const DEFAULT_DRILL_TTL = '4h';

/** Tags copied from the protected instance: not AWS-reserved ones, not drbot's own. */
function copiedTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags).filter(([k]) => !k.startsWith('aws:') && !k.startsWith('drbot:')),
  );
}

async function pointsFor(
  cloud: CloudProvider,
  ctx: ActionContext,
  instances: Instance[],
  region: string,
): Promise<Record<string, string>> {
  const given = stringMap('ec2.launch', ctx.inputs, 'from');
  const points: Record<string, string> = {};
  const missing: string[] = [];
  for (const instance of instances) {
    const id = given ? given[instance.id] : (await cloud.latestRecoveryPoint(instance.id, region))?.id;
    if (id) points[instance.id] = id;
    else missing.push(instance.id);
  }
  if (missing.length > 0) {
    throw new NonRetryableError(`No recovery point to launch ${missing.join(', ')} from`, {
      code: 'NO_RECOVERY_POINT',
      explanation: given
        ? 'The `from` map of the step has no entry for these protected instances.'
        : `These protected instances have no available recovery point in ${region}.`,
      action:
        'Run the RPO gate step (recovery.latestPoint) first and pass its points as `from`, or run `drbot protect`.',
      context: { missing },
    });
  }
  return points;
}

export function launchHandler(cloud: CloudProvider): ActionHandler {
  return {
    async start(ctx) {
      const launchType = ctx.inputs.launchType as LaunchType;
      if (launchType !== 'TEST' && launchType !== 'CUTOVER') {
        throw invalidInput('ec2.launch', 'launchType', 'TEST or CUTOVER', launchType);
      }
      if (ctx.mode === 'drill' && launchType === 'CUTOVER') {
        throw new NonRetryableError('A drill may not launch with launchType CUTOVER', {
          code: 'DRILL_SAFETY',
          explanation: 'CUTOVER launches join the production network; drills must stay isolated (TEST).',
          action: 'Use launchType: TEST in the drill steps of the runbook.',
        });
      }
      const override = optionalString('ec2.launch', ctx.inputs, 'instanceType');
      const network =
        optionalString('ec2.launch', ctx.inputs, 'network') ??
        (launchType === 'TEST' ? 'drill' : 'production');
      const region = recoveryRegion(ctx.runbook, ctx.mode);
      const instances = await protectedInstances(cloud, ctx);
      const points = await pointsFor(cloud, ctx, instances, region);
      const defaults = ctx.runbook.spec.defaults ?? {};
      const blueprints: Blueprint[] = instances.map((instance) => ({
        sourceInstanceId: instance.id,
        recoveryPointId: points[instance.id]!,
        region,
        instanceType: override ?? instance.type,
        defaultInstanceType: defaults.instanceType,
        privateIp: instance.privateIp,
        instanceProfile: instance.instanceProfile,
        tags: { ...copiedTags(instance.tags), 'drbot:network': network },
      }));
      const expiresAt =
        ctx.mode === 'drill' ? ctx.now() + parseDuration(defaults.drillTtl ?? DEFAULT_DRILL_TTL) : undefined;
      const launched = await cloud.launch({
        blueprints,
        launchType,
        tags: { runId: ctx.runId, mode: ctx.mode, ...(expiresAt !== undefined ? { expiresAt } : {}) },
        idempotencyKey: ctx.idempotencyKey,
      });
      for (const l of launched) {
        if (l.fellBackFrom) {
          ctx.note(
            `Launched ${l.sourceInstanceId} as ${l.instanceType}: ${l.fellBackFrom} is unavailable or out of capacity in ${region}, so it fell back to spec.defaults.instanceType`,
            {
              sourceInstanceId: l.sourceInstanceId,
              instanceId: l.instanceId,
              fellBackFrom: l.fellBackFrom,
              instanceType: l.instanceType,
            },
          );
        }
      }
      return {
        status: 'done',
        outputs: {
          instanceIds: launched.map((l) => l.instanceId),
          instances: launched.map((l) => ({ ...l })),
          privateIps: launched.map((l) => l.privateIp).filter((ip): ip is string => ip !== undefined),
        },
      };
    },
  };
}
