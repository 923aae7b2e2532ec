/**
 * agent.* actions: the drbot agent on instances, through SSM Run Command (start = SendCommand
 * with the step's idempotency key, poll = one status call for the fleet). Each instance's JSON is
 * parsed with agent/output.ts, and failures name every failing instance and check.
 *
 * Regions: health, measureRpo and install (with `instances`) act on the recovery side; freeze,
 * thaw and install without `instances` act on the protected instances (spec.protect) of the
 * protected side. `side` overrides where the schema has it.
 */
import {
  AGENT_DOCUMENTS,
  freezeParameters,
  healthParameters,
  installParameters,
  readMarkParameters,
  thawParameters,
} from '../../../agent/commands.js';
import type { AgentCommand } from '../../../agent/document-specs.js';
import type { ActionContext, ActionHandler, ActionResult } from '../../actions/types.js';
import type { CloudProvider } from '../../cloud.js';
import { formatDuration } from '../../duration.js';
import { DrbotError, NonRetryableError } from '../../errors.js';
import {
  commandHandle,
  describeFailures,
  fromAgentError,
  type InstanceOutcome,
  outcomes,
  sendAgentCommand,
  stringOrList,
  targetInstances,
} from './agent-command.js';
import { DEFAULT_MAX_THROTTLES, guardHandler } from './guard.js';
import { durationMs } from './inputs.js';
import type { Side } from './regions.js';

export interface AgentActionsOptions {
  cloud: CloudProvider;
  /** Time between polls of a running command. @default 5000 */
  pollIntervalMs?: number;
  /** Consecutive throttled calls a step absorbs before failing the attempt. @default 20 */
  maxThrottles?: number;
}

interface CommandAction<C extends AgentCommand> {
  name: string;
  command: C;
  document: string;
  defaultSide: Side;
  /** Whether a step without `instances` acts on the protected instances. */
  protectedDefault: boolean;
  parameters(ctx: ActionContext): Record<string, string[]>;
  /** Called once the command is done everywhere, with each instance's outcome. */
  finish(
    ctx: ActionContext,
    results: InstanceOutcome<C>[],
    cloud: CloudProvider,
  ): Promise<ActionResult> | ActionResult;
  /** Called after the command was sent (e.g. audit notes). */
  sent?(ctx: ActionContext, instances: string[]): void;
}

function commandHandler<C extends AgentCommand>(
  cloud: CloudProvider,
  spec: CommandAction<C>,
  pollIntervalMs: number,
): ActionHandler {
  return {
    async start(ctx) {
      let parameters: Record<string, string[]>;
      try {
        parameters = spec.parameters(ctx);
      } catch (err) {
        throw fromAgentError(err);
      }
      const target = await targetInstances(cloud, ctx, spec.name, spec.defaultSide, spec.protectedDefault);
      spec.sent?.(ctx, target.instances);
      return sendAgentCommand(cloud, target, spec.document, parameters, ctx.idempotencyKey, pollIntervalMs);
    },
    async poll(ctx) {
      const handle = commandHandle(ctx);
      const status = await cloud.commandStatus(handle.commandId, handle.region);
      if (!status.done) return { status: 'pending', handle, pollAfterMs: pollIntervalMs };
      return spec.finish(ctx, outcomes(spec.command, status, handle), cloud);
    },
  };
}

function dirs(ctx: ActionContext, action: string): string[] | undefined {
  return stringOrList(action, ctx.inputs, 'dirs');
}

const install: CommandAction<'install'> = {
  name: 'agent.install',
  command: 'install',
  document: AGENT_DOCUMENTS.install,
  defaultSide: 'recovery',
  protectedDefault: true,
  parameters: () => installParameters({}),
  sent(ctx, instances) {
    for (const id of instances) ctx.note(`Attempting to install agent on machine ${id}`, { instanceId: id });
  },
  finish(ctx, results) {
    for (const o of results) {
      if (o.failure === undefined) {
        const how = o.result
          ? ` (agent ${o.result.agentVersion ?? '?'}, RPO marker via ${o.result.scheduler})`
          : '';
        ctx.note(`Agent installed successfully on machine ${o.instanceId}${how}`, {
          instanceId: o.instanceId,
        });
      } else {
        ctx.note(`Agent installation failed on machine ${o.instanceId}: ${o.failure}`, {
          instanceId: o.instanceId,
        });
      }
    }
    const failed = results.filter((o) => o.failure !== undefined);
    if (failed.length > 0) {
      throw new DrbotError(
        `Agent installation failed on ${failed.length} of ${results.length} machine(s): ${describeFailures(failed)}`,
        {
          code: 'AGENT_INSTALL_FAILED',
          explanation:
            'The DrbotInstallAgent command did not succeed on the machines named (SSM agent offline, no root, read-only disk…).',
          action:
            'Check that the SSM agent is online on those machines and read the command output in the SSM console; the step retries by its retry policy.',
          context: { failed: failed.map((o) => o.instanceId) },
        },
      );
    }
    return { status: 'done', outputs: { installed: results.map((o) => o.instanceId) } };
  },
};

