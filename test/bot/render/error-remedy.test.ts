import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../bot/render/events.js';
import { errorMessage } from '../../../bot/render/slack-replies.js';
import { threadMessage } from '../../../bot/render/slack-thread.js';
import type { Run } from '../../../engine/run.js';

const TYPED = 'x'.repeat(5000);
const REMEDY = 'Run `/dr list` and use one of those names.';

function sectionTexts(blocks: unknown[]): string[] {
  return blocks
    .map((b) => (b as { text?: { text?: string } }).text?.text)
    .filter((t): t is string => typeof t === 'string');
}

describe('errors keep their remedy in Slack', () => {
  it('an error reply echoing 5000 typed characters still shows Why and What to do', () => {
    const message = errorMessage({
      message: `There is no runbook named "${TYPED}".`,
      explanation: `You typed ${TYPED}.`,
      action: REMEDY,
      code: 'RUNBOOK_NOT_FOUND',
    });
    const [text] = sectionTexts(message.blocks);
    expect(text?.length).toBeLessThanOrEqual(3000);
    expect(text).toContain('*Why:*');
    expect(text).toContain(`*What to do:* ${REMEDY.replace(/`/g, '`')}`);
  });

  it('a failed step quoting long input keeps its remedy in the thread', () => {
    const run = {
      id: 'R1',
      runbook: { name: 'web-tier', hash: 'h' },
      mode: 'drill',
      initiator: 'alice',
      steps: { launch: { id: 'launch', phase: 'main', action: 'ec2.launch', status: 'failed', attempt: 1 } },
      meta: {},
    } as unknown as Run;
    const line = describeEvent(
      {
        runId: 'R1',
        seq: 3,
        at: 0,
        kind: 'step.failed',
        actor: 'drbot',
        stepKey: 'launch',
        message: 'failed',
        error: {
          message: `Bad parameter ${TYPED}`,
          explanation: `Because ${TYPED}`,
          action: REMEDY,
          code: 'X',
        },
      },
      run,
      undefined,
      'slack',
    );
    const message = threadMessage(line ? [line] : []);
    const texts = sectionTexts(message?.blocks ?? []);
    expect(texts.every((t) => t.length <= 3000)).toBe(true);
    expect(texts.join('\n')).toContain(`*What to do:* ${REMEDY}`);
  });
});
