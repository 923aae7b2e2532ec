/**
 * Replies to slash commands and button clicks as Block Kit. Most are ephemeral (only the person
 * who asked sees them); the run itself is shown by the status message the notifier posts.
 */
import type { KnownBlock } from '@slack/types';
import type { UserFacingError } from '../../engine/errors.js';
import type { Reply } from '../commands/replies.js';
import { context, fitBlocks, LIMITS, linesToSections, section } from './blocks.js';
import { duration, escapeMrkdwn, MODE_TITLE, STATUS_ICON, truncate } from './format.js';
import { helpLines, usageLines } from './help.js';
import { runLine, timelineText } from './history.js';
import { doctorMessage } from './slack-doctor.js';
import { planMessage } from './slack-plan.js';
import { type SlackMessage, statusMessage } from './slack-status.js';
import { pointsLines, tierLines } from './tier.js';

/**
 * Budgets of one error section (3000 characters): what happened often quotes what was typed and
 * can be long; the remedy must survive, so each part has its own share and is cut on its own.
 */
const ERROR_BUDGET = { message: 700, explanation: 1100, action: 1100 };

export function errorMessage(error: UserFacingError): SlackMessage {
  const part = (text: string, max: number) => truncate(escapeMrkdwn(truncate(text, max)), max);
  return {
    text: truncate(`⚠️ ${error.message}`, LIMITS.messageText),
    blocks: [
      section(
        `⚠️ *${part(error.message, ERROR_BUDGET.message)}*\n*Why:* ${part(error.explanation, ERROR_BUDGET.explanation)}\n*What to do:* ${part(error.action, ERROR_BUDGET.action)}`,
      ),
      context(`code \`${error.code}\``),
    ],
  };
}

export function replyMessage(reply: Reply): SlackMessage {
  switch (reply.kind) {
    case 'error':
      return errorMessage(reply.error);
    case 'usage': {
      const [problem, ...rest] = usageLines(reply.error, 'slack');
      return {
        text: truncate(`⚠️ ${reply.error.problem}`, LIMITS.messageText),
        blocks: [
          section(`⚠️ ${escapeMrkdwn(problem ?? '')}\n${rest.join('\n')}`),
          context('Nothing was started.'),
        ],
      };
    }
    case 'help':
      return listMessage('drbot commands', helpLines('slack', reply.topic));
    case 'started': {
      const r = reply.run;
      return {
        text: `Started ${r.mode} of ${r.runbook.name}: run ${r.id}`,
        blocks: [
          section(
            `🚀 Started the ${MODE_TITLE[r.mode]?.toLowerCase() ?? r.mode} of *${escapeMrkdwn(r.runbook.name)}* as run \`${r.id}\`. ` +
              'The status message in this channel follows it; steps appear in its thread.',
          ),
        ],
      };
    }
    case 'status': {
      if (reply.views.length === 0) return listMessage('Status', [reply.empty ?? 'No runs.']);
      const blocks: KnownBlock[] = [];
      for (const view of reply.views) blocks.push(...statusMessage(view, undefined).blocks);
      return {
        text: `${reply.views.length} run(s)`,
        blocks: fitBlocks(blocks, (n) => `${n} blocks summarised.`),
      };
    }
    case 'runs':
      return listMessage(
        'Recent runs',
        reply.runs.length
          ? reply.runs.map(
              (r) => `${STATUS_ICON[r.status] ?? ''} ${escapeMrkdwn(runLine(r, reply.now, 'slack'))}`,
            )
          : ['No runs yet. Start one with `/dr drill <runbook>`.'],
      );
    case 'timeline':
      // A chart needs a fixed-width font: one code block, cut to Slack's section size.
      return listMessage(`Timeline of run ${reply.run.id}`, [
        `\`\`\`${truncate(
          escapeMrkdwn(timelineText(reply.run, reply.runbook, reply.audit, reply.now).slice(1).join('\n')),
          LIMITS.sectionText - 8,
        )}\`\`\``,
      ]);
    case 'list':
      return listMessage(
        'Runbooks',
        reply.entries.length
          ? reply.entries.map((e) => {
              const last = e.lastDrill
                ? `last drill ${e.lastDrill.status}${e.lastDrill.measures.rtoMs !== undefined ? ` (RTO ${duration(e.lastDrill.measures.rtoMs)})` : ''}, <!date^${Math.floor(e.lastDrill.createdAt / 1000)}^{ago}|${new Date(e.lastDrill.createdAt).toISOString()}>`
                : 'never drilled';
              const stale = e.staleness.stale ? `\n⚠️ ${escapeMrkdwn(e.staleness.message)}` : '';
              const tier = e.tierLine ? `\n${escapeMrkdwn(e.tierLine)}` : '';
              return `*${escapeMrkdwn(e.name)}* — RTO ${e.rto}, RPO ${e.rpo} · ${e.modes.join('/')} · ${last}${e.description ? `\n_${escapeMrkdwn(e.description)}_` : ''}${tier}${stale}`;
            })
          : ['No runbooks are loaded.'],
      );
    case 'tier':
      return listMessage(
        reply.headline ?? `Tier ${reply.tier.runbook}`,
        tierLines(reply.tier, reply.rpoMs, reply.now).map((l) => escapeMrkdwn(l)),
      );
    case 'points':
      return listMessage(
        `Recovery points of ${reply.runbook}`,
        pointsLines(reply.runbook, reply.rows, reply.now).map((l) => escapeMrkdwn(l)),
      );
    case 'plan':
      return planMessage(reply.plan);
    case 'doctor':
      return doctorMessage(reply.report);
    case 'approval': {
      const a = reply.answer;
      const icon = a.counted ? (a.opened ? '🔓' : a.rejected ? '⛔' : '👍') : '✋';
      return {
        text: truncate(`${icon} ${a.explanation}`, LIMITS.messageText),
        blocks: [section(`${icon} ${escapeMrkdwn(a.explanation)}`)],
      };
    }
    case 'aborted':
      return {
        text: `Abort requested for run ${reply.run.id}`,
        blocks: [
          section(
            `🛑 Abort requested for run \`${reply.run.id}\`. Running steps are being cancelled${reply.run.mode === 'drill' ? '; cleanup still runs' : ''}.`,
          ),
        ],
      };
    case 'confirmed':
      return {
        text: `Confirmed ${reply.stepKey}`,
        blocks: [section(`☑️ Confirmed *${escapeMrkdwn(reply.stepKey)}* of run \`${reply.run.id}\`.`)],
      };
  }
}

function listMessage(title: string, lines: string[]): SlackMessage {
  const blocks: KnownBlock[] = [
    section(`*${escapeMrkdwn(title)}*`),
    ...linesToSections(lines, LIMITS.blocks - 1, (n) => `…and ${n} more`),
  ];
  return {
    text: truncate(title, LIMITS.messageText),
    blocks: fitBlocks(blocks, (n) => `${n} blocks summarised.`),
  };
}
