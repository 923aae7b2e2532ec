/**
 * A copy of runbooks/ with one schedule entry each, announced in their own channel: app-tier's
 * drill starts automatically, db-tier's offers a "Start drill" button (`auto: false`). Runbooks
 * only take five-field crons (what EventBridge Scheduler runs), so the next firing is at least a
 * minute away: tests fire an entry through `LocalSchedule.trigger()`, the croner job's own callback.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SOURCE = join(import.meta.dirname, '../../../runbooks');

export interface ScheduledRunbooks {
  dir: string;
  /** The channel the announcements go to. */
  channel: string;
  remove(): Promise<void>;
}

export async function runbooksWithSchedules(): Promise<ScheduledRunbooks> {
  const root = await mkdtemp(join(tmpdir(), 'drbot-schedules-'));
  const dir = join(root, 'runbooks');
  // app-tier, db-tier and the sim world only: the tests count and name these runbooks
  await cp(SOURCE, dir, {
    recursive: true,
    filter: (src) => !/\.ya?ml$/.test(src) || /(app-tier|db-tier|[/\\]sim[/\\].*)\.yaml$/.test(src),
  });
  const channel = 'C0SCHED';
  const cron = '0 9 * * MON';
  await reschedule(
    join(dir, 'app-tier.yaml'),
    `{ mode: drill, cron: "${cron}", timezone: UTC, channel: ${channel}, auto: true }`,
  );
  await reschedule(
    join(dir, 'db-tier.yaml'),
    `{ mode: drill, cron: "${cron}", timezone: UTC, channel: ${channel}, auto: false }`,
  );
  return { dir, channel, remove: () => rm(root, { recursive: true, force: true }) };
}

async function reschedule(file: string, entry: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const next = text.replace(/^( {2}schedule:\n {4}- )\{[^\n]*\}$/m, `$1${entry}`);
  if (next === text) throw new Error(`no schedule entry to replace in ${file}`);
  await writeFile(file, next);
}