const health: CommandAction<'health'> = {
  name: 'agent.health',
  command: 'health',
  document: AGENT_DOCUMENTS.health,
  defaultSide: 'recovery',
  protectedDefault: false,
  parameters(ctx) {
    const timeout = durationMs('agent.health', ctx.inputs, 'timeout');
    return healthParameters({
      http: stringOrList('agent.health', ctx.inputs, 'http'),
      tcp: stringOrList('agent.health', ctx.inputs, 'tcp'),
      process: stringOrList('agent.health', ctx.inputs, 'process'),
      timeoutS: timeout === undefined ? undefined : timeout / 1000,
    });
  },
  finish(ctx, results) {
    const failed = results.filter((o) => o.failure !== undefined);
    if (failed.length > 0) {
      const lines = failed.map((o) => {
        const checks = o.result?.checks.filter((c) => !c.ok) ?? [];
        const why =
          checks.length > 0 ? checks.map((c) => `${c.kind} ${c.target}: ${c.detail}`).join(', ') : o.failure;
        return `${o.instanceId}: ${why}`;
      });
      throw new DrbotError(
        `Health checks failed on ${failed.length} of ${results.length} instance(s): ${lines.join('; ')}`,
        {
          code: 'AGENT_HEALTH_FAILED',
          explanation:
            'The drbot agent ran the checks on the instances and the ones listed did not pass (or the agent could not run).',
          action:
            'Check the application on those instances (service status, logs, the recovered endpoints) or the check targets in the runbook; the step retries by its retry policy.',
          context: { failed: failed.map((o) => o.instanceId) },
        },
      );
    }
    const checks = results.reduce((n, o) => n + (o.result?.checks.length ?? 0), 0);
    ctx.note(`All ${checks} health check(s) passed on ${results.length} instance(s)`);
    return {
      status: 'done',
      outputs: {
        results: results.map((o) => ({ instanceId: o.instanceId, ok: true, checks: o.result?.checks ?? [] })),
      },
    };
  },
};

/** Best effort: thaw instances a failed or cancelled freeze left frozen (the watchdog is the backstop). */
async function thawAfter(cloud: CloudProvider, ctx: ActionContext, instances: string[], region: string) {
  if (instances.length === 0) return;
  try {
    const parameters = thawParameters({ dirs: dirs(ctx, 'agent.freeze') });
    await cloud.runCommand(instances, region, AGENT_DOCUMENTS.thaw, parameters, `${ctx.idempotencyKey}:thaw`);
    ctx.note(`Sent DrbotThaw to ${instances.join(', ')} so nothing stays frozen`);
  } catch (err) {
    ctx.note(
      `Could not send DrbotThaw to ${instances.join(', ')}: the agent watchdog thaws them (${String(err)})`,
    );
  }
}

const freeze: CommandAction<'freeze'> = {
  name: 'agent.freeze',
  command: 'freeze',
  document: AGENT_DOCUMENTS.freeze,
  defaultSide: 'protected',
  protectedDefault: true,
  parameters(ctx) {
    const max = durationMs('agent.freeze', ctx.inputs, 'maxFreeze');
    return freezeParameters({
      dirs: dirs(ctx, 'agent.freeze'),
      maxSeconds: max === undefined ? undefined : max / 1000,
    });
  },
  async finish(ctx, results, cloud) {
    const failed = results.filter((o) => o.failure !== undefined);
    if (failed.length > 0) {
      const frozen = results.filter((o) => o.failure === undefined).map((o) => o.instanceId);
      await thawAfter(cloud, ctx, frozen, commandHandle(ctx).region);
      throw new DrbotError(
        `Freeze failed on ${failed.length} of ${results.length} instance(s): ${describeFailures(failed)}`,
        {
          code: 'AGENT_FREEZE_FAILED',
          explanation:
            'A pre-snapshot hook or fsfreeze failed; the agent thawed what it had frozen and drbot thawed the other instances.',
          action:
            'Fix the hook or the dirs (they must be mount points) on the instances named, or protect without appConsistent.',
          context: { failed: failed.map((o) => o.instanceId) },
        },
      );
    }
    for (const o of results) {
      const by = o.result?.thawBy
        ? ` (the watchdog thaws by ${new Date(o.result.thawBy * 1000).toISOString()})`
        : '';
      ctx.note(`Froze ${(o.result?.frozen ?? []).join(', ') || 'nothing'} on ${o.instanceId}${by}`);
    }
    return { status: 'done', outputs: {} };
  },
};

