/**
 * Executes a parsed command against the bot's services and returns a front-end-neutral reply.
 * Thin by design (parse, authorise, start or record, reply): runs are advanced by the driver,
 * which the returned `followUp` kicks after the reply is delivered.
 */

import { FakeClock } from '../../engine/adapters/memory/clock.js';
import { parseDuration } from '../../engine/duration.js';
import { DrbotError, NotFoundError, toUserFacing } from '../../engine/errors.js';
import { type DoctorReport, diagnose } from '../../engine/network/doctor.js';
import { gatherDoctorFacts } from '../../engine/network/doctor-facts.js';
import { withReplicationReadiness } from '../../engine/network/doctor-replication.js';
import { planRun } from '../../engine/plan/index.js';
import { isAllowed } from '../../engine/ports.js';
import { isTerminal } from '../../engine/run.js';
import type { Mode, Runbook } from '../../engine/runbook/types.js';
import { siteLabel } from '../../engine/tier/machine.js';
import type { Audience } from '../render/format.js';
import { tierSummary } from '../render/tier.js';
import { loadRunView } from '../render/view.js';
import { DEFAULT_STALE_DAYS, staleness } from '../scorecard/staleness.js';
import type { BotServices } from '../services.js';
import type { Command, Surface } from './grammar.js';
import { accessRefusal, approvalStepOf, findRunbook, resolveRun } from './lookup.js';
import type { Outcome, Reply, RunbookEntry } from './replies.js';
import { drsReprotectPass, replicationFor } from './reprotect-drs.js';
import { cloudUnavailable, listPoints, reprotectPass } from './tier.js';

export interface CommandContext {
  /** Who typed the command (a Slack user id, or a local user name in the shell). */
  user: string;
  surface: Surface;
  /** Stored on a started run as `run.meta` (Slack channel, …). */
  meta?: Record<string, string>;
}

const STATUS_VIEWS = 5;
/** Drills looked at per runbook to find the newest successful one. */
const DRILL_HISTORY = 50;

export async function executeCommand(
  services: BotServices,
  command: Command,
  context: CommandContext,
): Promise<Outcome> {
  try {
    return await dispatch(services, command, context);
  } catch (err) {
    if (!(err instanceof DrbotError)) services.log?.('drbot: command failed', err);
    return { reply: { kind: 'error', error: toUserFacing(err) } };
  }
}

