/**
 * Stop, start and terminate with the drill-safety guard. In a drill the adapter itself checks the
 * `drbot:run-id` tag of every target before any mutating call: a buggy or malicious runbook cannot
 * stop or terminate production instances during a rehearsal.
 */
import {
  type EC2Client,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { MutationGuard } from '../../cloud/compute.js';
import { chunk, LIMITS, unique } from './batching.js';
import { describeRaw } from './ec2-inventory.js';
import { awsCall, drillSafetyError } from './errors.js';
import { TAG, tagMap } from './tags.js';

export type LifecycleVerb = 'stop' | 'start' | 'terminate';

/**
 * Throws DRILL_SAFETY (NonRetryableError) when the run is a drill and any id is not tagged with
 * the guard's run id. Ids that no longer exist cannot be checked, so they are refused too.
 */
export async function assertRunOwned(
  client: EC2Client,
  ids: string[],
  region: string,
  guard: MutationGuard,
  verb: LifecycleVerb,
): Promise<void> {
  if (guard.mode !== 'drill' || ids.length === 0) return;
  const found = await describeRaw(client, region, { ids });
  const owned = new Set(
    found.filter((i) => tagMap(i.Tags)[TAG.runId] === guard.runId).map((i) => i.InstanceId ?? ''),
  );
  const offending = ids.filter((id) => !owned.has(id));
  if (offending.length > 0) throw drillSafetyError(verb, guard.runId, offending);
}

/** Applies `verb` to the instances, ≤ 1000 per call, after the guard. */
export async function mutateInstances(
  client: EC2Client,
  verb: LifecycleVerb,
  instanceIds: string[],
  region: string,
  guard: MutationGuard,
): Promise<void> {
  const ids = unique(instanceIds);
  if (ids.length === 0) return;
  await assertRunOwned(client, ids, region, guard, verb);
  for (const batch of chunk(ids, LIMITS.mutateIds)) {
    if (verb === 'stop') {
      await awsCall(`EC2 StopInstances in ${region}`, () =>
        client.send(new StopInstancesCommand({ InstanceIds: batch })),
      );
    } else if (verb === 'start') {
      await awsCall(`EC2 StartInstances in ${region}`, () =>
        client.send(new StartInstancesCommand({ InstanceIds: batch })),
      );
    } else {
      await awsCall(`EC2 TerminateInstances in ${region}`, () =>
        client.send(new TerminateInstancesCommand({ InstanceIds: batch })),
      );
    }
  }
}
