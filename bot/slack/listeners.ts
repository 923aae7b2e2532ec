/**
 * The Slack listeners, shared by every entry point (HTTP receiver, Socket Mode, Lambda). Thin:
 * parse, authorise, start or record, ack within 3 s. Runs are advanced by the driver, kicked after
 * the ack; nothing here waits for a step.
 */
import type { App, BlockAction, ButtonAction, RespondArguments } from '@slack/bolt';
import { type CommandContext, executeCommand } from '../commands/execute.js';
import { type Command, parseCommand } from '../commands/grammar.js';
import { isPublic, type Outcome } from '../commands/replies.js';
import { section } from '../render/blocks.js';
import { escapeMrkdwn } from '../render/format.js';
import { errorMessage, replyMessage } from '../render/slack-replies.js';
import {
  ACTION_IDS,
  decodeActionValue,
  type SlackMessage,
  switchMenuMessage,
} from '../render/slack-status.js';
import { START_DRILL_ACTION } from '../scorecard/weekly.js';
import type { BotServices } from '../services.js';
import { claimDelivery, duplicateDelivery } from './deliveries.js';

export interface ListenerOptions {
  /** The slash command name as configured in the Slack app. @default '/dr' */
  command?: string;
  /** Called after a click the engine counted (approval, manual step done), so its message is redrawn. */
  onApprovalChanged?: (runId: string, stepKey: string) => Promise<void>;
}

export function registerListeners(app: App, services: BotServices, options: ListenerOptions = {}): void {
  const log = services.log ?? ((m: string, e?: unknown) => console.error(m, e));

  app.command(options.command ?? '/dr', async ({ command, ack, respond }) => {
    const text = command.text?.trim() ?? '';
    const parsed = parseCommand(text === '' ? 'help' : text, 'slack');
    if (!parsed.ok) {
      await ack(asResponse(replyMessage({ kind: 'usage', error: parsed.error }), false));
      return;
    }
    if (parsed.command.kind === 'start' && !(await claimDelivery(services, command.trigger_id))) {
      await ack(asResponse(errorMessage(duplicateDelivery), false));
      return;
    }
    const context: CommandContext = {
      user: command.user_id,
      surface: 'slack',
      meta: { channel: command.channel_id, ...(command.team_id ? { team: command.team_id } : {}) },
    };
    if (parsed.command.kind === 'doctor') {
      // The doctor asks the cloud about every protected instance, which can outlast Slack's
      // 3 seconds: ack at once, then answer through the response URL.
      await ack(asResponse(checkingMessage(parsed.command.runbook), false));
      const outcome = await executeCommand(services, parsed.command, context);
      await respond(ephemeral(replyMessage(outcome.reply))).catch((err) => log('drbot: respond failed', err));
      return;
    }
    const outcome = await executeCommand(services, parsed.command, context);
    await ack(asResponse(replyMessage(outcome.reply), isPublic(outcome.reply)));
    await runFollowUp(outcome, log);
  });

  const button =
    (kind: 'approve' | 'reject' | 'abort' | 'confirm' | 'commit' | 'switchMenu' | 'switchPoint') =>
    async ({
      ack,
      body,
      action,
      respond: respondToUrl,
      client,
    }: {
      ack: () => Promise<void>;
      body: BlockAction<ButtonAction>;
      action: ButtonAction;
      respond?: (message: RespondArguments) => Promise<unknown>;
      client: App['client'];
    }) => {
      await ack();
      // Buttons outside a channel message (a modal, App Home) come without a response_url.
      const answer = async (message: SlackMessage): Promise<unknown> => {
        if (respondToUrl) return respondToUrl(ephemeral(message));
        const channel = body.channel?.id;
        if (!channel) return log('drbot: no way to answer a click outside a channel', body.user.id);
        return client.chat.postEphemeral({
          channel,
          user: body.user.id,
          text: message.text,
          blocks: message.blocks,
        });
      };
      const value = decodeActionValue(action.value);
      if (!value) {
        await answer(
          errorMessage({
            message: 'This button does not name a run.',
            explanation:
              'Its value is not one drbot posts; the message may come from another app or an old version.',
            action: 'Use `/dr status` to find the run, and its status message for current buttons.',
            code: 'BAD_BUTTON',
          }),
        ).catch((err) => log('drbot: respond failed', err));
        return;
      }
      if (kind === 'switchMenu') {
        await answer(await switchMenu(services, value.runId)).catch((err) =>
          log('drbot: respond failed', err),
        );
        return;
      }
      const command: Command =
        kind === 'abort'
          ? { kind: 'abort', runId: value.runId }
          : kind === 'commit'
            ? { kind: 'commit', runId: value.runId }
            : kind === 'switchPoint'
              ? { kind: 'switch-point', runId: value.runId, point: value.stepKey ?? '' }
              : kind === 'confirm'
                ? { kind: 'confirm', runId: value.runId, stepKey: value.stepKey ?? '' }
                : { kind, runId: value.runId, ...(value.stepKey ? { stepKey: value.stepKey } : {}) };
      const outcome = await executeCommand(services, command, { user: body.user.id, surface: 'slack' });
      await answer(replyMessage(outcome.reply)).catch((err) => log('drbot: respond failed', err));
      const reply = outcome.reply;
      const changed =
        reply.kind === 'approval' && reply.answer.counted
          ? { runId: reply.runId, stepKey: reply.stepKey }
          : reply.kind === 'confirmed'
            ? { runId: reply.run.id, stepKey: reply.stepKey }
            : undefined;
      if (changed) {
        await options
          .onApprovalChanged?.(changed.runId, changed.stepKey)
          .catch((err) => log('drbot: refresh failed', err));
      }
      await runFollowUp(outcome, log);
    };

  app.action<BlockAction<ButtonAction>>(ACTION_IDS.approve, button('approve'));
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.reject, button('reject'));
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.abort, button('abort'));
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.confirm, button('confirm'));
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.commit, button('commit'));
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.switchMenu, button('switchMenu'));
  app.action<BlockAction<ButtonAction>>(ACTION_IDS.switchPoint, button('switchPoint'));
  // Any other action (another app's button, an old message; the weekly Start drill button has its
  // own listener in bot/scorecard/slack.ts) is acknowledged at once, so Slack does
  // not wait 3 s for an answer that will never come.
  const known = [...Object.values(ACTION_IDS), START_DRILL_ACTION].join('|');
  app.action({ type: 'block_actions', action_id: new RegExp(`^(?!(?:${known})$)`) }, async ({ ack }) => {
    await ack();
  });

  app.error(async (error) => {
    log('drbot: Slack listener failed', error);
  });
}

