/**
 * The scheduled drill: one `schedule` entry of a runbook coming due (EventBridge Scheduler on AWS,
 * croner locally). It announces the drill in the entry's channel, flags staleness, and either
 * starts the drill the way a person would (same status message and thread) or, with
 * `auto: false`, offers a "Start drill" button for whoever is on duty.
 */
import type { KnownBlock } from '@slack/types';
import { DrbotError, toUserFacing } from '../../engine/errors.js';
import type { Run } from '../../engine/run.js';
import type { Mode, Runbook, ScheduleEntry } from '../../engine/runbook/types.js';
import { actions, button, context, section } from '../render/blocks.js';
import type { BotServices } from '../services.js';
import { type Staleness, staleness } from './staleness.js';

/** `action_id` of the "Start drill" button; `registerScheduleActions` listens for it. */
export const START_DRILL_ACTION = 'drbot_start_drill';

/** One due schedule entry (the Scheduler event's payload, or a runbook entry locally). */
export interface DueSchedule {
  runbook: string;
  mode: Mode;
  channel: string;
  /** false: offer a button instead of starting. */
  auto: boolean;
  /** Position in the runbook's `schedule`, for messages and logs. */
  index?: number;
}

export interface ChannelMessage {
  channel: string;
  text: string;
  blocks?: KnownBlock[];
  threadTs?: string;
}

/** Posts to a channel; Slack's chat.postMessage on AWS, the terminal locally. Returns the message ts. */
export type ChannelPoster = (message: ChannelMessage) => Promise<{ ts?: string }>;

export interface DrillStartRequest {
  runbook: Runbook;
  mode: Mode;
  channel: string;
  /** `drbot` for automatic drills, the clicking user for the button. */
  initiator: string;
  /** The announcement, so front ends may thread under it. */
  announcementTs?: string;
}

/** Starts a run exactly like a manual `/dr drill` in `channel` (status message, thread, kick). */
export type DrillStarter = (request: DrillStartRequest) => Promise<Run>;

export interface ScheduledDrillDeps {
  services: BotServices;
  post: ChannelPoster;
  start: DrillStarter;
  /** @default DEFAULT_STALE_DAYS */
  staleDays?: number;
}

export type ScheduledOutcome =
  | { kind: 'started'; run: Run; staleness: Staleness }
  | { kind: 'offered'; staleness: Staleness }
  | { kind: 'failed'; error: ReturnType<typeof toUserFacing> };

/** Identity of automatic runs in the audit; give it drill access (`users: ["*"]` or listed). */
export const SCHEDULER_INITIATOR = 'drbot';

export function announcement(due: DueSchedule, stale: Staleness): ChannelMessage {
  const what = due.mode === 'drill' ? 'Weekly drill' : `Scheduled ${due.mode}`;
  const headline = due.auto
    ? `${what} for ${due.runbook} is starting`
    : `${what} for ${due.runbook} is due: whoever is on duty, press Start drill`;
  const freshness = `${stale.stale ? '⚠️ ' : ''}${due.runbook}: ${stale.message}`;
  const blocks: KnownBlock[] = [section(`*${headline}*`), context(freshness)];
  if (!due.auto) {
    blocks.push(
      actions('drbot_schedule', [
        button({
          actionId: START_DRILL_ACTION,
          text: due.mode === 'drill' ? 'Start drill' : `Start ${due.mode}`,
          value: JSON.stringify({ rb: due.runbook, m: due.mode }),
          style: 'primary',
        }),
      ]),
    );
  }
  return { channel: due.channel, text: `${headline}. ${freshness}`, blocks };
}

/** Finds the runbook or explains which file to add. */
export function runbookFor(services: BotServices, name: string): Runbook {
  const runbook = services.runbooks().get(name);
  if (!runbook) {
    throw new DrbotError(`The schedule names runbook ${name}, which is not loaded.`, {
      code: 'SCHEDULED_RUNBOOK_MISSING',
      explanation:
        'Schedules are generated from the runbooks when packaging; this one was removed or renamed since.',
      action: `Restore ${services.runbookDir ?? 'runbooks/'}${name}.yaml or redeploy so its schedule goes away.`,
    });
  }
  return runbook;
}

/** Handles one due schedule entry: announce, then start (auto) or offer the button. */
export async function runScheduledDrill(
  deps: ScheduledDrillDeps,
  due: DueSchedule,
): Promise<ScheduledOutcome> {
  const { services } = deps;
  try {
    const runbook = runbookFor(services, due.runbook);
    const history = await services.store.listRuns({ runbook: due.runbook, mode: 'drill', limit: 50 });
    const stale = staleness(runbook, history, services.clock.now(), { staleDays: deps.staleDays });
    const posted = await deps.post(announcement(due, stale));
    if (!due.auto) return { kind: 'offered', staleness: stale };
    const run = await deps.start({
      runbook,
      mode: due.mode,
      channel: due.channel,
      initiator: SCHEDULER_INITIATOR,
      ...(posted.ts ? { announcementTs: posted.ts } : {}),
    });
    return { kind: 'started', run, staleness: stale };
  } catch (err) {
    const error = toUserFacing(err);
    services.log?.(`drbot: scheduled ${due.mode} of ${due.runbook} failed`, err);
    await deps
      .post({
        channel: due.channel,
        text: `Scheduled ${due.mode} of ${due.runbook} could not start: ${error.message} ${error.explanation} ${error.action}`,
      })
      .catch((postErr: unknown) => services.log?.('drbot: could not report the failed schedule', postErr));
    return { kind: 'failed', error };
  }
}

/** Reads the button value written by `announcement`. */
export function decodeStartValue(value: string | undefined): { runbook: string; mode: Mode } | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as { rb?: unknown; m?: unknown };
    if (typeof parsed.rb !== 'string' || !['drill', 'failover', 'failback'].includes(String(parsed.m)))
      return undefined;
    return { runbook: parsed.rb, mode: parsed.m as Mode };
  } catch {
    return undefined;
  }
}

/** Every schedule entry of every runbook, as due-schedule payloads. */
export function scheduleEntries(
  runbooks: Iterable<Runbook>,
): (DueSchedule & { cron: string; timezone: string })[] {
  const out: (DueSchedule & { cron: string; timezone: string })[] = [];
  for (const runbook of runbooks) {
    runbook.spec.schedule.forEach((entry: ScheduleEntry, index) => {
      out.push({
        runbook: runbook.metadata.name,
        mode: entry.mode,
        channel: entry.channel,
        auto: entry.auto !== false,
        index,
        cron: entry.cron,
        timezone: entry.timezone,
      });
    });
  }
  return out;
}