async function dispatch(services: BotServices, command: Command, context: CommandContext): Promise<Outcome> {
  const audience: Audience = context.surface === 'slack' ? 'slack' : 'text';
  switch (command.kind) {
    case 'help':
      return reply({
        kind: 'help',
        surface: context.surface,
        ...(command.topic ? { topic: command.topic } : {}),
      });
    case 'list':
      return reply({ kind: 'list', entries: await listRunbooks(services) });
    case 'runs':
      return reply({
        kind: 'runs',
        runs: await services.store.listRuns({ limit: 15 }),
        now: services.clock.now(),
      });
    case 'plan': {
      const runbook = findRunbook(services, command.runbook);
      assertMode(runbook, command.mode);
      return reply({ kind: 'plan', plan: planRun(runbook, command.mode) });
    }
    case 'doctor':
      return reply({ kind: 'doctor', report: await doctor(services, command.runbook) });
    case 'status':
      if (command.runId !== undefined && services.runbooks().has(command.runId)) {
        return reply(await tierReply(services, findRunbook(services, command.runId)));
      }
      return reply(await status(services, command.runId));
    case 'commit': {
      const run = await resolveRun(services, command.runId);
      const runbook = await services.engine.runbookOf(run);
      await services.engine.commit(run.id, context.user);
      return reply(
        await tierReply(
          services,
          runbook,
          `✅ committed run ${run.id}: ${runbook.metadata.name} stays live in ${siteLabel(runbook.spec.target)}. Next: reprotect ${runbook.metadata.name}`,
        ),
      );
    }
    case 'switch-point': {
      const target = await resolveRun(services, command.runId);
      const run = await services.engine.switchPoint(target.id, command.point, context.user);
      const runbook = await services.engine.runbookOf(run);
      return { reply: { kind: 'started', run, runbook }, followUp: kick(services, run.id) };
    }
    case 'reprotect': {
      const runbook = findRunbook(services, command.runbook);
      const readiness = services.readiness;
      if (!readiness) throw cloudUnavailable(runbook, 'Reprotect');
      const { clock } = services;
      const now = () => clock.now();
      // On a fake clock (tests, `--fast`) waiting for the copies is skipping ahead.
      const wait = clock instanceof FakeClock ? async (ms: number) => clock.advance(ms) : undefined;
      const waiting = wait ? { wait } : {};
      await services.engine.reprotect(runbook, context.user, (inventory, tier) =>
        runbook.spec.protect.method === 'drs'
          ? drsReprotectPass(
              { replication: replicationFor(runbook, readiness), store: services.store, now, ...waiting },
              runbook,
              tier,
            )
          : reprotectPass({ cloud: readiness.cloud, now, ...waiting }, runbook, inventory),
      );
      return reply(
        await tierReply(
          services,
          runbook,
          `🔁 reprotected ${runbook.metadata.name}: protecting ${siteLabel(runbook.spec.target)} → ${siteLabel(runbook.spec.source)}. Next: failback ${runbook.metadata.name}`,
        ),
      );
    }
    case 'points': {
      const runbook = findRunbook(services, command.runbook);
      if (!services.readiness) throw cloudUnavailable(runbook, 'Listing the points');
      const tier = await services.engine.getTier(runbook);
      const rows = await listPoints(services.readiness.cloud, runbook, tier);
      return reply({ kind: 'points', runbook: runbook.metadata.name, rows, now: services.clock.now() });
    }
    case 'timeline': {
      const run = await resolveRun(services, command.runId);
      const runbook = await services.engine.runbookOf(run).catch(() => undefined);
      const audit = await services.store.listAudit(run.id);
      return reply({
        kind: 'timeline',
        run,
        ...(runbook ? { runbook } : {}),
        audit,
        now: services.clock.now(),
      });
    }
    case 'start': {
      const runbook = findRunbook(services, command.runbook);
      assertMode(runbook, command.mode);
      if (!(await isAllowed(context.user, runbook.spec.access[command.mode], services.directory))) {
        throw accessRefusal(runbook, command.mode, context.user, audience);
      }
      const run = await services.engine.startRun({
        runbook,
        mode: command.mode,
        initiator: context.user,
        params: command.params,
        meta: { surface: context.surface, ...(context.meta ?? {}) },
      });
      return { reply: { kind: 'started', run, runbook }, followUp: kick(services, run.id) };
    }
    case 'abort': {
      const target = await resolveRun(services, command.runId);
      const run = await services.engine.abort(target.id, context.user, command.reason);
      return { reply: { kind: 'aborted', run }, followUp: kick(services, run.id) };
    }
    case 'approve':
    case 'reject': {
      const run = await resolveRun(services, command.runId);
      let stepKey = command.stepKey;
      let reason = command.kind === 'reject' ? command.reason : undefined;
      // `reject <id> too risky`: "too" is not a step of the run, so it starts the reason.
      if (command.kind === 'reject' && stepKey !== undefined && !run.steps[stepKey]) {
        reason = [stepKey, reason].filter(Boolean).join(' ');
        stepKey = undefined;
      }
      const key = approvalStepOf(run, stepKey);
      const answer =
        command.kind === 'approve'
          ? await services.engine.approve(run.id, key, context.user)
          : await services.engine.reject(run.id, key, context.user, reason);
      return {
        reply: {
          kind: 'approval',
          decision: command.kind,
          answer,
          runId: run.id,
          runbook: run.runbook.name,
          stepKey: key,
        },
        ...(answer.counted ? { followUp: kick(services, run.id) } : {}),
      };
    }
    case 'confirm': {
      const target = await resolveRun(services, command.runId);
      const run = await services.engine.confirmManual(target.id, command.stepKey, context.user);
      return {
        reply: { kind: 'confirmed', run, stepKey: command.stepKey },
        followUp: kick(services, run.id),
      };
    }
  }
}

function assertMode(runbook: Runbook, mode: Mode): void {
  if (runbook.spec.modes[mode]) return;
  throw new NotFoundError(`${runbook.metadata.name} has no ${mode} mode.`, {
    code: 'MODE_NOT_DEFINED',
    explanation: `The runbook defines ${Object.keys(runbook.spec.modes).join(', ') || 'no modes'}.`,
    action: `Add spec.modes.${mode} to the runbook, or use one of the defined modes.`,
  });
}

