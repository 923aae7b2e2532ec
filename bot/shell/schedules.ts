/**
 * The runbooks' `schedule` entries in the terminal shell: croner fires them in-process, the
 * announcement that Slack would post in the channel is printed in the log, and an automatic drill
 * starts through the same command path as typing `drill <runbook>`. A finished drill's scorecard
 * is printed in the log too, after the run's final summary.
 */
import { DrbotError } from '../../engine/errors.js';
import type { Clock, Notifier, RunStore } from '../../engine/ports.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { executeCommand } from '../commands/execute.js';
import { replyText } from '../render/text.js';
import { type LocalSchedule, startLocalSchedules } from '../scorecard/local-schedules.js';
import { withScorecard } from '../scorecard/notifier.js';
import { scorecardLines } from '../scorecard/render.js';
import {
  type ChannelMessage,
  type ChannelPoster,
  type DrillStarter,
  decodeStartValue,
  START_DRILL_ACTION,
} from '../scorecard/weekly.js';
import type { BotServices } from '../services.js';
import type { Screen } from './screen.js';

/** Prints what Slack would post in the schedule's channel; an offered button becomes a command hint. */
export function shellChannelPoster(screen: Screen): ChannelPoster {
  return async (message) => {
    const lines = [`📣 #${message.channel}: ${message.text}`];
    const offered = startButtonOf(message);
    if (offered) lines.push(`   to start it, type: ${offered.mode} ${offered.runbook}`);
    screen.log(lines);
    return {};
  };
}

function startButtonOf(message: ChannelMessage): ReturnType<typeof decodeStartValue> {
  for (const block of message.blocks ?? []) {
    if (block.type !== 'actions') continue;
    for (const element of block.elements) {
      if (element.type === 'button' && element.action_id === START_DRILL_ACTION)
        return decodeStartValue(element.value);
    }
  }
  return undefined;
}

/** Starts the scheduled run as if its initiator typed `<mode> <runbook>` in the shell. */
export function shellDrillStarter(services: BotServices, screen: Screen): DrillStarter {
  return async (request) => {
    const outcome = await executeCommand(
      services,
      { kind: 'start', mode: request.mode, runbook: request.runbook.metadata.name, params: {} },
      { user: request.initiator, surface: 'shell', meta: { surface: 'shell', scheduled: 'true' } },
    );
    const reply = outcome.reply;
    screen.log(replyText(reply));
    if (reply.kind === 'error') {
      throw new DrbotError(reply.error.message, {
        code: reply.error.code,
        explanation: reply.error.explanation,
        action: reply.error.action,
      });
    }
    if (reply.kind !== 'started')
      throw new Error(`starting a scheduled ${request.mode} replied ${reply.kind}`);
    await outcome.followUp?.();
    return reply.run;
  };
}

export interface ShellSchedulesOptions {
  services: BotServices;
  screen: Screen;
  /** @default DEFAULT_STALE_DAYS */
  staleDays?: number;
  /** Also receives the started schedules (after they are printed). */
  onStarted?: (schedules: LocalSchedule[]) => void;
}

/** Starts croner jobs for every schedule entry and prints when each fires next; returns the stop. */
export function startShellSchedules(runbooks: Iterable<Runbook>, options: ShellSchedulesOptions): () => void {
  const { services, screen } = options;
  return startLocalSchedules(services, runbooks, {
    deps: {
      post: shellChannelPoster(screen),
      start: shellDrillStarter(services, screen),
      ...(options.staleDays === undefined ? {} : { staleDays: options.staleDays }),
    },
    onStarted: (schedules) => {
      if (schedules.length > 0) screen.log(scheduleLines(schedules));
      options.onStarted?.(schedules);
    },
  });
}

/** "Scheduled: drill of app-tier at 0 9 * * MON (Europe/London), next 2026-01-05 09:00 UTC". */
export function scheduleLines(schedules: LocalSchedule[]): string[] {
  return schedules.map((s) => {
    const next = s.nextRun();
    const when = next ? `, next ${next.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
    const how = s.entry.auto ? '' : ' (asks for a person to start it)';
    return `⏰ scheduled: ${s.entry.mode} of ${s.entry.runbook} at "${s.entry.cron}" (${s.entry.timezone})${when}${how}`;
  });
}

/**
 * The shell's notifier with drill scorecards: events go to the shell's own notifier first, and a
 * finished drill's scorecard is printed after its summary. The store is read lazily because the
 * runtime (which owns it) is built with this notifier.
 */
export function shellScorecardNotifier(options: {
  inner: Notifier;
  store: () => RunStore;
  clock: Clock;
  screen: Screen;
  staleDays?: number;
  log?: (message: string, err?: unknown) => void;
}): Notifier {
  let wrapped: Notifier | undefined;
  return {
    publish(run, events) {
      wrapped ??= withScorecard({
        inner: options.inner,
        store: options.store(),
        clock: options.clock,
        post: async (_run, _message, card) => {
          options.screen.log(['', ...scorecardLines(card, 'text').map((l) => `📊 ${l}`), '']);
        },
        ...(options.staleDays === undefined ? {} : { scorecard: { staleDays: options.staleDays } }),
        ...(options.log ? { log: options.log } : {}),
      });
      return wrapped.publish(run, events);
    },
  };
}
