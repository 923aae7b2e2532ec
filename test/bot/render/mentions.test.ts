import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../bot/render/events.js';
import { knownUsersOf, mentionKnownUsers } from '../../../bot/render/mentions.js';
import { statusMessage } from '../../../bot/render/slack-status.js';
import { buildRunView } from '../../../bot/render/view.js';
import type { AuditEvent, Run } from '../../../engine/run.js';

function failover(overrides: Partial<Run> = {}): Run {
  return {
    id: '01JMENTIONS000000000000000',
    runbook: { name: 'db-tier', hash: 'h' },
    mode: 'failover',
    initiator: 'U0ALICE',
    params: {},
    status: 'running',
    phase: 'main',
    createdAt: 0,
    updatedAt: 1,
    steps: {
      'cutover-approval': {
        id: 'cutover-approval',
        phase: 'main',
        action: 'approval',
        status: 'succeeded',
        attempt: 1,
        gate: 'cutover',
        outputs: { approvers: ['U0BOB', 'U0CAROL'] },
      },
    },
    measures: { objectives: { rtoMs: 900_000, rpoMs: 3_600_000 } },
    meta: { channel: 'C1' },
    version: 4,
    auditSeq: 9,
    ...overrides,
  };
}

function event(kind: AuditEvent['kind'], message: string, extra: Partial<AuditEvent> = {}): AuditEvent {
  return { runId: 'r', seq: 1, at: 0, kind, actor: 'drbot', message, stepKey: 'cutover-approval', ...extra };
}

describe('mentionKnownUsers', () => {
  const known = new Set(['bob', 'carol', 'U0DAVE']);

  it('turns exact @id tokens of known users into mentions, leaving sentence punctuation outside', () => {
    expect(mentionKnownUsers('Gate cutover opened by @bob and @carol.', known)).toBe(
      'Gate cutover opened by <@bob> and <@carol>.',
    );
    expect(mentionKnownUsers('(@U0DAVE) asked, @bob: ok', known)).toBe('(<@U0DAVE>) asked, <@bob>: ok');
  });

  it('leaves unknown handles, longer ids, addresses and existing mentions alone', () => {
    const text = 'mail ops@bob.example, ping @mallory, @bobby, @bob.smith and <@bob>';
    expect(mentionKnownUsers(text, known)).toBe(text);
    expect(mentionKnownUsers('@bob', new Set())).toBe('@bob');
  });
});

describe('knownUsersOf', () => {
  it('names the initiator, approvers, deciders and the abort requester, never drbot nor a refused click', () => {
    const run = failover({ abortRequested: { by: 'U0ERIN', at: 5 } });
    const users = knownUsersOf(run, [
      event('approval.rejected', 'x', { actor: 'U0DAVE' }),
      event('approval.refused', 'y', { actor: 'U0MALLORY' }),
      event('run.started', 'z', { actor: 'drbot' }),
    ]);
    expect([...users].sort()).toEqual(['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAVE', 'U0ERIN']);
  });
});

describe('engine texts in Slack', () => {
  const run = failover();
  const granted = event('approval.granted', 'Gate cutover opened by @U0BOB and @U0CAROL.', {
    actor: 'U0CAROL',
    data: { approvers: ['U0BOB', 'U0CAROL'] },
  });

  it('mentions the approvers in the thread line, while the terminal keeps the text as is', () => {
    expect(describeEvent(granted, run, undefined, 'slack')?.text).toBe(
      'cutover-approval: approved (Gate cutover opened by <@U0BOB> and <@U0CAROL>.)',
    );
    expect(describeEvent(granted, run, undefined, 'text')?.text).toBe(
      'cutover-approval: approved (Gate cutover opened by @U0BOB and @U0CAROL.)',
    );
  });

  it('mentions the rejecter in a failure, and escapes the rest of the text', () => {
    const error = {
      message: 'Gate cutover rejected by @U0DAVE: not <now>.',
      explanation: 'A reject by @U0DAVE fails the gate; @U0MALLORY is not part of this run.',
      action: 'Talk to @U0DAVE.',
      code: 'GATE_REJECTED',
    };
    const rejected = event('approval.rejected', error.message, { actor: 'U0DAVE', error });
    const failed = event('step.failed', error.message, { actor: 'U0DAVE', error });
    const line = describeEvent(failed, run, undefined, 'slack');
    expect(line?.text).toBe('cutover-approval failed: Gate cutover rejected by <@U0DAVE>: not &lt;now&gt;.');
    expect(line?.detail).toEqual([
      '*Why:* A reject by <@U0DAVE> fails the gate; @U0MALLORY is not part of this run.',
      '*What to do:* Talk to <@U0DAVE>.',
    ]);
    // A failure the engine itself reports names nobody it could mention.
    const byEngine = describeEvent({ ...failed, actor: 'drbot' }, run, undefined, 'slack');
    expect(byEngine?.text).toContain('rejected by @U0DAVE');
    const decided = describeEvent(rejected, run, undefined, 'slack');
    expect(decided?.text).toBe('cutover-approval: rejected by <@U0DAVE>');
    // In the status message the rejecter is known from the run's failed gate step.
    const withFailure = failover({
      status: 'failed',
      endedAt: 10,
      steps: {
        'cutover-approval': {
          id: 'cutover-approval',
          phase: 'main',
          action: 'approval',
          status: 'failed',
          attempt: 1,
          gate: 'cutover',
          error,
        },
      },
      abortRequested: { by: 'U0DAVE', at: 3 },
    });
    const text = JSON.stringify(statusMessage(buildRunView(withFailure, { now: 10 }), undefined).blocks);
    expect(text).toContain('Gate cutover rejected by <@U0DAVE>: not &lt;now&gt;.');
    expect(text).toContain('@U0MALLORY is not part of this run');
  });
});
