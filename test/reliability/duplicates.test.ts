/**
 * Duplicate deliveries. SQS delivers a message at least once, to two containers at a time: each
 * must advance the run once. Two failovers of one runbook at once: one runs, the other is refused
 * with the lock holder's run id. The same slash command delivered twice (a Slack retry repeats
 * its trigger_id): one run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock, SeededRandom } from '../../engine/adapters/memory/clock.js';
import { LocalDriver } from '../../engine/driver/local-driver.js';
import { DrbotError } from '../../engine/errors.js';
import { createEngine } from '../../engine/executor/index.js';
import type { RunStore } from '../../engine/ports.js';
import { CHANNEL, type Harness, SECRET, startHarness } from '../bot/support/served.js';
import { blockActionBody, postSigned, slashCommandBody } from '../bot/support/signed.js';
import { createTestActions, type TestActions } from '../helpers/actions.js';
import { useDynalite } from '../helpers/dynalite.js';
import { makeRunbook } from '../helpers/runbook.js';

const dynalite = useDynalite();

function workers(store: RunStore, actions: TestActions, clock = new FakeClock()) {
  const make = (owner: string) =>
    createEngine({
      store,
      clock,
      random: new SeededRandom(owner === 'container-a' ? 1 : 2),
      notifier: { publish: async () => undefined },
      directory: { membersOf: async () => [] },
      actions: actions.registry,
      owner,
    });
  return { clock, a: make('container-a'), b: make('container-b') };
}

describe('duplicate SQS deliveries (two containers, DynamoDB store)', () => {
  const runbook = makeRunbook({
    name: 'dup-tier',
    steps: [
      { id: 'launch', action: 'test.effect' },
      { id: 'wait', action: 'test.slow', needs: ['launch'], with: { polls: 2, pollMs: 5_000 } },
      { id: 'switch', action: 'test.effect', needs: ['wait'] },
    ],
  });

  it('advances once when the same message reaches two workers at the same moment, at every wake-up', async () => {
    const store = dynalite.newStore();
    const actions = createTestActions();
    const { clock, a, b } = workers(store, actions);
    const run = await a.startRun({ runbook, mode: 'drill', initiator: 'alice' });
    for (let wake = 0; wake < 10; wake++) {
      const [first, second] = await Promise.all([a.advance(run.id), b.advance(run.id)]);
      const advanced = [first, second].filter((r) => r.advanced);
      // Both may get a turn one after the other, but never two at once on one lease.
      expect(advanced.length).toBeGreaterThanOrEqual(1);
      const latest = advanced.at(-1)!;
      if (latest.status === 'succeeded') break;
      if (latest.wakeAt) clock.advanceTo(latest.wakeAt);
    }
    expect((await a.getRun(run.id)).status).toBe('succeeded');
    // Each side effect happened once, whatever the duplicates.
    expect([...actions.effects.values()]).toEqual([1, 1]);
    const starts = actions.calls.filter((c) => c.kind === 'start').map((c) => c.stepKey);
    expect(starts.sort()).toEqual(['launch', 'switch', 'wait']);
  });

  it('a redelivered message after the work is done changes nothing: no calls, no events', async () => {
    const store = dynalite.newStore();
    const actions = createTestActions();
    const { clock, a, b } = workers(store, actions);
    const run = await a.startRun({ runbook, mode: 'drill', initiator: 'alice' });
    const done = await new LocalDriver({ engine: a, clock }).runToCompletion(run.id);
    expect(done.status).toBe('succeeded');
    const calls = actions.calls.length;
    const events = (await store.listAudit(run.id)).length;
    const again = await b.advance(run.id);
    expect(again.status).toBe('succeeded');
    expect(actions.calls).toHaveLength(calls);
    expect(await store.listAudit(run.id)).toHaveLength(events);
    expect((await store.getRun(run.id))?.version).toBe(done.version);
  });
});

describe('two failovers of one runbook at once (DynamoDB store)', () => {
  const runbook = makeRunbook({
    name: 'lock-tier',
    modes: { failover: { steps: [{ id: 'launch', action: 'test.ok' }] } },
    access: { failover: { users: ['*'] } },
  });

  it('starts one and refuses the other by the tier claim, naming the holder run', async () => {
    const store = dynalite.newStore();
    const { a, b } = workers(store, createTestActions());
    const results = await Promise.allSettled([
      a.startRun({ runbook, mode: 'failover', initiator: 'alice' }),
      b.startRun({ runbook, mode: 'failover', initiator: 'bob' }),
    ]);
    const started = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const holder = (started[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    const error = (refused[0] as PromiseRejectedResult).reason as DrbotError;
    expect(error).toBeInstanceOf(DrbotError);
    expect(error.code).toBe('TIER_TRANSITION_IN_FLIGHT');
    expect(`${error.message} ${error.action}`).toContain(holder);
    expect(await store.listRuns({ runbook: 'lock-tier' })).toHaveLength(1);
    expect((await store.getTier('lock-tier'))?.inFlight?.runId).toBe(holder);
  });
});

describe('duplicate slash commands (signed HTTP into drbot serve)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const runsOf = async (runbook: string) => h.served.runtime.store.listRuns({ runbook, limit: 100 });

  it('two failovers typed at once by two people: one runs, the other is told who holds the lock', async () => {
    const [one, two] = await Promise.all([
      h.slash('failover app-tier', 'alice'),
      h.slash('failover app-tier', 'bob'),
    ]);
    expect(one.status).toBe(200);
    expect(two.status).toBe(200);
    const runs = await runsOf('app-tier');
    expect(runs.filter((r) => r.mode === 'failover')).toHaveLength(1);
    const holder = runs.find((r) => r.mode === 'failover')!.id;
    const refusal = [one, two].find((ack) => !ack.text.includes('Started'))?.text ?? '';
    expect(refusal).toContain(holder);
  });

  it('the same slash command delivered twice (a retry repeats the trigger_id) starts one run', async () => {
    const body = slashCommandBody({
      text: 'drill db-tier',
      user: 'alice',
      channel: CHANNEL,
      responseUrl: h.slack.responseUrl('dup-alice'),
      triggerId: 'retry-trigger-1',
    });
    const first = await postSigned(h.url, body, { secret: SECRET });
    const retry = await postSigned(h.url, body, { secret: SECRET, headers: { 'x-slack-retry-num': '1' } });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.text).toContain('already received');
    expect((await runsOf('db-tier')).filter((r) => r.mode === 'drill')).toHaveLength(1);
    // A new invocation of the same text is a new command.
    const again = await h.slash('drill db-tier', 'alice');
    expect(again.status).toBe(200);
    expect((await runsOf('db-tier')).filter((r) => r.mode === 'drill')).toHaveLength(2);
  });

  it('answers a click without a response_url (modal, App Home) with an ephemeral message', async () => {
    const before = h.slack.callsOf('chat.postEphemeral').length;
    const click = await postSigned(
      h.url,
      blockActionBody({ actionId: 'drbot_approve', value: 'not-a-run-value', user: 'bob', channel: CHANNEL }),
      { secret: SECRET },
    );
    expect(click.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    const ephemerals = h.slack.callsOf('chat.postEphemeral').slice(before);
    expect(ephemerals.map((c) => c.body.user)).toContain('bob');
  });

  it('acknowledges an action it does not know without touching any run', async () => {
    const runsBefore = await h.served.runtime.store.listRuns({ limit: 100 });
    const click = await postSigned(
      h.url,
      blockActionBody({
        actionId: 'someone_elses_button',
        value: 'x',
        user: 'bob',
        responseUrl: h.slack.responseUrl('u'),
      }),
      { secret: SECRET },
    );
    expect(click.status).toBe(200);
    expect(await h.served.runtime.store.listRuns({ limit: 100 })).toEqual(runsBefore);
  });
});
