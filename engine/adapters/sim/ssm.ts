/**
 * Simulated SSM Run Command. `Drbot*` documents run the real agent through the AgentRunner on the
 * instance's sandbox (at sim time); without a runner they answer `{"ok":true}`. Other documents
 * succeed with empty output. Injected faults fail or time out single invocations.
 */
import type { CommandInvocation, CommandResult } from '../../cloud/commands.js';
import { DrbotError, NonRetryableError } from '../../errors.js';
import type { SimContext } from './context.js';
import { countKey } from './counters.js';
import { apiCall } from './ec2.js';
import { emitAt, runOfKey } from './events.js';
import { notFound } from './faults.js';
import { nextId, type SimCommand } from './state.js';

/** SendCommand accepts at most 50 instance ids per call. */
export const SSM_BATCH = 50;

export async function runCommand(
  ctx: SimContext,
  instanceIds: string[],
  region: string,
  document: string,
  parameters: Record<string, string[]>,
  idempotencyKey: string,
): Promise<{ commandId: string }> {
  const { state } = ctx;
  apiCall(ctx, 'SendCommand', region, Math.max(1, Math.ceil(instanceIds.length / SSM_BATCH)));
  countKey(state.counters, idempotencyKey);
  const known = state.tokens.command[idempotencyKey];
  if (known) return { commandId: known };
  if (instanceIds.length === 0) {
    throw new NonRetryableError(`SendCommand ${document} was given no instances`, {
      code: 'NO_INSTANCES',
      explanation: 'A command needs at least one target instance.',
      action: 'Check the step input `instances` (usually the launch step outputs).',
    });
  }
  const missing = instanceIds.filter((id) => state.instances[id]?.region !== region);
  if (missing.length > 0) throw notFound('Instances', missing, region);
  const notRunning = instanceIds.filter((id) => state.instances[id]?.state !== 'running');
  if (notRunning.length > 0) {
    throw new DrbotError(
      `SendCommand ${document}: ${notRunning.join(', ')} not running (InvalidInstanceId)`,
      {
        code: 'INSTANCE_NOT_READY',
        explanation: 'SSM can only reach running instances whose SSM agent is online.',
        action: 'Run ec2.waitHealthy before commands; drbot retries this step by its retry policy.',
        context: { instanceIds: notRunning },
      },
    );
  }
  const unreachable = instanceIds.flatMap((id) => {
    const subnetId = state.instances[id]?.subnetId;
    const why = subnetId ? ctx.network?.commandUnreachable(region, subnetId) : undefined;
    return why ? [`${id} (${why})`] : [];
  });
  if (unreachable.length > 0) {
    // EC2's answer for an instance whose agent never reached SSM: not a managed instance
    throw new NonRetryableError(`SendCommand ${document}: ${unreachable.join(', ')} (InvalidInstanceId)`, {
      code: 'SSM_UNREACHABLE',
      explanation:
        "The instances' SSM agent cannot reach Systems Manager: their isolated drill VPC has no route out and lacks the interface endpoints the agent needs.",
      action:
        'Let network.drillVpc create them (remove `serviceEndpoints: []` from the step), or check health with ec2.waitHealthy instead of agent.* in that drill.',
      context: { instanceIds },
    });
  }
  const now = ctx.clock.now();
  const invocations: CommandInvocation[] = [];
  for (const instanceId of instanceIds) {
    const outcome = ctx.faults.takeSsmOutcome();
    if (outcome === 'failed') {
      invocations.push({
        instanceId,
        status: 'failed',
        exitCode: 1,
        stdout: '',
        stderr: 'simulated failure (faults.ssmFailures)',
      });
    } else if (outcome === 'timed-out') {
      invocations.push({ instanceId, status: 'timed-out', stderr: 'simulated timeout (faults.ssmTimeouts)' });
    } else if (document.startsWith('Drbot')) {
      const out = ctx.sandbox
        ? await ctx.sandbox.run(instanceId, document, parameters, now)
        : { exitCode: 0, stdout: '{"ok":true}', stderr: '' };
      invocations.push({ instanceId, status: out.exitCode === 0 ? 'success' : 'failed', ...out });
    } else {
      invocations.push({ instanceId, status: 'success', exitCode: 0, stdout: '', stderr: '' });
    }
  }
  const command: SimCommand = {
    commandId: nextId(state, 'cmd').replace('cmd-0', 'cmd-'),
    region,
    document,
    sentAt: now,
    doneAt: now + ctx.latency.of('ssm'),
    invocations,
  };
  state.commands[command.commandId] = command;
  const owner = instanceIds.map((id) => state.instances[id]?.tags['drbot:run-id']).find(Boolean);
  emitAt(ctx.wakeups, command.doneAt, owner ?? runOfKey(idempotencyKey), `ssm:done ${command.commandId}`);
  state.tokens.command[idempotencyKey] = command.commandId;
  return { commandId: command.commandId };
}

/** One ListCommandInvocations for the whole command: pending, then in-progress, then the outcome. */
export function commandStatus(ctx: SimContext, commandId: string, region: string): CommandResult {
  apiCall(ctx, 'ListCommandInvocations', region);
  const command = ctx.state.commands[commandId];
  if (!command || command.region !== region) throw notFound('Command', [commandId], region);
  const now = ctx.clock.now();
  if (now >= command.doneAt) {
    return { commandId, done: true, invocations: command.invocations.map((i) => ({ ...i })) };
  }
  const halfway = command.sentAt + (command.doneAt - command.sentAt) / 2;
  const status = now >= halfway ? 'in-progress' : 'pending';
  return {
    commandId,
    done: false,
    invocations: command.invocations.map((i) => ({ instanceId: i.instanceId, status })),
  };
}
