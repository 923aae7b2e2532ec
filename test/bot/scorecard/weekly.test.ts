import { describe, expect, it } from 'vitest';
import { startLocalSchedules } from '../../../bot/scorecard/local-schedules.js';
import {
  type ChannelMessage,
  type DrillStartRequest,
  type DueSchedule,
  decodeStartValue,
  runScheduledDrill,
  START_DRILL_ACTION,
} from '../../../bot/scorecard/weekly.js';
import type { BotServices } from '../../../bot/services.js';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import { NotAllowedError } from '../../../engine/errors.js';
import type { Run } from '../../../engine/run.js';
import type { Runbook } from '../../../engine/runbook/types.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { DAY, drill } from './fixtures.js';

function withSchedule(runbook: Runbook, schedule: Runbook['spec']['schedule']): Runbook {
  return { ...runbook, spec: { ...runbook.spec, schedule } };
}

const app = withSchedule(makeRunbook({ steps: [{ id: 'p', action: 'wait', with: { duration: '1m' } }] }), [
  { mode: 'drill', cron: '0 9 * * MON', timezone: 'Europe/London', channel: 'C0DRILLS', auto: true },
]);

function harness(options: { startFails?: boolean } = {}) {
  const store = new MemoryRunStore();
  const clock = new FakeClock();
  const posts: ChannelMessage[] = [];
  const starts: DrillStartRequest[] = [];
  const services = {
    store,
    clock,
    runbooks: () => new Map([[app.metadata.name, app]]),
    log: () => {},
  } as unknown as BotServices;
  const deps = {
    services,
    post: (message: ChannelMessage) => {
      posts.push(message);
      return Promise.resolve({ ts: `1700000000.00000${posts.length}` });
    },
    start: (request: DrillStartRequest) => {
      starts.push(request);
      if (options.startFails) {
        return Promise.reject(
          new NotAllowedError('drbot may not start a drill of app-tier.', {
            code: 'START_NOT_ALLOWED',
            explanation: 'The runbook allows drills only for U1.',
            action: 'Add drbot to spec.access.drill.users, or set auto: false.',
          }),
        );
      }
      return Promise.resolve({ id: 'run-1' } as Run);
    },
  };
  return { store, clock, posts, starts, deps };
}

const due: DueSchedule = { runbook: 'app-tier', mode: 'drill', channel: 'C0DRILLS', auto: true, index: 0 };

describe('runScheduledDrill', () => {
  it('posts "Weekly drill for app-tier is starting" and starts the drill as drbot, under the announcement', async () => {
    const { posts, starts, deps } = harness();
    const outcome = await runScheduledDrill(deps, due);
    expect(outcome.kind).toBe('started');
    expect(posts[0]?.text).toMatch(/^Weekly drill for app-tier is starting\./);
    expect(starts).toEqual([
      {
        runbook: app,
        mode: 'drill',
        channel: 'C0DRILLS',
        initiator: 'drbot',
        announcementTs: '1700000000.000001',
      },
    ]);
  });

  it('flags a stale runbook in the announcement and not a fresh one', async () => {
    const stale = harness();
    await stale.store.createRun(drill({ id: 'old', at: stale.clock.now() - 30 * DAY }));
    await runScheduledDrill(stale.deps, due);
    expect(stale.posts[0]?.text).toContain(
      '⚠️ app-tier: last successful drill 29 days ago: stale (over 14 days)',
    );

    const fresh = harness();
    await fresh.store.createRun(drill({ id: 'recent', at: fresh.clock.now() - 7 * DAY }));
    await runScheduledDrill(fresh.deps, due);
    expect(fresh.posts[0]?.text).toContain('app-tier: last successful drill 6 days ago');
    expect(fresh.posts[0]?.text).not.toContain('stale');
  });

  it('offers a Start drill button instead of starting when auto is false', async () => {
    const { posts, starts, deps } = harness();
    const outcome = await runScheduledDrill(deps, { ...due, auto: false });
    expect(outcome.kind).toBe('offered');
    expect(starts).toEqual([]);
    const blocks = JSON.stringify(posts[0]?.blocks);
    expect(blocks).toContain(START_DRILL_ACTION);
    expect(blocks).toContain('Start drill');
    const actions = posts[0]?.blocks?.at(-1) as { elements: { value: string }[] } | undefined;
    const button = actions?.elements[0];
    expect(decodeStartValue(button?.value)).toEqual({ runbook: 'app-tier', mode: 'drill' });
  });

  it('tells the channel what to do when the drill cannot start', async () => {
    const { posts, deps } = harness({ startFails: true });
    const outcome = await runScheduledDrill(deps, due);
    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'START_NOT_ALLOWED' } });
    expect(posts.at(-1)?.text).toContain('Add drbot to spec.access.drill.users, or set auto: false.');
  });

  it('explains a schedule that names a runbook no longer loaded', async () => {
    const { posts, deps } = harness();
    const outcome = await runScheduledDrill(deps, { ...due, runbook: 'gone-tier' });
    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'SCHEDULED_RUNBOOK_MISSING' } });
    expect(posts).toHaveLength(1);
  });
});

describe('startLocalSchedules', () => {
  it('schedules each runbook entry with croner in its timezone and fires it through the same path', async () => {
    const { deps } = harness();
    const fired: DueSchedule[] = [];
    let started: { nextRun(): Date | undefined; trigger(): Promise<void> }[] = [];
    const stop = startLocalSchedules(deps.services, [app], {
      onDue: (entry) => {
        fired.push(entry);
        return Promise.resolve();
      },
      onStarted: (schedules) => {
        started = schedules;
      },
    });
    try {
      expect(started).toHaveLength(1);
      const next = started[0]?.nextRun();
      expect(next?.getUTCDay()).toBe(1); // a Monday
      // 09:00 in London is 09:00 UTC in winter and 08:00 UTC in summer.
      expect([8, 9]).toContain(next?.getUTCHours());
      expect(next?.getUTCMinutes()).toBe(0);
      await started[0]?.trigger();
      expect(fired).toEqual([
        expect.objectContaining({ runbook: 'app-tier', channel: 'C0DRILLS', auto: true }),
      ]);
    } finally {
      stop();
    }
    expect(started[0]?.nextRun()).toBeUndefined();
  });
});
