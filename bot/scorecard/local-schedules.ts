/**
 * Local mode's scheduler: the same runbook `schedule` entries EventBridge Scheduler runs on AWS,
 * run in-process with croner (same five-field cron, same IANA timezone). `drbot shell` and
 * `drbot serve` call `startLocalSchedules` and stop it on exit.
 */
import { Cron } from 'croner';
import type { Runbook } from '../../engine/runbook/types.js';
import type { BotServices } from '../services.js';
import { type DueSchedule, runScheduledDrill, type ScheduledDrillDeps, scheduleEntries } from './weekly.js';

export interface LocalSchedule {
  entry: DueSchedule & { cron: string; timezone: string };
  /** Next firing, for `drbot shell` to show; undefined when stopped or never again. */
  nextRun(): Date | undefined;
  /** Fires the entry now, as if it came due (a "run the weekly drill now" command, tests). */
  trigger(): Promise<void>;
}

export interface LocalSchedulesOptions {
  /** How to post and start; without it the due entry is only logged (no front end to post to). */
  deps?: Omit<ScheduledDrillDeps, 'services'>;
  /** Called instead of `runScheduledDrill` (tests, custom front ends). */
  onDue?: (entry: DueSchedule) => Promise<unknown>;
  /** Receives the started schedules, e.g. to print "next drill: Mon 09:00 Europe/London". */
  onStarted?: (schedules: LocalSchedule[]) => void;
}

/**
 * Starts one croner job per schedule entry of every runbook and returns a function that stops
 * them all. Jobs are unref'd (they never keep the process alive) and protected (a drill still
 * announcing when the next tick comes is not announced twice).
 */
export function startLocalSchedules(
  services: BotServices,
  runbooks: Iterable<Runbook>,
  options: LocalSchedulesOptions = {},
): () => void {
  const log = services.log ?? ((message: string, err?: unknown) => console.error(message, err));
  const fire =
    options.onDue ??
    (async (entry: DueSchedule) => {
      if (!options.deps) {
        log(`drbot: ${entry.mode} of ${entry.runbook} is due, but no front end is wired to post it`);
        return;
      }
      return runScheduledDrill({ ...options.deps, services }, entry);
    });
  const jobs: Cron[] = [];
  const schedules: LocalSchedule[] = [];
  for (const entry of scheduleEntries(runbooks)) {
    const job = new Cron(
      entry.cron,
      {
        timezone: entry.timezone,
        protect: true,
        unref: true,
        catch: (err: unknown) => log(`drbot: scheduled ${entry.mode} of ${entry.runbook} failed`, err),
      },
      async () => {
        await fire(entry);
      },
    );
    jobs.push(job);
    schedules.push({
      entry,
      nextRun: () => job.nextRun() ?? undefined,
      trigger: async () => {
        await fire(entry);
      },
    });
  }
  options.onStarted?.(schedules);
  return () => {
    for (const job of jobs) job.stop();
  };
}
