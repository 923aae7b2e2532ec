import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackHandler } from '../../../bot/lambda/slack.js';
import { ACTION_IDS, encodeActionValue } from '../../../bot/render/slack-status.js';
import { START_DRILL_ACTION } from '../../../bot/scorecard/weekly.js';
import { useDynalite } from '../../helpers/dynalite.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { blockActionBody, slashCommandBody } from '../support/signed.js';
import { apiGatewayEvent, fakeSqs, lambdaContext, testRuntime } from './support.js';

const runbook = makeRunbook({
  steps: [{ id: 'pause', action: 'wait', with: { duration: '2m' }, rto: 'end' }],
});
const gated = makeRunbook({
  name: 'gated-tier',
  modes: { failover: { steps: [{ id: 'cutover-approval', action: 'approval', with: { gate: 'cutover' } }] } },
  access: { failover: { users: ['U1'] } },
  approvals: { cutover: { required: 1, approvers: { users: ['U2'] } } },
});

describe('slack Lambda handler', () => {
  const db = useDynalite();
  let slack: FakeSlack;
  let tables = 0;

  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });

  function setup() {
    tables += 1;
    const sqs = fakeSqs();
    const runtime = testRuntime({
      dynamo: db.dynamo,
      table: `slack-${tables}`,
      slackApiUrl: slack.apiUrl,
      runbooks: [runbook, gated],
      sqs,
    });
    return { sqs, runtime, handler: createSlackHandler(() => runtime) };
  }

  it('acks a signed slash command and enqueues the new run for the worker', async () => {
    const { sqs, runtime, handler } = setup();
    const body = slashCommandBody({
      text: 'drill app-tier',
      user: 'U1',
      responseUrl: slack.responseUrl('a'),
    });
    const response = await handler(apiGatewayEvent(body), lambdaContext);
    expect(response.statusCode).toBe(200);
    expect(sqs.messages()).toHaveLength(1);
    const [message] = sqs.messages();
    expect(message?.body).toMatchObject({ v: 1, kind: 'kick' });
    expect(message?.delay).toBe(0);
    const run = await (await runtime).store.getRun(String(message?.body.runId));
    expect(run).toMatchObject({
      initiator: 'U1',
      mode: 'drill',
      status: 'running',
      meta: { channel: 'C0DRILLS' },
    });
  });

  it('enqueues the run when an approval click counts, so the worker opens the gate', async () => {
    const { sqs, runtime, handler } = setup();
    const rt = await runtime;
    const run = await rt.engine.startRun({
      runbook: gated,
      mode: 'failover',
      initiator: 'U1',
      meta: { channel: 'C0DRILLS' },
    });
    await rt.engine.advance(run.id);
    const body = blockActionBody({
      actionId: ACTION_IDS.approve,
      value: encodeActionValue({ runId: run.id, stepKey: 'cutover-approval' }),
      user: 'U2',
      responseUrl: slack.responseUrl('approve'),
    });
    const response = await handler(apiGatewayEvent(body), lambdaContext);
    expect(response.statusCode).toBe(200);
    expect((await rt.store.getGate(run.id, 'cutover-approval'))?.approvals.map((a) => a.user)).toEqual([
      'U2',
    ]);
    expect(sqs.messages()).toEqual([{ body: { v: 1, runId: run.id, kind: 'kick' }, delay: 0 }]);
  });

  it('refuses a request with a bad signature and enqueues nothing', async () => {
    const { sqs, handler } = setup();
    const body = slashCommandBody({
      text: 'drill app-tier',
      user: 'U1',
      responseUrl: slack.responseUrl('b'),
    });
    const response = await handler(apiGatewayEvent(body, { secret: 'not-the-secret' }), lambdaContext);
    expect(response.statusCode).toBe(401);
    expect(sqs.sent).toHaveLength(0);
  });

  it('refuses a correctly signed request dated 6 minutes in the future and enqueues nothing', async () => {
    const { sqs, handler } = setup();
    const body = slashCommandBody({
      text: 'drill app-tier',
      user: 'U1',
      responseUrl: slack.responseUrl('f'),
    });
    const ahead = Math.floor(Date.now() / 1000) + 360;
    const response = await handler(apiGatewayEvent(body, { timestamp: ahead }), lambdaContext);
    expect(response.statusCode).toBe(401);
    expect(sqs.sent).toHaveLength(0);
  });

  it('answers the Events API url_verification challenge', async () => {
    const { handler } = setup();
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' });
    const response = await handler(apiGatewayEvent(body, { contentType: 'application/json' }), lambdaContext);
    expect(JSON.parse(response.body)).toEqual({ challenge: 'c-123' });
  });

  it('starts a drill from the "Start drill" button of a scheduled post, as the person who clicked', async () => {
    const { sqs, runtime, handler } = setup();
    const body = blockActionBody({
      actionId: START_DRILL_ACTION,
      value: JSON.stringify({ rb: 'app-tier', m: 'drill' }),
      user: 'U9',
      responseUrl: slack.responseUrl('start'),
    });
    const response = await handler(apiGatewayEvent(body), lambdaContext);
    expect(response.statusCode).toBe(200);
    const runId = String(sqs.messages()[0]?.body.runId);
    expect(await (await runtime).store.getRun(runId)).toMatchObject({
      initiator: 'U9',
      meta: { channel: 'C0DRILLS' },
    });
    const replaced = slack.calls.filter(
      (c) => c.method === 'respond' && String(c.body.path).endsWith('/start'),
    );
    expect(JSON.stringify(replaced)).toContain('started by <@U9>');
  });
});
