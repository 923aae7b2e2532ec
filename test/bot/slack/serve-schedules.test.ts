import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalSchedule } from '../../../bot/scorecard/local-schedules.js';
import { START_DRILL_ACTION } from '../../../bot/scorecard/weekly.js';
import { runbooksWithSchedules, type ScheduledRunbooks } from '../support/schedule-runbooks.js';
import { blocksOf, ended, type Harness, startHarness, textOf } from '../support/served.js';

let h: Harness;
let runbooks: ScheduledRunbooks;
let schedules: LocalSchedule[] = [];

beforeAll(async () => {
  runbooks = await runbooksWithSchedules();
  h = await startHarness({
    runbookDir: runbooks.dir,
    onSchedules: (started) => {
      schedules = started;
    },
  });
});

afterAll(async () => {
  await h?.close();
  await runbooks?.remove();
});

async function waitFor<T>(
  find: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error('not found in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const posts = () => h.slack.callsOf('chat.postMessage');

describe("drbot serve runs the runbooks' schedules in-process", () => {
  it('announces and starts the scheduled drill when its cron fires, then posts its scorecard', {
    timeout: 60_000,
  }, async () => {
    expect(schedules.map((s) => [s.entry.runbook, s.entry.auto, s.nextRun()?.getUTCDay()])).toEqual([
      ['app-tier', true, 1],
      ['db-tier', false, 1],
    ]);
    // Mondays 09:00 are far away: fire the entry the way its croner job does.
    void schedules[0]?.trigger();
    const announced = await waitFor(() =>
      posts().find((c) => String(c.body.text).startsWith('Weekly drill for app-tier is starting')),
    );
    expect(announced.body.channel).toBe(runbooks.channel);
    expect(textOf(announced.body.blocks)).toContain('no successful drill on record');

    const summary = await waitFor(async () =>
      (await h.served.runtime.store.listRuns({ runbook: 'app-tier' })).find((r) => r.initiator === 'drbot'),
    );
    const run = await h.waitForRun(summary.id, ended, 40_000);
    expect(run.status).toBe('succeeded');
    expect(run.meta).toMatchObject({ channel: runbooks.channel, scheduled: 'true' });

    // The same status message and thread as a manual run, and the scorecard at the end.
    const parent = await h.served.runtime.store.getDoc<{ channel: string; ts: string }>(
      'slack-message',
      run.id,
    );
    expect(parent?.channel).toBe(runbooks.channel);
    const scorecard = await waitFor(() =>
      posts().find(
        (c) => c.body.thread_ts === parent?.ts && String(c.body.text).includes('Drill scorecard: app-tier'),
      ),
    );
    expect(textOf(scorecard.body.blocks)).toMatch(/RTO .* ✅ pass/);
    expect(textOf(scorecard.body.blocks)).toContain('Last successful drill: today');
  });

  it('offers a Start drill button for an auto: false schedule, and a click starts it as the clicker', {
    timeout: 30_000,
  }, async () => {
    await schedules[1]?.trigger();
    const offer = await waitFor(() =>
      posts().find((c) => String(c.body.text).startsWith('Weekly drill for db-tier is due')),
    );
    const button = blocksOf(offer.body)
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .find((e) => e.type === 'button' && e.action_id === START_DRILL_ACTION);
    expect(button?.type === 'button' && button.value).toBeTruthy();
    const value = button?.type === 'button' ? (button.value ?? '') : '';
    expect(await h.served.runtime.store.listRuns({ runbook: 'db-tier' })).toEqual([]);

    const click = await h.click(START_DRILL_ACTION, value, 'bob');
    expect(click.status).toBe(200);
    const started = await waitFor(
      async () => (await h.served.runtime.store.listRuns({ runbook: 'db-tier' }))[0],
    );
    expect(started).toMatchObject({ mode: 'drill', initiator: 'bob' });
    const replaced = await waitFor(() => h.responsesTo('bob').at(-1));
    expect(String(replaced.text)).toContain(`started by <@bob> (run ${started.id})`);
  });
});
