import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchedulerHandler, parseScheduleEvent } from '../../../bot/lambda/scheduler.js';
import type { AwsRuntime } from '../../../bot/runtime/aws.js';
import { START_DRILL_ACTION } from '../../../bot/scorecard/weekly.js';
import { useDynalite } from '../../helpers/dynalite.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { type FakeSqs, fakeSqs, lambdaContext, testRuntime } from './support.js';

const runbook = makeRunbook({
  steps: [{ id: 'pause', action: 'wait', with: { duration: '2m' }, rto: 'end' }],
});
const restricted = makeRunbook({
  name: 'locked-tier',
  steps: [{ id: 'pause', action: 'wait', with: { duration: '2m' } }],
  access: { drill: { users: ['U1'] } },
});

/** The Input serverless/schedules.cjs generates for `{ mode: drill, cron: "0 9 * * MON", … }`. */
function schedulerEvent(overrides: Record<string, unknown> = {}) {
  return {
    source: 'drbot.schedule',
    runbook: 'app-tier',
    index: 0,
    mode: 'drill',
    cron: '0 9 * * MON',
    timezone: 'Europe/London',
    channel: 'C0WEEKLY',
    auto: true,
    ...overrides,
  };
}

describe('scheduler Lambda handler', () => {
  const db = useDynalite();
  let slack: FakeSlack;
  let tables = 0;

  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });

  async function setup(): Promise<{
    sqs: FakeSqs;
    runtime: AwsRuntime;
    handler: ReturnType<typeof createSchedulerHandler>;
  }> {
    tables += 1;
    slack.calls.length = 0;
    const sqs = fakeSqs();
    const runtime = await testRuntime({
      dynamo: db.dynamo,
      table: `scheduler-${tables}`,
      slackApiUrl: slack.apiUrl,
      runbooks: [runbook, restricted],
      sqs,
    });
    return { sqs, runtime, handler: createSchedulerHandler(() => Promise.resolve(runtime)) };
  }

  it('announces the weekly drill, then starts it with the status message of a manual run', async () => {
    const { sqs, runtime, handler } = await setup();
    const out = await handler(schedulerEvent(), lambdaContext);
    expect(out.kind).toBe('started');
    const posts = slack.callsOf('chat.postMessage');
    expect(posts[0]?.body).toMatchObject({ channel: 'C0WEEKLY' });
    expect(String(posts[0]?.body.text)).toContain('Weekly drill for app-tier is starting');
    expect(String(posts[0]?.body.text)).toContain('no successful drill on record: stale');
    const run = await runtime.store.getRun(String(out.runId));
    expect(run).toMatchObject({
      initiator: 'drbot',
      mode: 'drill',
      meta: { channel: 'C0WEEKLY', scheduled: 'true' },
    });
    // The parent status message the notifier posts for every run, in the same channel.
    const parent = await runtime.store.getDoc<{ channel: string; ts: string }>(
      'slack-message',
      String(out.runId),
    );
    expect(parent?.channel).toBe('C0WEEKLY');
    expect(posts.filter((p) => p.body.channel === 'C0WEEKLY').length).toBeGreaterThanOrEqual(2);
    expect(sqs.messages()).toEqual([{ body: { v: 1, runId: out.runId, kind: 'kick' }, delay: 0 }]);
  });

  it('offers a "Start drill" button instead of starting when the entry says auto: false', async () => {
    const { sqs, runtime, handler } = await setup();
    const out = await handler(schedulerEvent({ auto: false }), lambdaContext);
    expect(out.kind).toBe('offered');
    const [post] = slack.callsOf('chat.postMessage');
    expect(String(post?.body.text)).toContain('Weekly drill for app-tier is due');
    expect(JSON.stringify(post?.body.blocks)).toContain(START_DRILL_ACTION);
    expect(await runtime.store.listRuns({})).toEqual([]);
    expect(sqs.sent).toHaveLength(0);
  });

  it('tells the channel why when the schedule may not start the drill', async () => {
    const { handler } = await setup();
    const out = await handler(schedulerEvent({ runbook: 'locked-tier' }), lambdaContext);
    expect(out.kind).toBe('failed');
    const texts = slack.callsOf('chat.postMessage').map((c) => String(c.body.text));
    expect(texts.at(-1)).toMatch(/^Scheduled drill of locked-tier could not start/);
  });

  it('refuses an event that did not come from a generated schedule', () => {
    expect(() => parseScheduleEvent({ source: 'aws.events', detail: {} })).toThrow(/does not understand/);
    expect(parseScheduleEvent(schedulerEvent({ auto: undefined }))).toMatchObject({ auto: true, index: 0 });
  });
});