/** The Switch recovery point menu: the points earlier than the one the failover launched from. */
async function switchMenu(services: BotServices, runId: string): Promise<SlackMessage> {
  const run = await services.store.getRun(runId);
  if (!run)
    return replyMessage({
      kind: 'error',
      error: {
        message: `Run ${runId} does not exist.`,
        explanation: 'The button names a run that is not stored.',
        action: 'Use `/dr runs` to find the failover.',
        code: 'RUN_NOT_FOUND',
      },
    });
  const outcome = await executeCommand(
    services,
    { kind: 'points', runbook: run.runbook.name },
    { user: 'drbot', surface: 'slack' },
  );
  if (outcome.reply.kind !== 'points') return replyMessage(outcome.reply);
  const current = Object.values(run.steps)
    .map((s) => (s.outputs?.chosenPoint as { capturedAt?: number } | undefined)?.capturedAt)
    .find((at) => at !== undefined);
  return switchMenuMessage(runId, outcome.reply.rows, outcome.reply.now, current);
}

function checkingMessage(runbook: string): SlackMessage {
  const text = `🩺 Checking whether ${runbook} is ready for a drill or failover… the findings follow here.`;
  return { text, blocks: [section(escapeMrkdwn(text))] };
}

function asResponse(message: SlackMessage, inChannel: boolean): RespondArguments {
  return {
    response_type: inChannel ? 'in_channel' : 'ephemeral',
    text: message.text,
    blocks: message.blocks,
  };
}

function ephemeral(message: SlackMessage): RespondArguments {
  return { response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks };
}

async function runFollowUp(outcome: Outcome, log: (m: string, e?: unknown) => void): Promise<void> {
  try {
    await outcome.followUp?.();
  } catch (err) {
    log('drbot: follow-up failed', err);
  }
}
