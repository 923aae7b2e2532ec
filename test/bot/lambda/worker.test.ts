import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerHandler, groupByRun, KICK_RETRY_SECONDS } from '../../../bot/lambda/worker.js';
import type { AwsRuntime } from '../../../bot/runtime/aws.js';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { encodeRunMessage } from '../../../engine/adapters/sqs/driver.js';
import { createEngine } from '../../../engine/executor/index.js';
import { useDynalite } from '../../helpers/dynalite.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { type FakeSqs, fakeSqs, lambdaContext, sqsBatch, sqsEvent, testRuntime } from './support.js';

const runbook = makeRunbook({
  steps: [{ id: 'pause', action: 'wait', with: { duration: '2m' }, rto: 'end' }],
});
const long = makeRunbook({
  name: 'slow-tier',
  steps: [{ id: 'pause', action: 'wait', with: { duration: '40m' } }],
});
const committing = makeRunbook({
  name: 'commit-tier',
  modes: { failover: { steps: [{ id: 'pause', action: 'wait', with: { duration: '1m' } }] } },
  access: { failover: { users: ['*'] } },
  commit: { timeout: '20m', onTimeout: 'commit' },
});

describe('worker Lambda handler', () => {
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
    clock: FakeClock;
    runId: string;
    handler: ReturnType<typeof createWorkerHandler>;
    start: (rb?: typeof runbook) => Promise<string>;
  }> {
    tables += 1;
    const sqs = fakeSqs();
    const clock = new FakeClock();
    const runtime = await testRuntime({
      dynamo: db.dynamo,
      table: `worker-${tables}`,
      slackApiUrl: slack.apiUrl,
      runbooks: [runbook, long, committing],
      sqs,
      clock,
      withHandlers: true,
    });
    const start = async (rb = runbook) =>
      (
        await runtime.engine.startRun({
          runbook: rb,
          mode: 'drill',
          initiator: 'U1',
          meta: { channel: 'C0DRILLS' },
        })
      ).id;
    return {
      sqs,
      runtime,
      clock,
      runId: await start(),
      handler: createWorkerHandler(() => Promise.resolve(runtime)),
      start,
    };
  }

  const kick = (runId: string, id = 'msg-1') => sqsEvent(encodeRunMessage({ runId, kind: 'kick' }), id);
  const wake = (runId: string, id = 'msg-w') => sqsEvent(encodeRunMessage({ runId, kind: 'wake' }), id);

  it('advances the run and re-enqueues it with DelaySeconds for its next wake-up', async () => {
    const { sqs, runtime, runId, handler } = await setup();
    const out = await handler(kick(runId), lambdaContext);
    expect(out.batchItemFailures).toEqual([]);
    expect((await runtime.store.getRun(runId))?.steps.pause?.status).toBe('running');
    expect(sqs.messages()).toEqual([{ body: { v: 1, runId, kind: 'wake' }, delay: 120 }]);
  });

  it('caps the delay at 900 s and keeps hopping until the wait is over', async () => {
    const { sqs, clock, handler, start } = await setup();
    const runId = await start(long);
    await handler(kick(runId), lambdaContext);
    expect(sqs.messages().at(-1)?.delay).toBe(900);
    clock.advance(900_000);
    await handler(wake(runId), lambdaContext);
    expect(sqs.messages().at(-1)?.delay).toBe(900);
    clock.advance(900_000);
    await handler(wake(runId), lambdaContext);
    expect(sqs.messages().at(-1)?.delay).toBe(600);
  });

  it('finishes the drill on the wake-up and stops re-enqueueing, posting the scorecard in the thread', async () => {
    const { sqs, runtime, clock, runId, handler } = await setup();
    await handler(kick(runId), lambdaContext);
    clock.advance(120_000);
    await handler(wake(runId), lambdaContext);
    const run = await runtime.store.getRun(runId);
    expect(run?.status).toBe('succeeded');
    expect(run?.measures.rtoMs).toBe(120_000);
    expect(sqs.messages()).toHaveLength(1);
    const parent = await runtime.store.getDoc<{ ts: string }>('slack-message', runId);
    const scorecard = slack
      .callsOf('chat.postMessage')
      .find((c) => String(c.body.text).includes('Drill scorecard'));
    expect(scorecard?.body.thread_ts).toBe(parent?.ts);
    expect(String(scorecard?.body.text)).toContain('RTO 2m (objective 15m) ✅ pass');
  });

  it('keeps an ended failover queued until its commit timeout, then drbot commits it and the chain stops', async () => {
    const { sqs, runtime, clock, handler } = await setup();
    const runId = (
      await runtime.engine.startRun({
        runbook: committing,
        mode: 'failover',
        initiator: 'U1',
        meta: { channel: 'C0DRILLS' },
      })
    ).id;
    await handler(kick(runId), lambdaContext);
    clock.advance(60_000);
    await handler(wake(runId), lambdaContext);
    expect((await runtime.store.getRun(runId))?.status).toBe('succeeded');
    // the run ended, but its commit deadline (20m) is a wake-up: a 900 s hop, then the rest
    expect(sqs.messages().at(-1)).toEqual({ body: { v: 1, runId, kind: 'wake' }, delay: 900 });
    clock.advance(900_000);
    await handler(wake(runId), lambdaContext);
    expect(sqs.messages().at(-1)?.delay).toBe(300);
    expect((await runtime.engine.getTier(committing)).pendingCommit?.runId).toBe(runId);
    clock.advance(300_000);
    const sent = sqs.messages().length;
    await handler(wake(runId), lambdaContext);
    expect(sqs.messages()).toHaveLength(sent);
    expect((await runtime.engine.getTier(committing)).committed).toMatchObject({
      runId,
      by: 'drbot',
      auto: true,
    });
  });

  it('does nothing while another worker holds the lease, and retries a kick shortly after', async () => {
    const { sqs, runtime, clock, runId, handler } = await setup();
    expect(await runtime.store.acquireLease(runId, 'other-worker', clock.now(), 60_000)).toBe(true);
    await handler(kick(runId), lambdaContext);
    expect((await runtime.store.getRun(runId))?.steps.pause?.status).toBe('pending');
    expect(sqs.messages()).toEqual([
      { body: { v: 1, runId, kind: 'kick', retry: 1 }, delay: KICK_RETRY_SECONDS },
    ]);
    await handler(wake(runId), lambdaContext);
    expect(sqs.messages()).toHaveLength(1); // a timer is dropped: the lease holder schedules the next one
  });

  it('does not advance twice when SQS delivers the same message to two containers at once', async () => {
    const { runtime, runId, handler, sqs, clock } = await setup();
    // A second container: its own engine (its own lease owner id) on the same table and queue.
    const other = await testRuntime({
      dynamo: db.dynamo,
      table: `worker-${tables}`,
      slackApiUrl: slack.apiUrl,
      runbooks: [runbook],
      sqs,
      clock,
      withHandlers: true,
    });
    const otherHandler = createWorkerHandler(() => Promise.resolve(other));
    const event = kick(runId, 'dup');
    const results = await Promise.all([handler(event, lambdaContext), otherHandler(event, lambdaContext)]);
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    const audit = await runtime.store.listAudit(runId);
    expect(audit.filter((e) => e.kind === 'step.started' && e.stepKey === 'pause')).toHaveLength(1);
    expect((await runtime.store.getRun(runId))?.steps.pause?.attempt).toBe(1);
  });

  it('drops unreadable messages and messages for unknown runs instead of retrying them', async () => {
    const { sqs, handler } = await setup();
    const garbage = await handler(sqsEvent('not json', 'g'), lambdaContext);
    const unknown = await handler(kick('01UNKNOWNRUN', 'u'), lambdaContext);
    expect(garbage.batchItemFailures).toEqual([]);
    expect(unknown.batchItemFailures).toEqual([]);
    expect(sqs.sent).toHaveLength(0);
  });

  it('reports a failed advance as a batch item failure so SQS retries only that message', async () => {
    const { runtime, runId } = await setup();
    const broken = createWorkerHandler(() =>
      Promise.resolve({
        ...runtime,
        engine: { ...runtime.engine, advance: () => Promise.reject(new Error('throttled')) },
      }),
    );
    const out = await broken(kick(runId, 'boom'), lambdaContext);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'boom' }]);
  });

  it('advances each run of a batch once, however many of its wake-ups the batch holds', async () => {
    const { runtime, runId, start } = await setup();
    const other = await start();
    const advanced: { runId: string; wake?: string }[] = [];
    const counting = createWorkerHandler(() =>
      Promise.resolve({
        ...runtime,
        engine: {
          ...runtime.engine,
          advance: (id: string, options?: { wake?: string }) => {
            advanced.push({ runId: id, ...(options?.wake ? { wake: options.wake } : {}) });
            return runtime.engine.advance(id, options);
          },
        },
      }),
    );
    const body = (id: string, extra: Record<string, unknown> = {}) =>
      encodeRunMessage({ runId: id, kind: 'wake', ...extra });
    const out = await counting(
      sqsBatch([
        { body: body(runId), messageId: 'a1' },
        { body: body(other), messageId: 'b1' },
        { body: body(runId, { kind: 'kick', wake: 'ec2:running i-1' }), messageId: 'a2' },
        { body: body(other), messageId: 'b2' },
        { body: body(runId), messageId: 'a3' },
      ]),
      lambdaContext,
    );
    expect(out.batchItemFailures).toEqual([]);
    expect(advanced.map((a) => a.runId).sort()).toEqual([runId, other].sort());
    // the cloud event's reason rides on the one advance of its run
    expect(advanced.find((a) => a.runId === runId)?.wake).toBe('ec2:running i-1');
    for (const id of [runId, other]) {
      expect((await runtime.store.getRun(id))?.steps.pause?.status).toBe('running');
    }
  });

  it("merges one run's messages: a kick wins over timers, the freshest kick's retry count, the first wake reason", () => {
    const record = (messageId: string, message: Record<string, unknown>) => ({
      messageId,
      body: encodeRunMessage({ runId: 'r1', kind: 'wake', ...message }),
    });
    const groups = groupByRun([
      record('1', { kind: 'wake' }),
      record('2', { kind: 'kick', retry: 2 }),
      record('3', { kind: 'kick', wake: 'ec2:running i-1' }),
      record('4', { kind: 'wake', wake: 'ami:available ami-1' }),
      { messageId: '5', body: encodeRunMessage({ runId: 'r2', kind: 'wake' }) },
    ]);
    expect(groups).toEqual([
      {
        message: { v: 1, runId: 'r1', kind: 'kick', wake: 'ec2:running i-1' },
        messageIds: ['1', '2', '3', '4'],
      },
      { message: { v: 1, runId: 'r2', kind: 'wake' }, messageIds: ['5'] },
    ]);
    // timers alone stay a timer (dropped when the lease is taken)
    expect(groupByRun([record('a', {}), record('b', {})])[0]?.message.kind).toBe('wake');
  });

  it("reports every message of a run whose advance failed, and only that run's", async () => {
    const { runtime, runId, start } = await setup();
    const other = await start();
    const failing = createWorkerHandler(() =>
      Promise.resolve({
        ...runtime,
        engine: {
          ...runtime.engine,
          advance: (id: string, options?: { wake?: string }) =>
            id === runId ? Promise.reject(new Error('throttled')) : runtime.engine.advance(id, options),
        },
      }),
    );
    const out = await failing(
      sqsBatch([
        { body: encodeRunMessage({ runId, kind: 'wake' }), messageId: 'a1' },
        { body: encodeRunMessage({ runId: other, kind: 'kick' }), messageId: 'b1' },
        { body: encodeRunMessage({ runId, kind: 'kick' }), messageId: 'a2' },
        { body: 'not json', messageId: 'garbage' },
        { body: encodeRunMessage({ runId: other, kind: 'wake' }), messageId: 'b2' },
      ]),
      lambdaContext,
    );
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['a1', 'a2']);
    expect((await runtime.store.getRun(other))?.steps.pause?.status).toBe('running');
  });

  it('never acts for an Alibaba runbook: start refused, a stored run left untouched (PROVIDER_NOT_CONFIGURED)', async () => {
    const { runtime, handler } = await setup();
    const ecs = makeRunbook({
      name: 'ecs-tier',
      provider: 'alibaba',
      steps: [{ id: 'pause', action: 'wait', with: { duration: '2m' } }],
    });
    await expect(
      runtime.engine.startRun({ runbook: ecs, mode: 'drill', initiator: 'U1' }),
    ).rejects.toMatchObject({
      code: 'PROVIDER_NOT_CONFIGURED',
    });
    // a run recorded without a provider (before runs carried one) reaches the worker anyway
    const legacy = createEngine({
      store: runtime.store,
      clock: runtime.services.clock,
      random: new SeededRandom(11),
      notifier: { publish: async () => undefined },
      directory: { membersOf: async () => [] },
      actions: { get: () => undefined } as never,
    });
    const run = await legacy.startRun({ runbook: ecs, mode: 'drill', initiator: 'U1' });
    const out = await handler(kick(run.id, 'ali'), lambdaContext);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'ali' }]);
    expect((await runtime.store.getRun(run.id))?.steps.pause?.status).toBe('pending');
  });
});