const thaw: CommandAction<'thaw'> = {
  name: 'agent.thaw',
  command: 'thaw',
  document: AGENT_DOCUMENTS.thaw,
  defaultSide: 'protected',
  protectedDefault: true,
  parameters: (ctx) => thawParameters({ dirs: dirs(ctx, 'agent.thaw') }),
  finish(_ctx, results) {
    const failed = results.filter((o) => o.failure !== undefined);
    if (failed.length > 0) {
      throw new DrbotError(
        `Thaw failed on ${failed.length} of ${results.length} instance(s): ${describeFailures(failed)}`,
        {
          code: 'AGENT_THAW_FAILED',
          explanation:
            'fsfreeze -u or a post-snapshot hook failed. The agent watchdog still thaws the disks after maxFreeze.',
          action:
            'On the instances named run `sudo drbot-agent thaw` (or `sudo fsfreeze -u <dir>`) and check the post-snapshot hooks.',
          context: { failed: failed.map((o) => o.instanceId) },
        },
      );
    }
    return { status: 'done', outputs: {} };
  },
};

const measureRpo: CommandAction<'read-mark'> = {
  name: 'agent.measureRpo',
  command: 'read-mark',
  document: AGENT_DOCUMENTS.readMark,
  defaultSide: 'recovery',
  protectedDefault: false,
  parameters: (ctx) => readMarkParameters({ dirs: dirs(ctx, 'agent.measureRpo') }),
  finish(ctx, results) {
    const found = results.flatMap((o) =>
      o.result?.marker ? [{ instanceId: o.instanceId, marker: o.result.marker }] : [],
    );
    for (const o of results.filter((r) => !r.result?.marker)) {
      ctx.note(`No RPO marker read on ${o.instanceId}: ${o.failure ?? 'none found'}`, {
        instanceId: o.instanceId,
      });
    }
    const newest = found.reduce<(typeof found)[number] | undefined>(
      (best, f) =>
        !best ||
        f.marker.time > best.marker.time ||
        (f.marker.time === best.marker.time && f.marker.seq > best.marker.seq)
          ? f
          : best,
      undefined,
    );
    if (!newest) {
      throw new NonRetryableError(`No RPO marker found on ${results.map((o) => o.instanceId).join(', ')}`, {
        code: 'AGENT_NO_RPO_MARKER',
        explanation: `The recovered copies carry no drbot RPO marker (${describeFailures(results)}), so the data loss cannot be measured.`,
        action:
          'Run agent.install on the protected instances (it writes the marker every minute) and check that `dirs` names the protected mounts.',
      });
    }
    const markerAt = newest.marker.time * 1000;
    const rpoMeasuredMs = Math.max(0, ctx.runStartedAt - markerAt);
    ctx.note(
      `Measured RPO ${formatDuration(rpoMeasuredMs)}: newest marker ${newest.marker.timeIso} (seq ${newest.marker.seq}, written by ${newest.marker.instanceId}) on ${newest.instanceId}`,
      { markerAt, rpoMeasuredMs, instanceId: newest.instanceId, seq: newest.marker.seq },
    );
    return { status: 'done', outputs: { markerAt, rpoMeasuredMs }, measures: { rpoMeasuredMs } };
  },
};

/** Handlers for agent.install, agent.health, agent.freeze, agent.thaw and agent.measureRpo. */
export function createAgentActions(options: AgentActionsOptions): Record<string, ActionHandler> {
  const { cloud } = options;
  const poll = options.pollIntervalMs ?? 5_000;
  const max = options.maxThrottles ?? DEFAULT_MAX_THROTTLES;
  const freezeHandler = commandHandler(cloud, freeze, poll);
  freezeHandler.cancel = async (ctx) => {
    const handle = ctx.handle as { instances?: string[]; region?: string } | undefined;
    if (handle?.instances && handle.region) await thawAfter(cloud, ctx, handle.instances, handle.region);
  };
  const handlers: Record<string, ActionHandler> = {
    'agent.install': commandHandler(cloud, install, poll),
    'agent.health': commandHandler(cloud, health, poll),
    'agent.freeze': freezeHandler,
    'agent.thaw': commandHandler(cloud, thaw, poll),
    'agent.measureRpo': commandHandler(cloud, measureRpo, poll),
  };
  return Object.fromEntries(Object.entries(handlers).map(([name, h]) => [name, guardHandler(name, h, max)]));
}
