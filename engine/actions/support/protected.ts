/** The runbook's protected instances, for every action that acts on or reads them. */

import type { Instance } from '../../cloud/compute.js';
import type { CloudProvider } from '../../cloud/provider.js';
import { NonRetryableError } from '../../errors.js';
import type { ActionContext } from '../types.js';
import { inSideZone, protectedRegion, sideSelector } from './regions.js';

/** The runbook's protected instances on the protected side; fails when the selector matches none. */
export async function protectedInstances(cloud: CloudProvider, ctx: ActionContext): Promise<Instance[]> {
  const region = protectedRegion(ctx.runbook, ctx.mode);
  const selector = sideSelector(ctx.runbook, ctx.mode, 'protected');
  // the provider picks one instance per origin within the zone; inSideZone keeps a provider
  // that ignores `zone` honest
  const instances = inSideZone(
    ctx.runbook,
    ctx.mode,
    'protected',
    await cloud.listProtected(selector, region),
  );
  if (instances.length === 0) {
    throw new NonRetryableError(`No protected instances match the runbook in ${region}`, {
      code: 'NO_PROTECTED_INSTANCES',
      explanation: `spec.protect (${JSON.stringify(selector)}) matches no live instance in ${region}.`,
      action: 'Check the tags or instance ids in spec.protect and that the instances run in that region.',
      context: { region },
    });
  }
  return instances;
}