function reply(r: Reply): Outcome {
  return { reply: r };
}

function kick(services: BotServices, runId: string): () => Promise<void> {
  return async () => {
    try {
      await services.driver.kick(runId);
    } catch (err) {
      (services.log ?? console.error)(`drbot: could not schedule run ${runId}`, err);
    }
  };
}

async function status(services: BotServices, runId: string | undefined): Promise<Reply> {
  if (runId !== undefined) {
    const run = await resolveRun(services, runId);
    return { kind: 'status', views: [(await loadRunView(services, run)).view] };
  }
  const recent = await services.store.listRuns({ limit: 20 });
  const inFlight = recent.filter((r) => !isTerminal(r.status)).slice(0, STATUS_VIEWS);
  const chosen = inFlight.length > 0 ? inFlight : recent.slice(0, 1);
  const views = [];
  for (const summary of chosen) {
    const run = await services.store.getRun(summary.id);
    if (run) views.push((await loadRunView(services, run)).view);
  }
  if (views.length === 0)
    return { kind: 'status', views, empty: 'No run yet. Start one with `drill <runbook>`.' };
  return { kind: 'status', views };
}

async function listRunbooks(services: BotServices): Promise<RunbookEntry[]> {
  const entries: RunbookEntry[] = [];
  const runbooks = [...services.runbooks().values()].sort((a, b) =>
    a.metadata.name.localeCompare(b.metadata.name),
  );
  const now = services.clock.now();
  const staleDays = services.staleDays ?? DEFAULT_STALE_DAYS;
  for (const runbook of runbooks) {
    const drills = await services.store.listRuns({
      runbook: runbook.metadata.name,
      mode: 'drill',
      limit: DRILL_HISTORY,
    });
    const lastDrill = newest(drills);
    const tier = await services.engine.getTier(runbook);
    entries.push({
      name: runbook.metadata.name,
      ...(runbook.metadata.description ? { description: runbook.metadata.description } : {}),
      rto: runbook.spec.objectives.rto,
      rpo: runbook.spec.objectives.rpo,
      modes: Object.keys(runbook.spec.modes) as RunbookEntry['modes'],
      ...(lastDrill ? { lastDrill } : {}),
      staleness: staleness(runbook, drills, now, { staleDays }),
      tier,
      tierLine: tierSummary(tier, parseDuration(runbook.spec.objectives.rpo), now),
    });
  }
  return entries;
}

async function tierReply(services: BotServices, runbook: Runbook, headline?: string): Promise<Reply> {
  return {
    kind: 'tier',
    tier: await services.engine.getTier(runbook),
    rpoMs: parseDuration(runbook.spec.objectives.rpo),
    now: services.clock.now(),
    ...(headline ? { headline } : {}),
  };
}

function newest<T extends { createdAt: number }>(runs: T[]): T | undefined {
  let best: T | undefined;
  for (const run of runs) if (!best || run.createdAt > best.createdAt) best = run;
  return best;
}

/**
 * Readiness of a runbook, gathered and judged exactly as `drbot doctor` does. Read-only: it
 * starts nothing, so it needs no access rule beyond being in the channel.
 */
async function doctor(services: BotServices, name: string): Promise<DoctorReport> {
  const runbook = findRunbook(services, name);
  if (!services.readiness) {
    throw new DrbotError(`The readiness check of ${runbook.metadata.name} cannot run here.`, {
      code: 'DOCTOR_UNAVAILABLE',
      explanation:
        'This drbot process does not talk to the cloud itself (on AWS the Slack function only acknowledges and enqueues), so it cannot look at instances, subnets and recovery points.',
      action: `Run \`drbot doctor ${runbook.metadata.name} --provider aws\` from a machine with AWS credentials, or use \`drbot serve\` / \`drbot shell\`.`,
    });
  }
  const { cloud, network, replication } = services.readiness;
  const now = services.clock.now();
  const report = diagnose(await gatherDoctorFacts({ cloud, network, store: services.store, runbook, now }));
  return withReplicationReadiness(report, { cloud, runbook, now, ...(replication ? { replication } : {}) });
}
