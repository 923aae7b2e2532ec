/**
 * `drbot serve` started in-process on a loopback port: in-memory store, a fast simulated cloud,
 * Slack's Web API faked on loopback. Helpers send requests signed exactly as Slack signs them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogLevel } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { BotConfig } from '../../../bot/config.js';
import { type Served, type ServeOptions, startServe } from '../../../bot/slack/serve.js';
import { isTerminal, type Run } from '../../../engine/run.js';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import { blockActionBody, postSigned, type SignedPost, slashCommandBody } from './signed.js';

export const SECRET = 'test-signing-secret';
export const CHANNEL = 'C0DRILLS';

export interface Harness {
  slack: FakeSlack;
  served: Served;
  url: string;
  slash(text: string, user: string): Promise<SignedPost>;
  click(actionId: string, value: string, user: string): Promise<SignedPost>;
  /** Replies sent to the response_url of the last click of `user` (ephemeral explanations). */
  responsesTo(user: string): Record<string, unknown>[];
  run(runId: string): Promise<Run>;
  waitForRun(runId: string, done: (run: Run) => boolean, timeoutMs?: number): Promise<Run>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Runbook directory (with its sim/ world). @default test/fixtures/tiers (copies of the shipped tiers) */
  runbookDir?: string;
  /** Receives the in-process schedules once started. */
  onSchedules?: ServeOptions['onSchedules'];
  /** The cloud serve acts on. @default sim */
  provider?: ServeOptions['provider'];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const slack = await startFakeSlack({
    S0OPS: ['alice', 'bob', 'carol', 'dave'],
    S0SRE: ['bob', 'carol', 'dave'],
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'drbot-serve-'));
  const config: BotConfig = {
    slack: { signingSecret: SECRET, botToken: 'xoxb-test-token', apiUrl: slack.apiUrl },
    port: 0,
    dataDir,
    runbookDir: options.runbookDir ?? 'test/fixtures/tiers',
  };
  const served = await startServe({
    config,
    host: '127.0.0.1',
    runtime: { inMemory: true, latencyScale: 0.005 },
    updateIntervalMs: 20,
    logLevel: LogLevel.ERROR,
    ...(options.onSchedules ? { onSchedules: options.onSchedules } : {}),
    ...(options.provider ? { provider: options.provider } : {}),
  });
  const url = `http://127.0.0.1:${served.port}/slack/events`;
  let clicks = 0;
  const harness: Harness = {
    slack,
    served,
    url,
    slash: (text, user) =>
      postSigned(
        url,
        slashCommandBody({ text, user, channel: CHANNEL, responseUrl: slack.responseUrl(`cmd-${user}`) }),
        {
          secret: SECRET,
        },
      ),
    click: (actionId, value, user) => {
      clicks += 1;
      return postSigned(
        url,
        blockActionBody({
          actionId,
          value,
          user,
          channel: CHANNEL,
          responseUrl: slack.responseUrl(`${user}-${clicks}`),
        }),
        { secret: SECRET },
      );
    },
    responsesTo: (user) =>
      slack
        .callsOf('respond')
        .filter((c) => String(c.body.path).startsWith(`/respond/${user}-`))
        .map((c) => c.body),
    run: (runId) => served.runtime.engine.getRun(runId),
    async waitForRun(runId, done, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const run = await served.runtime.engine.getRun(runId);
        if (done(run)) {
          await served.bot.notifier.idle();
          return run;
        }
        if (Date.now() > until) throw new Error(`run ${runId} is still ${run.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await served.close();
      await slack.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

export const ended = (run: Run) => isTerminal(run.status);

/** The run id in a "Started …" ack. */
export function runIdOf(ack: SignedPost): string {
  const match = /run `([A-Za-z0-9]+)`/.exec(JSON.stringify(ack.json));
  if (!match?.[1]) throw new Error(`no run id in ${ack.text}`);
  return match[1];
}

/** All text of a message's blocks, for assertions on what a person reads. */
export function textOf(blocks: unknown): string {
  return (
    JSON.stringify(blocks ?? [])
      .match(/"text":"((?:[^"\\]|\\.)*)"/g)
      ?.map((m) => JSON.parse(m.slice(7)) as string)
      .join('\n') ?? ''
  );
}

export function blocksOf(body: Record<string, unknown>): KnownBlock[] {
  return (body.blocks ?? []) as KnownBlock[];
}
