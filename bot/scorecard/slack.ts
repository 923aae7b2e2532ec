/**
 * Slack side of scheduled drills and scorecards: post to a channel, reply in a run's thread, start
 * a drill through the same command path as `/dr drill` (so the status message and thread are the
 * ones a manual run gets), and the "Start drill" button listener.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { DrbotError } from '../../engine/errors.js';
import type { RunStore } from '../../engine/ports.js';
import type { Run } from '../../engine/run.js';
import { executeCommand } from '../commands/execute.js';
import type { SlackMessage } from '../render/slack-status.js';
import type { BotServices } from '../services.js';
import type { SlackMessageRef } from '../slack/notifier.js';
import type { ScorecardPoster } from './notifier.js';
import { uploadTrendChart } from './trend-chart.js';
import {
  type ChannelPoster,
  type DrillStarter,
  decodeStartValue,
  runbookFor,
  START_DRILL_ACTION,
} from './weekly.js';

/** chat.postMessage to a channel (optionally in a thread). */
export function slackChannelPoster(client: WebClient): ChannelPoster {
  return async (message) => {
    const out = await client.chat.postMessage({
      channel: message.channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    });
    return out.ts ? { ts: out.ts } : {};
  };
}

/**
 * Posts the scorecard through the run's SlackNotifier when there is one: paced with the other
 * thread posts and after the final summary (a direct post would land before it). Otherwise
 * replies directly under the status message.
 */
export function pacedScorecardPoster(notifier: unknown, client: WebClient, store: RunStore): ScorecardPoster {
  const paced = notifier as {
    postAfterSummary?: (run: Run, message: SlackMessage | ((p: SlackMessageRef) => Promise<void>)) => void;
  };
  if (typeof paced.postAfterSummary !== 'function') return slackScorecardPoster(client, store);
  return async (run, message, card) => {
    paced.postAfterSummary?.(run, message);
    paced.postAfterSummary?.(run, (parent: SlackMessageRef) => uploadTrendChart(client, parent, card));
  };
}

/** Replies with the scorecard under the run's status message (falls back to the run's channel). */
export function slackScorecardPoster(client: WebClient, store: RunStore): ScorecardPoster {
  return async (run, message, card) => {
    const parent = await store.getDoc<SlackMessageRef>('slack-message', run.id);
    const channel = parent?.channel ?? run.meta.channel;
    if (!channel) return; // a shell run: the terminal shows its own summary
    await client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      ...(parent ? { thread_ts: parent.ts } : {}),
    });
    if (parent) await uploadTrendChart(client, parent, card);
  };
}

/**
 * Starts a run exactly as `/dr <mode> <runbook>` typed in `channel` would: same access check,
 * same `run.meta.channel` (so the notifier posts the status message and thread), same kick.
 */
export function commandDrillStarter(services: BotServices): DrillStarter {
  return async (request) => {
    const meta: Record<string, string> = { channel: request.channel, scheduled: 'true' };
    if (request.announcementTs) meta.announcementTs = request.announcementTs;
    const outcome = await executeCommand(
      services,
      { kind: 'start', mode: request.mode, runbook: request.runbook.metadata.name, params: {} },
      { user: request.initiator, surface: 'slack', meta },
    );
    const reply = outcome.reply;
    if (reply.kind === 'error') {
      throw new DrbotError(reply.error.message, {
        code: reply.error.code,
        explanation: reply.error.explanation,
        action: reply.error.action,
      });
    }
    if (reply.kind !== 'started') throw new Error(`starting a drill replied ${reply.kind}`);
    await outcome.followUp?.();
    return reply.run;
  };
}

/** Listens for the "Start drill" button of `auto: false` schedules; the clicker becomes the initiator. */
export function registerScheduleActions(app: App, services: BotServices, start: DrillStarter): void {
  const log = services.log ?? ((m: string, e?: unknown) => console.error(m, e));
  app.action<BlockAction<ButtonAction>>(START_DRILL_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const value = decodeStartValue(action.value);
    const channel = body.channel?.id;
    try {
      if (!value || !channel) throw new Error('This button does not name a runbook and channel drbot knows.');
      const run = await start({
        runbook: runbookFor(services, value.runbook),
        mode: value.mode,
        channel,
        initiator: body.user.id,
      });
      await respond({
        replace_original: true,
        text: `${value.mode === 'drill' ? 'Drill' : value.mode} of ${value.runbook} started by <@${body.user.id}> (run ${run.id}).`,
      });
    } catch (err) {
      log('drbot: Start drill button failed', err);
      const text =
        err instanceof DrbotError
          ? `${err.message} ${err.explanation} ${err.action}`
          : `Could not start: ${String(err)}`;
      await respond({ response_type: 'ephemeral', replace_original: false, text }).catch((e) =>
        log('drbot: respond failed', e),
      );
    }
  });
}
