import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockKitViolations } from '../../../bot/render/blocks.js';
import { ACTION_IDS } from '../../../bot/render/slack-status.js';
import {
  blocksOf,
  CHANNEL,
  ended,
  type Harness,
  runIdOf,
  SECRET,
  startHarness,
  textOf,
} from '../support/served.js';
import { postSigned, type SignedPost, slackSignature, slashCommandBody } from '../support/signed.js';

let h: Harness;
/** The drill is started first and checked last: the sim polls every 5 s, so it runs alongside the rest. */
let drillAck: SignedPost;

beforeAll(async () => {
  // its own runbooks: a manual-step db tier and the app tier, with the shipped sim world
  h = await startHarness({ runbookDir: 'test/fixtures/serve' });
  drillAck = await h.slash('drill app-tier', 'alice');
});

afterAll(async () => {
  await h?.close();
});

/** Every message drbot sent to Slack stays within Block Kit's limits. */
function expectAllWithinLimits(): void {
  for (const call of h.slack.calls) {
    if (!Array.isArray(call.body.blocks)) continue;
    expect(blockKitViolations(blocksOf(call.body)), `${call.method}: ${String(call.body.text)}`).toEqual([]);
  }
}

function parentOf(runId: string) {
  return h.served.runtime.store.getDoc<{ channel: string; ts: string }>('slack-message', runId);
}

async function waitForParent(runId: string): Promise<{ channel: string; ts: string }> {
  for (let i = 0; i < 200; i++) {
    const parent = await parentOf(runId);
    if (parent) return parent;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no status message for ${runId}`);
}

/** Buttons of a run's parent message as first posted (it names the run id). */
function parentButtons(runId: string): { action_id?: string; value?: string }[] {
  const post = h.slack
    .callsOf('chat.postMessage')
    .find((c) => !c.body.thread_ts && JSON.stringify(c.body.blocks).includes(runId));
  return blocksOf(post?.body ?? {}).flatMap((b) =>
    b.type === 'actions' ? (b.elements as { action_id?: string; value?: string }[]) : [],
  );
}

function approvalButtonValue(runId: string): Promise<{ value: string; ts: string }> {
  return buttonValue(runId, 'cutover-approval', 'Approval needed');
}

/** The first button of the thread message for `stepKey`, once posted, and that message's ts. */
async function buttonValue(
  runId: string,
  stepKey: string,
  title: string,
): Promise<{ value: string; ts: string }> {
  const parent = await parentOf(runId);
  for (let i = 0; i < 200; i++) {
    const post = h.slack
      .callsOf('chat.postMessage')
      .find((c) => c.body.thread_ts === parent?.ts && textOf(c.body.blocks).includes(title));
    const ref = await h.served.runtime.store.getDoc<{ ts: string }>('slack-approval', `${runId}/${stepKey}`);
    const actions = blocksOf(post?.body ?? {}).find((b) => b.type === 'actions');
    if (post && ref && actions?.type === 'actions' && actions.elements[0]?.type === 'button') {
      return { value: actions.elements[0].value ?? '', ts: ref.ts };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no "${title}" message was posted for ${stepKey}`);
}

