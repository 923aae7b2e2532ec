import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSchedule } from '../../../bot/scorecard/local-schedules.js';
import { runShell } from '../../../bot/shell/run-shell.js';
import { runbooksWithSchedules, type ScheduledRunbooks } from '../support/schedule-runbooks.js';

let runbooks: ScheduledRunbooks;

beforeAll(async () => {
  runbooks = await runbooksWithSchedules();
});

afterAll(async () => {
  await runbooks?.remove();
});

/** A shell on piped input whose output is collected, with its schedules handed to the test. */
function startShell() {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => {
    text += d.toString();
  });
  let schedules: LocalSchedule[] = [];
  const exit = runShell({
    input,
    output,
    inMemory: true,
    runbooksDir: runbooks.dir,
    latencyScale: 0.005,
    live: false,
    env: {},
    onSchedules: (started) => {
      schedules = started;
    },
  });
  return {
    input,
    exit,
    out: () => text,
    schedules: () => schedules,
    async waitFor(needle: string, timeoutMs = 20_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (!text.includes(needle)) {
        if (Date.now() > until) throw new Error(`"${needle}" not printed; got:\n${text}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

describe('drbot shell runs the runbooks schedules in-process', () => {
  it('starts the scheduled drill when its cron fires and prints the scorecard at its end', {
    timeout: 60_000,
  }, async () => {
    const shell = startShell();
    await shell.waitFor('⏰ scheduled: drill of app-tier at "0 9 * * MON" (UTC), next ');
    expect(shell.out()).toContain('⏰ scheduled: drill of db-tier');
    shell.input.write('list\n');
    await shell.waitFor('⚠ no successful drill on record: stale (run drill app-tier)');

    // Mondays 09:00 are far away: fire the entries the way their croner jobs do.
    const [appTier, dbTier] = shell.schedules();
    await dbTier?.trigger();
    expect(shell.out()).toContain('📣 #C0SCHED: Weekly drill for db-tier is due');
    expect(shell.out()).toContain('to start it, type: drill db-tier');
    await appTier?.trigger();
    expect(shell.out()).toContain('📣 #C0SCHED: Weekly drill for app-tier is starting.');
    expect(shell.out()).toMatch(/started the drill of app-tier as run [0-9A-Z]+ \(initiator drbot\)/);

    shell.input.end(); // the shell waits for the drill to finish, then exits
    expect(await shell.exit).toBe(0);
    const out = shell.out();
    expect(out).toContain('Run succeeded');
    const card = out.slice(out.indexOf('📊 Scorecard for app-tier drill'));
    expect(card).toMatch(/^📊 Scorecard for app-tier drill [0-9A-Z]+: succeeded/);
    expect(card).toMatch(/📊 RTO \S+ \(objective 15m\) ✅ pass/);
    expect(card).toContain('📊 Last successful drill: today');
    // Only drills started for db-tier by a person would run: the button was only offered.
    expect(out).not.toMatch(/started the drill of db-tier/);
  });

  it('answers doctor with the findings and their remedies, starting nothing', {
    timeout: 30_000,
  }, async () => {
    const shell = startShell();
    shell.input.end('doctor db-tier\nruns\n');
    expect(await shell.exit).toBe(0);
    const out = shell.out();
    expect(out).toMatch(/✗ db-tier: \d+ blocker\(s\)/);
    expect(out).toContain('✗ [NO_INSTANCE_PROFILE] i-0d22net00000005');
    expect(out).toContain('remedy: Attach an instance profile');
    expect(out).toContain('(a check only: nothing was started)');
    expect(out).toContain('No runs yet.');
  });
});
