/**
 * Forged requests against `drbot serve` (signed HTTP on loopback): a bad signature, a stale
 * timestamp (replay), missing headers, an oversized body. Each is refused with 401/400 and
 * starts nothing, even when the body is a perfectly good `/dr failover`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, SECRET, startHarness } from '../bot/support/served.js';
import { slackSignature, slashCommandBody } from '../bot/support/signed.js';

let h: Harness;
let body: string;

beforeAll(async () => {
  h = await startHarness();
  body = slashCommandBody({
    text: 'drill app-tier',
    user: 'alice',
    responseUrl: h.slack.responseUrl('forged'),
  });
});

afterAll(async () => {
  await h?.close();
});

async function post(payload: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(h.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: payload,
  });
  await res.arrayBuffer();
  return res.status;
}

const now = () => Math.floor(Date.now() / 1000);
const signed = (payload: string, timestamp = now(), secret = SECRET) => ({
  'x-slack-request-timestamp': String(timestamp),
  'x-slack-signature': slackSignature(secret, timestamp, payload),
});

describe('forged requests to the Slack endpoint', () => {
  it('refuses a signature made with another secret', async () => {
    expect(await post(body, signed(body, now(), 'not-the-secret'))).toBe(401);
  });

  it('refuses a body changed after signing', async () => {
    const headers = signed(body);
    expect(await post(body.replace('drill', 'failover'), headers)).toBe(401);
  });

  it('refuses a correctly signed request replayed 10 minutes later (stale timestamp)', async () => {
    expect(await post(body, signed(body, now() - 600))).toBe(401);
  });

  it('refuses a correctly signed request dated 6 minutes in the future (skew either way)', async () => {
    expect(await post(body, signed(body, now() + 360))).toBe(401);
  });

  it('refuses requests missing the signature or timestamp header', async () => {
    const { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp } = signed(body);
    expect([400, 401]).toContain(await post(body, { 'x-slack-request-timestamp': timestamp }));
    expect([400, 401]).toContain(await post(body, { 'x-slack-signature': signature }));
    expect([400, 401]).toContain(await post(body, {}));
  });

  it('refuses a garbage signature and a non-numeric timestamp', async () => {
    expect([400, 401]).toContain(
      await post(body, { 'x-slack-request-timestamp': String(now()), 'x-slack-signature': 'v0=zz' }),
    );
    expect([400, 401]).toContain(
      await post(body, {
        'x-slack-request-timestamp': 'soon',
        'x-slack-signature': slackSignature(SECRET, 0, body),
      }),
    );
  });

  it('refuses an oversized body without a signature (never buffers it into a run)', async () => {
    const huge = `${body}&text=${'a'.repeat(2 * 1024 * 1024)}`;
    expect([400, 401, 413]).toContain(await post(huge, signed(huge, now(), 'not-the-secret')));
  });

  it('answers an oversized but validly signed command with a usage error, not a run', async () => {
    const huge = slashCommandBody({
      text: `drill app-tier ${'x=1 '.repeat(300_000)}`,
      user: 'alice',
      responseUrl: h.slack.responseUrl('forged-big'),
    });
    expect([200, 400, 413]).toContain(await post(huge, signed(huge)));
  });

  it('started no run through any of them', async () => {
    expect(await h.served.runtime.store.listRuns({ limit: 100 })).toEqual([]);
    // The same body, properly signed, does start one: the refusals above were about the forgery.
    expect(await post(body, signed(body))).toBe(200);
    expect(await h.served.runtime.store.listRuns({ limit: 100 })).toHaveLength(1);
  });
});