describe('drbot serve (signed Slack requests on loopback)', () => {
  it('refuses a failover to someone the runbook does not allow, and says who may', async () => {
    const before = (await h.served.runtime.store.listRuns({})).length;
    const ack = await h.slash('failover db-tier', 'mallory');
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf((ack.json as { blocks: unknown }).blocks)).toContain('members of <!subteam^S0OPS>');
    expect((await h.served.runtime.store.listRuns({})).length).toBe(before);
  });

  it('counts distinct approvers once, refuses the initiator and non-approvers, opens the gate once', async () => {
    const runId = runIdOf(await h.slash('failover app-tier', 'alice'));
    await h.waitForRun(runId, (r) => r.status === 'waiting');
    const { value, ts } = await approvalButtonValue(runId);

    const gate = () => h.served.runtime.store.getGate(runId, 'cutover-approval');
    const explain = (user: string) => textOf(h.responsesTo(user).at(-1)?.blocks);

    expect((await h.click(ACTION_IDS.approve, value, 'alice')).status).toBe(200);
    await waitUntil(() => h.responsesTo('alice').length === 1);
    expect(explain('alice')).toMatch(/initiat/i);
    expect((await h.click(ACTION_IDS.approve, value, 'mallory')).status).toBe(200);
    await waitUntil(() => h.responsesTo('mallory').length === 1);
    expect((await gate())?.approvals).toEqual([]);

    await h.click(ACTION_IDS.approve, value, 'bob');
    await h.click(ACTION_IDS.approve, value, 'bob');
    await waitUntil(() => h.responsesTo('bob').length === 2);
    expect((await gate())?.approvals.map((a) => a.user)).toEqual(['bob']);
    expect((await h.run(runId)).status).toBe('waiting');

    await h.click(ACTION_IDS.approve, value, 'carol');
    const after = await h.waitForRun(runId, (r) => r.steps['cutover-approval']?.status === 'succeeded');
    expect(after.steps['cutover-approval']?.status).toBe('succeeded');
    expect((await gate())?.decision?.outcome).toBe('approved');
    const granted = (await h.served.runtime.store.listAudit(runId)).filter(
      (e) => e.kind === 'approval.granted',
    );
    expect(granted).toHaveLength(1);

    await waitUntil(() =>
      h.slack
        .callsOf('chat.update')
        .some((c) => c.body.ts === ts && textOf(c.body.blocks).includes('Approved')),
    );
    const decided = h.slack
      .callsOf('chat.update')
      .filter((c) => c.body.ts === ts)
      .at(-1);
    expect(JSON.stringify(decided?.body.blocks)).not.toContain(ACTION_IDS.approve);
    expect(textOf(decided?.body.blocks)).toContain('<@bob> and <@carol>');
    // The engine's audit text says "@bob"; in the thread it is a real mention.
    const parent = await parentOf(runId);
    await waitUntil(() =>
      h.slack
        .callsOf('chat.postMessage')
        .some(
          (c) =>
            c.body.thread_ts === parent?.ts &&
            textOf(c.body.blocks).includes('Gate cutover opened by <@bob> and <@carol>.'),
        ),
    );
    expectAllWithinLimits();
  });

  it('answers /dr doctor at once, then posts the findings with remedies, and starts nothing', async () => {
    const before = (await h.served.runtime.store.listRuns({})).length;
    // db-tier's world has an instance without an instance profile: a blocker whatever ran before.
    const ack = await h.slash('doctor db-tier', 'alice');
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf((ack.json as { blocks: unknown }).blocks)).toContain('Checking whether db-tier is ready');
    const path = '/respond/cmd-alice';
    await waitUntil(() =>
      h.slack
        .callsOf('respond')
        .some((c) => String(c.body.path) === path && textOf(c.body.blocks).includes('Doctor')),
    );
    const report = h.slack
      .callsOf('respond')
      .filter((c) => String(c.body.path) === path)
      .at(-1);
    expect(report?.body.response_type).toBe('ephemeral');
    const shown = textOf(report?.body.blocks);
    expect(shown).toContain('*NO_INSTANCE_PROFILE* · `i-0d22net00000005`');
    expect(shown).toContain(
      '*Remedy:* Attach an instance profile whose role has the AmazonSSMManagedInstanceCore',
    );
    expect(shown).toMatch(/❌ \d+ blockers?[^:]*: a drill or failover of \*db-tier\* would fail/);
    expect(blockKitViolations(blocksOf(report?.body ?? {}))).toEqual([]);
    expect((await h.served.runtime.store.listRuns({})).length).toBe(before);
  });

  it('flags runbooks without a recent successful drill in /dr list', async () => {
    const ack = await h.slash('list', 'alice');
    const shown = textOf((ack.json as { blocks: unknown }).blocks);
    expect(shown).toContain('⚠️ no successful drill on record: stale (run `/dr drill db-tier`)');
  });

  it('confirms a manual step with its Done button, then a reject by an approver fails the failover', async () => {
    const runId = runIdOf(await h.slash('failover db-tier', 'alice'));
    await h.waitForRun(runId, (r) => r.steps.network?.status === 'waiting');
    const manual = await buttonValue(runId, 'network', 'Manual step');
    await h.click(ACTION_IDS.confirm, manual.value, 'alice');
    await h.waitForRun(runId, (r) => r.steps.network?.status === 'succeeded');
    await waitUntil(() =>
      h.slack
        .callsOf('chat.update')
        .some((c) => c.body.ts === manual.ts && textOf(c.body.blocks).includes('confirmed by <@alice>')),
    );
    await h.waitForRun(runId, (r) => r.steps['cutover-approval']?.status === 'waiting');
    const { value } = await approvalButtonValue(runId);
    await h.click(ACTION_IDS.reject, value, 'dave');
    const run = await h.waitForRun(runId, ended);
    expect(run.status).toBe('failed');
    expect((await h.served.runtime.store.getGate(runId, 'cutover-approval'))?.decision).toMatchObject({
      outcome: 'rejected',
      by: 'dave',
    });
    await waitUntil(() => h.responsesTo('dave').length === 1);
    expect(textOf(h.responsesTo('dave')[0]?.blocks)).toMatch(/reject/i);
  });

  it('lets the initiator or an owner abort from the status message, and refuses anyone else', async () => {
    const runId = runIdOf(await h.slash('drill db-tier', 'bob'));
    await waitForParent(runId);
    const abort = parentButtons(runId).find((b) => b.action_id === ACTION_IDS.abort);
    expect(abort?.value).toBeDefined();
    const before = h.responsesTo('mallory').length;
    await h.click(ACTION_IDS.abort, abort?.value ?? '', 'mallory');
    await waitUntil(() => h.responsesTo('mallory').length > before);
    expect(textOf(h.responsesTo('mallory').at(-1)?.blocks)).toMatch(/owner|initiator/i);
    expect((await h.run(runId)).abortRequested).toBeUndefined();
    await h.click(ACTION_IDS.abort, abort?.value ?? '', 'carol');
    const run = await h.waitForRun(runId, ended, 60_000);
    expect(run.status).toBe('aborted');
    expect(run.abortRequested?.by).toBe('carol');
  });

  it('answers 401 to a forged signature or a stale timestamp, and starts nothing', async () => {
    const before = (await h.served.runtime.store.listRuns({})).length;
    // Other runs still post to their threads; a started run would post a new parent message.
    const parents = () => h.slack.callsOf('chat.postMessage').filter((c) => !c.body.thread_ts).length;
    const posts = parents();
    const body = slashCommandBody({
      text: 'drill app-tier',
      user: 'alice',
      responseUrl: h.slack.responseUrl('x'),
    });
    const forged = await postSigned(h.url, body, {
      secret: SECRET,
      signature: slackSignature('wrong-secret', Math.floor(Date.now() / 1000), body),
    });
    expect(forged.status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const old = await postSigned(h.url, body, { secret: SECRET, timestamp: stale });
    expect(old.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect((await h.served.runtime.store.listRuns({})).length).toBe(before);
    expect(parents()).toBe(posts);
  });

  it('answers a malformed command with an ephemeral usage and starts nothing', async () => {
    const before = (await h.served.runtime.store.listRuns({})).length;
    for (const text of ['drill', 'launch app-tier', 'plan app-tier sideways']) {
      const ack = await h.slash(text, 'alice');
      expect(ack.status).toBe(200);
      expect(ack.json).toMatchObject({ response_type: 'ephemeral' });
      const shown = textOf((ack.json as { blocks: unknown }).blocks);
      expect(shown).toContain('Usage');
      expect(shown).toContain('Nothing was started');
    }
    expect((await h.served.runtime.store.listRuns({})).length).toBe(before);
  });

  it('runs a drill end to end: parent posted and updated, steps in the thread, RTO in the summary', {
    timeout: 120_000,
  }, async () => {
    const ack = drillAck;
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ response_type: 'ephemeral' });
    const runId = runIdOf(ack);
    const run = await h.waitForRun(runId, ended, 90_000);
    expect(run.status).toBe('succeeded');
    expect(run.measures.rtoMs).toBeGreaterThan(0);

    const parent = await parentOf(runId);
    expect(parent?.channel).toBe(CHANNEL);
    const parentPosts = h.slack
      .callsOf('chat.postMessage')
      .filter((c) => c.body.ts === undefined && !c.body.thread_ts);
    expect(parentPosts.filter((c) => textOf(c.body.blocks).includes(runId))).toHaveLength(1);
    const updates = h.slack.callsOf('chat.update').filter((c) => c.body.ts === parent?.ts);
    expect(updates.length).toBeGreaterThan(0);
    const last = textOf(updates.at(-1)?.body.blocks);
    expect(last).toContain('Succeeded');
    expect(last).toMatch(/RTO \d+/);
    expect(last).toContain('Cleanup: done');
    expect(JSON.stringify(updates.at(-1)?.body.blocks)).not.toContain(ACTION_IDS.abort);

    const thread = h.slack
      .callsOf('chat.postMessage')
      .filter((c) => c.body.thread_ts === parent?.ts)
      .map((c) => textOf(c.body.blocks))
      .join('\n');
    expect(thread).toContain('Launch isolated TEST copies');
    expect(thread).toContain('succeeded');
    expect(thread).toMatch(/RTO \d+.*objective 15m/);
    // The drill's scorecard follows in the thread (posted when the final event is published).
    const scorecard = h.slack
      .callsOf('chat.postMessage')
      .find(
        (c) => c.body.thread_ts === parent?.ts && String(c.body.text).includes('Drill scorecard: app-tier'),
      );
    expect(textOf(scorecard?.body.blocks)).toMatch(/RTO trend/);
    expectAllWithinLimits();
  });
});

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
