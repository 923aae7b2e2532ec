/**
 * What the drs.* actions (and recovery.latestPoint with `method: drs`) share: the replication port
 * and the tier's DRS source servers, matched by their tags or by the protected instances' ids.
 * DRS runs on the recovery side: in a failback that is the source region, where the reversed
 * servers replicate the recovery instances back.
 */
import type { CloudProvider } from '../../cloud/provider.js';
import type { ReplicationPort, SourceServer } from '../../cloud/replication.js';
import { NonRetryableError } from '../../errors.js';
import type { Mode, Runbook } from '../../runbook/types.js';
import { protectedRegion, recoveryRegion } from '../support/regions.js';
import type { ActionContext, ActionDeps } from '../types.js';

export function replicationOf(deps: Pick<ActionDeps, 'replication'>, action: string): ReplicationPort {
  if (!deps.replication) {
    throw new NonRetryableError(`${action} has no replication side of the cloud to act on`, {
      code: 'CAPABILITY_NOT_WIRED',
      explanation: `This drbot process was started without the replication (Elastic Disaster Recovery) adapter, so ${action} cannot run here.`,
      action:
        'Run it through the worker or `npm start`, which wire the replication capability; in code, pass `replication` to createActionRegistry.',
    });
  }
  return deps.replication;
}

export const isDrsRunbook = (ctx: Pick<ActionContext, 'runbook'>) =>
  ctx.runbook.spec.protect.method === 'drs';

const matchesTags = (tags: Record<string, string>, selector: Record<string, string> | undefined) =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => tags[k] === v);

/** The DRS region, the protected region and the tier's source servers there (none → error with remedy). */
export function protectedServers(
  deps: { cloud: CloudProvider; replication: ReplicationPort },
  ctx: Pick<ActionContext, 'runbook' | 'mode'>,
): Promise<{ region: string; sourceRegion: string; servers: SourceServer[] }> {
  return tierSourceServers(deps, ctx.runbook, ctx.mode);
}

/** The same outside a run (doctor): the tier's source servers for a recovery in `mode`. */
export async function tierSourceServers(
  deps: { cloud: CloudProvider; replication: ReplicationPort },
  runbook: Pick<Runbook, 'metadata' | 'spec'>,
  mode: Mode,
): Promise<{ region: string; sourceRegion: string; servers: SourceServer[] }> {
  const ctx = { runbook, mode };
  const region = recoveryRegion(ctx.runbook, ctx.mode);
  const sourceRegion = protectedRegion(ctx.runbook, ctx.mode);
  const selector = ctx.runbook.spec.protect;
  const instances = await deps.cloud
    .listProtected(
      {
        ...(selector.tags ? { tags: selector.tags } : {}),
        ...(selector.instanceIds ? { instanceIds: selector.instanceIds } : {}),
      },
      sourceRegion,
    )
    .catch(() => []);
  const ids = new Set([...(selector.instanceIds ?? []), ...instances.map((i) => i.id)]);
  const all = await deps.replication.sourceServers(region);
  const servers = all.filter(
    (s) =>
      (s.sourceRegion === undefined || s.sourceRegion === sourceRegion) &&
      ((s.sourceInstanceId !== undefined && ids.has(s.sourceInstanceId)) ||
        matchesTags(s.tags, selector.tags)),
  );
  if (servers.length === 0) {
    throw new NonRetryableError(`No DRS source server in ${region} replicates the tier's instances`, {
      code: 'NO_PROTECTED_SOURCE_SERVERS',
      explanation: `spec.protect (${JSON.stringify({ tags: selector.tags, instanceIds: selector.instanceIds })}) matches no Elastic Disaster Recovery source server in ${region} replicating ${sourceRegion}.`,
      action:
        ctx.mode === 'failback'
          ? `Reprotect first: run drs.reverseReplication on the failover's recovery instances (\`reprotect ${ctx.runbook.metadata.name}\`).`
          : `Install the replication agent on the protected instances (a step with drs.installAgent, or the DRS console in ${region}), then start again.`,
      context: { region, sourceRegion },
    });
  }
  return { region, sourceRegion, servers };
}

/** A short label for messages: the instance it replicates, else the server id. */
export const labelOf = (s: SourceServer) =>
  s.sourceInstanceId ? `${s.sourceServerId} (${s.sourceInstanceId})` : s.sourceServerId;
