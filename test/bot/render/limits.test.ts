import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../bot/commands/replies.js';
import { blockKitViolations } from '../../../bot/render/blocks.js';
import { describeEvent, type EventLine } from '../../../bot/render/events.js';
import { replyMessage } from '../../../bot/render/slack-replies.js';
import { statusMessage } from '../../../bot/render/slack-status.js';
import { approvalMessage, threadMessage } from '../../../bot/render/slack-thread.js';
import { runBlock } from '../../../bot/render/text.js';
import { buildRunView, gateView } from '../../../bot/render/view.js';
import { planRun } from '../../../engine/plan/index.js';
import type { AuditEvent, Run, StepState } from '../../../engine/run.js';
import { loadRunbook } from '../../../engine/runbook/load.js';

const STEPS = 200;
const LONG = 'x'.repeat(5000);

/** A valid runbook with 200 chained steps and a two-person gate in the middle. */
function bigRunbook() {
  const steps = Array.from({ length: STEPS }, (_, i) => {
    const needs = i === 0 ? '' : `\n          needs: [s${i - 1}]`;
    if (i === 100)
      return `        - id: s${i}\n          action: approval${needs}\n          with: { gate: cutover }`;
    return `        - id: s${i}\n          name: Step number ${i} with a rather long descriptive name to fill space\n          action: notify${needs}\n          with: { message: "step ${i}" }`;
  });
  const text = `apiVersion: drbot/v1
kind: Runbook
metadata: { name: huge }
spec:
  source: { region: us-east-1 }
  target: { region: us-west-2 }
  objectives: { rto: 15m, rpo: 1h }
  protect: { tags: { dr-tier: huge } }
  access: { drill: { users: ["*"] }, failover: { groups: [S0OPS] } }
  owners: { groups: [S0SRE] }
  approvals:
    cutover: { required: 2, excludeInitiator: true, approvers: { groups: [S0SRE] }, timeout: 30m }
  modes:
    failover:
      steps:
${steps.join('\n')}
`;
  return loadRunbook(text, 'huge.yaml');
}

const error = { message: LONG, explanation: LONG, action: LONG, code: 'BOOM' };

function bigRun(): Run {
  const steps: Record<string, StepState> = {};
  for (let i = 0; i < STEPS; i++) {
    const status = i < 60 ? 'succeeded' : i < 90 ? 'failed' : i === 100 ? 'waiting' : 'pending';
    steps[`s${i}`] = {
      id: `s${i}`,
      phase: 'main',
      action: i === 100 ? 'approval' : 'notify',
      status,
      attempt: 1,
      ...(status === 'failed' ? { error } : {}),
      ...(i === 100 ? { gate: 'cutover' } : {}),
    };
  }
  return {
    id: '01JTESTRUN0000000000000000',
    runbook: { name: 'huge', hash: 'h' },
    mode: 'failover',
    initiator: 'alice',
    params: {},
    status: 'waiting',
    phase: 'main',
    createdAt: 0,
    updatedAt: 1,
    steps,
    measures: {
      objectives: { rtoMs: 900_000, rpoMs: 3_600_000 },
      rpoClaimedMs: 720_000,
      rpoMeasuredMs: 780_000,
    },
    meta: { channel: 'C1' },
    version: 3,
    auditSeq: 400,
  };
}

function expectValid(blocks: KnownBlock[]): void {
  expect(blockKitViolations(blocks)).toEqual([]);
  expect(blocks.length).toBeLessThanOrEqual(50);
}

describe('Block Kit limits on a 200-step runbook', () => {
  const runbook = bigRunbook();
  const run = bigRun();
  const gate = {
    runId: run.id,
    stepKey: 's100',
    gate: 'cutover',
    required: 2,
    approvals: [{ user: 'bob', at: 5 }],
  };
  const view = buildRunView(run, { runbook, gates: [gate], now: 60_000 });

  it('keeps the status message small and says approval is waiting', () => {
    const message = statusMessage(view, runbook);
    expectValid(message.blocks);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('60/200 succeeded · 30 failed');
    expect(text).toContain('1 of 2 approvals: <@bob>');
    expect(text).toContain('…and 27 more failed steps');
  });

  it.each([400, 4000])(
    'keeps the end of a thread batch of %i events, summarising what does not fit',
    (count) => {
      const events: AuditEvent[] = Array.from({ length: count }, (_, i) => ({
        runId: run.id,
        seq: i + 1,
        at: i,
        kind: i % 50 === 49 ? 'step.failed' : i % 2 ? 'step.succeeded' : 'step.started',
        actor: 'drbot',
        stepKey: `s${Math.floor(i / 2) % STEPS}`,
        message: 'm',
        ...(i % 50 === 49 ? { error } : {}),
      }));
      const lines = events
        .map((e) => describeEvent(e, run, runbook, 'slack'))
        .filter((l): l is EventLine => !!l);
      const message = threadMessage(lines);
      expect(message).toBeDefined();
      expectValid(message?.blocks ?? []);
      const text = JSON.stringify(message?.blocks);
      if (count > 400) expect(text).toMatch(/more (step )?updates/);
      else
        expect(text).toContain('Step number 198 with a rather long descriptive name to fill space succeeded');
    },
  );

  it('renders the approval message with buttons within limits, and a CUTOVER confirm dialog', () => {
    const message = approvalMessage(run, gateView('s100', 'cutover', runbook, gate), runbook, 0);
    expectValid(message.blocks);
    const actions = message.blocks.find((b) => b.type === 'actions');
    expect(
      actions?.type === 'actions' && actions.elements[0]?.type === 'button' && actions.elements[0].confirm,
    ).toBeTruthy();
  });

  it('keeps every command reply within limits', () => {
    const plan = planRun(runbook, 'failover');
    const replies: Reply[] = [
      { kind: 'plan', plan },
      { kind: 'status', views: [view, view, view, view, view] },
      { kind: 'error', error },
      { kind: 'help', surface: 'slack' },
      {
        kind: 'runs',
        runs: Array.from({ length: 300 }, () => ({
          id: run.id,
          runbook: LONG.slice(0, 300),
          mode: 'drill' as const,
          initiator: 'alice',
          status: 'succeeded' as const,
          createdAt: 0,
          measures: run.measures,
        })),
        now: 0,
      },
    ];
    for (const reply of replies) expectValid(replyMessage(reply).blocks);
  });

  it('shows the same facts in the terminal, including claimed and measured RPO', () => {
    const text = runBlock(
      buildRunView({ ...run, status: 'succeeded', endedAt: 100_000 }, { runbook, now: 0 }),
    ).join('\n');
    expect(text).toContain('RPO claimed 12m, measured 13m (objective 1h)');
    expect(text).toContain('60/200 succeeded · 30 failed');
    expect(text).toContain('…and 27 more failed steps');
    expect(text.length).toBeLessThan(4000);
  });
});
