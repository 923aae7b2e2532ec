/**
 * ec2.waitHealthy and ec2.stop/start/terminate. Each polls with ONE batched describe per region
 * per round. Stop/terminate pass the run's guard, so the provider refuses, in a drill, anything
 * the drill did not launch.
 */
import type { ActionContext, ActionHandler, ActionResult } from '../../actions/types.js';
import type { CloudProvider, Instance } from '../../cloud.js';
import { NonRetryableError } from '../../errors.js';
import { stringList } from './inputs.js';
import { protectedInstances } from './recovery.js';
import { protectedRegion, regionOf } from './regions.js';

interface Target {
  region: string;
  ids: string[];
}

const DEAD: Instance['state'][] = ['stopping', 'stopped', 'shutting-down', 'terminated'];

export function waitHealthyHandler(cloud: CloudProvider, pollIntervalMs: number): ActionHandler {
  const check = async (target: Target): Promise<ActionResult> => {
    if (target.ids.length === 0) return { status: 'done', outputs: { instanceIds: [] } };
    const instances = await cloud.describe(target.ids, target.region);
    const dead = instances.filter((i) => DEAD.includes(i.state));
    if (dead.length > 0) {
      throw new NonRetryableError(
        `${dead.map((i) => `${i.id} (${i.state})`).join(', ')} will not become healthy`,
        {
          code: 'INSTANCE_NOT_RUNNING',
          explanation: 'Instances that are stopping, stopped or terminated never pass their status checks.',
          action: 'Check who stopped them (the audit, the cloud console) and launch again.',
          context: { instanceIds: dead.map((i) => i.id) },
        },
      );
    }
    if (instances.every((i) => i.state === 'running' && i.healthy)) {
      return { status: 'done', outputs: { instanceIds: target.ids } };
    }
    return { status: 'pending', handle: target, pollAfterMs: pollIntervalMs };
  };
  return {
    start: (ctx) =>
      check({
        region: regionOf(ctx.runbook, ctx.mode, ctx.inputs.side),
        ids: stringList('ec2.waitHealthy', ctx.inputs, 'instances') ?? [],
      }),
    poll: (ctx) => check(ctx.handle as Target),
  };
}

type Verb = 'stop' | 'start' | 'terminate';
const GOAL: Record<Verb, Instance['state']> = { stop: 'stopped', start: 'running', terminate: 'terminated' };

/** The instances named, the run's own (`runOwned`), and/or the protected ones, grouped by region. */
async function targetsOf(cloud: CloudProvider, ctx: ActionContext, action: string): Promise<Target[]> {
  const side = regionOf(ctx.runbook, ctx.mode, ctx.inputs.side);
  const byRegion = new Map<string, Set<string>>();
  const add = (region: string, ids: string[]) => {
    const set = byRegion.get(region) ?? new Set<string>();
    for (const id of ids) set.add(id);
    byRegion.set(region, set);
  };
  const named = stringList(action, ctx.inputs, 'instances');
  if (named) add(side, named);
  if (ctx.inputs.runOwned === true)
    add(
      side,
      (await cloud.findRunOwned(ctx.runId, side)).map((i) => i.id),
    );
  if (ctx.inputs.protected === true) {
    add(
      protectedRegion(ctx.runbook, ctx.mode),
      (await protectedInstances(cloud, ctx)).map((i) => i.id),
    );
  }
  if (!named && ctx.inputs.runOwned !== true && ctx.inputs.protected !== true) {
    throw new NonRetryableError(`${action} does not say which instances to act on`, {
      code: 'NO_TARGET',
      explanation: 'The step gives none of `instances`, `runOwned: true` or `protected: true`.',
      action: `Add one of them to the step's \`with\` (drill cleanup usually uses runOwned: true).`,
    });
  }
  return [...byRegion].map(([region, ids]) => ({ region, ids: [...ids] }));
}

export function lifecycleHandler(cloud: CloudProvider, verb: Verb, pollIntervalMs: number): ActionHandler {
  const action = `ec2.${verb}`;
  const settle = async (targets: Target[]): Promise<ActionResult> => {
    for (const target of targets) {
      if (target.ids.length === 0) continue;
      const instances = await cloud.describe(target.ids, target.region);
      const waiting = instances.filter((i) => i.state !== GOAL[verb]);
      if (verb === 'start' && waiting.some((i) => i.state === 'terminated' || i.state === 'shutting-down')) {
        throw new NonRetryableError(`${action}: some instances are terminated and cannot start`, {
          code: 'INSTANCE_TERMINATED',
          explanation: 'A terminated instance is gone for good.',
          action: 'Launch new instances from a recovery point instead.',
        });
      }
      if (waiting.length > 0) return { status: 'pending', handle: targets, pollAfterMs: pollIntervalMs };
    }
    return { status: 'done', outputs: { instanceIds: targets.flatMap((t) => t.ids) } };
  };
  return {
    async start(ctx) {
      const targets = await targetsOf(cloud, ctx, action);
      const guard = { runId: ctx.runId, mode: ctx.mode };
      for (const target of targets) {
        if (target.ids.length === 0) continue;
        await cloud[verb](target.ids, target.region, guard);
      }
      return settle(targets);
    },
    poll: (ctx) => settle(ctx.handle as Target[]),
  };
}
