/**
 * ec2.stop, ec2.start and ec2.terminate share this: the targets (named, run-owned and/or
 * protected), one call per region, then one batched describe per poll round. Every call passes
 * the run's guard, so the provider refuses, in a drill, anything the drill did not launch.
 */
import type { Instance } from '../../cloud/compute.js';
import type { CloudProvider } from '../../cloud/provider.js';
import { NonRetryableError } from '../../errors.js';
import { namesInstances, sideScope } from '../support/effects.js';
import { stringList } from '../support/inputs.js';
import { protectedInstances } from '../support/protected.js';
import { protectedRegion, regionOf } from '../support/regions.js';
import { instanceList, side } from '../support/schemas.js';
import {
  type ActionContext,
  type ActionHandler,
  type ActionModule,
  type ActionResult,
  type AwsGrant,
  defineAction,
  type Effect,
  type EffectVerb,
} from '../types.js';

interface Target {
  region: string;
  ids: string[];
}

export type Verb = 'stop' | 'start' | 'terminate';
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
  // A string, possibly empty: `ofRun: ${{ params.switchFrom }}` acts on nothing outside a switch.
  const ofRun = ctx.inputs.ofRun;
  if (typeof ofRun === 'string' && ofRun !== '' && ofRun !== ctx.runId) {
    add(
      side,
      (await cloud.findRunOwned(ofRun, side)).map((i) => i.id),
    );
  }
  if (ctx.inputs.protected === true) {
    add(
      protectedRegion(ctx.runbook, ctx.mode),
      (await protectedInstances(cloud, ctx)).map((i) => i.id),
    );
  }
  if (!named && ctx.inputs.runOwned !== true && ctx.inputs.protected !== true && ofRun === undefined) {
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

const PAST: Record<Verb, string> = { stop: 'stopped', start: 'started', terminate: 'terminated' };

const EFFECT_VERB: Record<Verb, EffectVerb> = { stop: 'stop', start: 'modify', terminate: 'destroy' };

/**
 * What ec2.<verb> does: to the run's own instances (`runOwned: true`), to the protected ones
 * (`protected: true`, or an unknown value), and to named `instances` on the chosen side (named
 * ids may be anything, so they count as the side's own instances, never as run-owned).
 */
export function lifecycleEffects(verb: Verb, inputs: Readonly<Record<string, unknown>>): Effect[] {
  const effects: Effect[] = [];
  const act = EFFECT_VERB[verb];
  if (inputs.runOwned !== undefined && inputs.runOwned !== false)
    effects.push({ verb: act, scope: 'run-owned', what: 'instances the run launched' });
  if (inputs.protected !== undefined && inputs.protected !== false)
    effects.push({ verb: act, scope: 'protected', what: 'the protected instances' });
  if (namesInstances(inputs.instances))
    effects.push({ verb: act, scope: sideScope(inputs.side), what: 'the instances the step names' });
  // an earlier run's copies (switch-point retires the uncommitted failover's): they may be serving
  // production, so they count as production, behind the two-person gate like any other
  if (inputs.ofRun !== undefined && inputs.ofRun !== null && inputs.ofRun !== '')
    effects.push({ verb: act, scope: 'protected', what: "an earlier run's instances" });
  // no target at all fails NO_TARGET before any call
  return effects;
}

/** ECS releases an instance with DeleteInstances (the port's terminate). */
const ALIBABA_ACTIONS: Record<Verb, string> = {
  stop: 'ecs:StopInstances',
  start: 'ecs:StartInstances',
  terminate: 'ecs:DeleteInstances',
};

const AWS_GRANTS: Record<Verb, AwsGrant[]> = {
  stop: [
    { statement: 'LifecycleOfRunOwned', actions: ['ec2:StopInstances'] },
    { statement: 'StopStartProtected', actions: ['ec2:StopInstances'] },
  ],
  start: [
    { statement: 'LifecycleOfRunOwned', actions: ['ec2:StartInstances'] },
    { statement: 'StopStartProtected', actions: ['ec2:StartInstances'] },
  ],
  // drbot never terminates what it did not launch: no grant on protected instances
  terminate: [{ statement: 'LifecycleOfRunOwned', actions: ['ec2:TerminateInstances'] }],
};

/** The definition of ec2.<verb>. */
export function lifecycleAction(verb: Verb): ActionModule {
  return defineAction({
    name: `ec2.${verb}`,
    typicalDuration: '2m',
    mutating: true,
    description: `${verb[0]?.toUpperCase()}${verb.slice(1)}s instances. In a drill only instances this run launched can be stopped or terminated.`,
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        instances: instanceList,
        runOwned: { type: 'boolean', description: 'Act on every instance tagged with this run id.' },
        ofRun: {
          type: ['string', 'null'],
          description:
            'Act on every instance an earlier run launched, e.g. `${{ params.switchFrom }}`: the copies of the uncommitted failover a switch-point replaces (empty or null: none).',
        },
        protected: {
          type: 'boolean',
          description: 'Act on the protected instances (the spec.protect selector).',
        },
        side,
      },
    },
    outputs: { instanceIds: `The ${PAST[verb]} instance ids.` },
    capabilities: ['compute'],
    permissions: {
      aws: [{ statement: 'DescribeFleet', actions: ['ec2:DescribeInstances'] }, ...AWS_GRANTS[verb]],
      alibaba: ['ecs:DescribeInstances', 'ecs:DescribeDisks', ALIBABA_ACTIONS[verb]],
    },
    effects: (inputs) => lifecycleEffects(verb, inputs),
    handler: ({ cloud, pollIntervalMs }) => lifecycleHandler(cloud, verb, pollIntervalMs),
  });
}
