/**
 * Stop, start and delete (the port's terminate) with the drill-safety guard: in a drill the
 * adapter checks the `drbot:run-id` tag of every target (one DescribeInstances per 100 ids)
 * before any mutating call, so a rehearsal cannot stop or release production instances. Batches
 * of 100 ids per StopInstances / StartInstances / DeleteInstances call.
 */
import * as Ecs from '@alicloud/ecs20140526';
import type { MutationGuard } from '../../cloud/compute.js';
import { chunk, unique } from '../aws/batching.js';
import type { EcsClient } from './clients.js';
import { aliCall, drillSafetyError } from './errors.js';
import { describeByIds, ECS_BATCH } from './inventory.js';
import { TAG, tagMap } from './tags.js';

export type LifecycleVerb = 'stop' | 'start' | 'terminate';

export async function assertRunOwned(
  client: EcsClient,
  ids: string[],
  region: string,
  guard: MutationGuard,
  verb: LifecycleVerb,
): Promise<string[]> {
  const found = await describeByIds(client, region, ids);
  if (guard.mode !== 'drill') return found.map((i) => i.instanceId ?? '');
  const owned = new Set(
    found.filter((i) => tagMap(i.tags)[TAG.runId] === guard.runId).map((i) => i.instanceId ?? ''),
  );
  const offending = ids.filter((id) => !owned.has(id));
  if (offending.length > 0) throw drillSafetyError(verb, guard.runId, offending);
  return [...owned];
}

export async function mutateInstances(
  client: EcsClient,
  verb: LifecycleVerb,
  instanceIds: string[],
  region: string,
  guard: MutationGuard,
): Promise<void> {
  const ids = unique(instanceIds);
  if (ids.length === 0) return;
  // Released instances are gone from DescribeInstances: deleting them again is a no-op.
  const present = new Set(await assertRunOwned(client, ids, region, guard, verb));
  const targets = verb === 'terminate' ? ids.filter((id) => present.has(id)) : ids;
  for (const batch of chunk(targets, ECS_BATCH)) {
    if (verb === 'stop') {
      await aliCall(`ECS StopInstances in ${region}`, () =>
        client.stopInstances(
          new Ecs.StopInstancesRequest({ regionId: region, instanceId: batch, forceStop: false }),
        ),
      );
    } else if (verb === 'start') {
      await aliCall(`ECS StartInstances in ${region}`, () =>
        client.startInstances(new Ecs.StartInstancesRequest({ regionId: region, instanceId: batch })),
      );
    } else {
      await aliCall(`ECS DeleteInstances in ${region}`, () =>
        client.deleteInstances(
          new Ecs.DeleteInstancesRequest({ regionId: region, instanceId: batch, force: true }),
        ),
      );
    }
  }
}
