/**
 * Ack latency of `drbot serve`: 1,000 signed slash commands (`/dr help`, and `/dr status`, which
 * reads the store) sent one after another on loopback, against a bare node:http handler doing the
 * same HMAC check and answering the same kind of JSON. Prints JSON lines: p50/p99 per target and
 * the ratio. Target from the issue: p99 ≤ 50 ms, ratio ≤ 1.5.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel } from '@slack/bolt';
import { startServe } from '../bot/slack/serve.js';
import { startFakeSlack } from '../test/bot/support/fake-slack.js';
import { slackSignature, slashCommandBody } from '../test/bot/support/signed.js';

const SECRET = 'bench-secret';
const COUNT = 1000;
const WARMUP = 100;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Number((sorted[Math.max(0, index)] ?? 0).toFixed(3));
}

async function measure(url: string, text: string, responseUrl: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < WARMUP + COUNT; i++) {
    const body = slashCommandBody({ text, user: 'alice', responseUrl });
    const ts = Math.floor(Date.now() / 1000);
    const started = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': slackSignature(SECRET, ts, body),
      },
      body,
    });
    await res.text();
    const took = performance.now() - started;
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    if (i >= WARMUP) times.push(took);
  }
  return times.sort((a, b) => a - b);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The floor: verify the v0 signature, parse the form, answer an ephemeral JSON message. */
async function startBare(): Promise<{ url: string; close(): void }> {
  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const ts = Number(req.headers['x-slack-request-timestamp']);
    const given = String(req.headers['x-slack-signature'] ?? '');
    const expected = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${raw}`).digest('hex')}`;
    const fresh = Math.abs(Date.now() / 1000 - ts) < 300;
    if (
      !fresh ||
      given.length !== expected.length ||
      !timingSafeEqual(Buffer.from(given), Buffer.from(expected))
    ) {
      res.writeHead(401).end();
      return;
    }
    const form = new URLSearchParams(raw);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ response_type: 'ephemeral', text: `ok ${form.get('text') ?? ''}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/slack/events`, close: () => server.close() };
}

async function main(): Promise<void> {
  const slack = await startFakeSlack({});
  const served = await startServe({
    config: {
      slack: { signingSecret: SECRET, botToken: 'xoxb-bench', apiUrl: slack.apiUrl },
      port: 0,
      dataDir: '.drbot-bench',
      runbookDir: 'runbooks',
    },
    host: '127.0.0.1',
    runtime: { inMemory: true, agent: false },
    logLevel: LogLevel.ERROR,
  });
  const bare = await startBare();
  const drbotUrl = `http://127.0.0.1:${served.port}/slack/events`;
  try {
    for (const text of ['help', 'status']) {
      const bareTimes = await measure(bare.url, text, slack.responseUrl('bench'));
      const drbotTimes = await measure(drbotUrl, text, slack.responseUrl('bench'));
      const row = (target: string, t: number[]) => ({
        bench: 'ack',
        target,
        command: `/dr ${text}`,
        n: t.length,
        p50Ms: percentile(t, 50),
        p99Ms: percentile(t, 99),
      });
      const b = row('bare-node-http', bareTimes);
      const d = row('drbot-serve', drbotTimes);
      console.log(JSON.stringify(b));
      console.log(JSON.stringify(d));
      console.log(
        JSON.stringify({
          bench: 'ack',
          command: `/dr ${text}`,
          ratioP50: Number((d.p50Ms / b.p50Ms).toFixed(2)),
          ratioP99: Number((d.p99Ms / b.p99Ms).toFixed(2)),
          targetP99Ms: 50,
          withinP99Target: d.p99Ms <= 50,
        }),
      );
    }
  } finally {
    bare.close();
    await served.close();
    await slack.close();
  }
}

await main();
