import { describe, expect, it } from 'vitest';
import { NotAllowedError } from '../../../engine/errors.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness, type Harness, statuses } from './harness.js';

const failover = (timeout = '30m') =>
  makeRunbook({
    modes: {
      failover: {
        steps: [
          { id: 'cutover-approval', action: 'approval', with: { gate: 'cutover' } },
          { id: 'launch', action: 'test.ok', needs: ['cutover-approval'] },
        ],
      },
    },
    approvals: { cutover: { required: 2, excludeInitiator: true, approvers: { groups: ['SRE'] }, timeout } },
  });

async function waitingFailover(h: Harness, timeout?: string) {
  const run = await h.run(failover(timeout), 'failover', 'ian');
  expect(run.status).toBe('waiting');
  expect(run.steps['cutover-approval']?.status).toBe('waiting');
  return run;
}

describe('executor: approvals', () => {
  it('two distinct approvers open the gate and the run continues', async () => {
    const h = createHarness();
    const run = await waitingFailover(h);
    const first = await h.engine.approve(run.id, 'cutover-approval', 'alice');
    expect(first).toMatchObject({ counted: true, opened: false });
    expect(first.explanation).toContain('1 more needed');
    const second = await h.engine.approve(run.id, 'cutover-approval', 'bob');
    expect(second).toMatchObject({ counted: true, opened: true });
    const { run: done } = await h.driver.runUntilSettled(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.steps['cutover-approval']?.outputs).toEqual({ approvers: ['alice', 'bob'] });
    const kinds = h.published.map((e) => e.kind);
    expect(kinds).toContain('approval.requested');
    expect(kinds).toContain('approval.granted');
  });

  it('refuses the initiator when excludeInitiator, even though they are an approver', async () => {
    const h = createHarness();
    const run = await waitingFailover(h);
    const answer = await h.engine.approve(run.id, 'cutover-approval', 'ian');
    expect(answer).toMatchObject({ counted: false, reason: 'initiator', opened: false });
    expect(answer.explanation).toContain('You started this run');
    expect(h.published.some((e) => e.kind === 'approval.refused' && e.actor === 'ian')).toBe(true);
  });

  it('counts the same user only once and says so', async () => {
    const h = createHarness();
    const run = await waitingFailover(h);
    await h.engine.approve(run.id, 'cutover-approval', 'alice');
    const again = await h.engine.approve(run.id, 'cutover-approval', 'alice');
    expect(again).toMatchObject({ counted: false, reason: 'already-approved' });
    expect(again.explanation).toContain('changes nothing');
    expect(again.gate?.approvals).toHaveLength(1);
    expect((await h.engine.getRun(run.id)).steps['cutover-approval']?.status).toBe('waiting');
  });

  it('refuses someone who is not an approver', async () => {
    const h = createHarness();
    const run = await waitingFailover(h);
    const answer = await h.engine.approve(run.id, 'cutover-approval', 'mallory');
    expect(answer).toMatchObject({ counted: false, reason: 'not-an-approver' });
  });

  it('a reject by an allowed approver fails the gate with the reason', async () => {
    const h = createHarness();
    const run = await waitingFailover(h);
    const answer = await h.engine.reject(run.id, 'cutover-approval', 'carol', 'primary is back');
    expect(answer).toMatchObject({ counted: true, rejected: true });
    const { run: done } = await h.driver.runUntilSettled(run.id);
    expect(done.status).toBe('failed');
    expect(done.steps['cutover-approval']?.error?.message).toBe(
      'Gate cutover rejected by @carol: primary is back.',
    );
    expect(statuses(done).launch).toBe('cancelled');
    const late = await h.engine.approve(run.id, 'cutover-approval', 'alice');
    expect(late.reason).toBe('gate-closed');
  });

  it('times out on the fake clock (30 minutes in milliseconds) and the audit says why', async () => {
    const h = createHarness();
    const run = await waitingFailover(h);
    await h.engine.approve(run.id, 'cutover-approval', 'alice');
    const waiting = await h.engine.advance(run.id);
    expect(waiting.wakeAt).toBe(run.createdAt + 30 * 60_000);
    h.clock.advanceTo(waiting.wakeAt ?? 0);
    const { run: done } = await h.engine.advance(run.id);
    expect(done.status).toBe('failed');
    const timedOut = h.published.find((e) => e.kind === 'approval.timed-out');
    expect(timedOut?.message).toContain('timed out');
    expect(timedOut?.message).toContain('1 of 2 approvals');
    expect(done.steps['cutover-approval']?.error?.code).toBe('GATE_TIMED_OUT');
  });

  it('200 concurrent approve calls open the gate exactly once', async () => {
    const h = createHarness();
    const run = await waitingFailover(h);
    const users = Array.from({ length: 200 }, (_, i) => `sre${i % 150}`);
    const answers = await Promise.all(users.map((u) => h.engine.approve(run.id, 'cutover-approval', u)));
    expect(answers.filter((a) => a.opened)).toHaveLength(1);
    expect(answers.filter((a) => a.counted)).toHaveLength(2);
    const stored = await h.engine.getRun(run.id);
    expect(stored.steps['cutover-approval']?.status).toBe('succeeded');
    const audit = await h.store.listAudit(run.id);
    expect(audit.map((e) => e.seq)).toEqual(audit.map((_, i) => i + 1));
    expect(audit.filter((e) => e.kind === 'approval.granted')).toHaveLength(1);
    expect(audit.filter((e) => e.kind === 'step.succeeded' && e.stepKey === 'cutover-approval')).toHaveLength(
      1,
    );
  });

  it('approvals racing with an advancing worker are merged, not lost', async () => {
    const h = createHarness();
    const run = await waitingFailover(h);
    await h.engine.approve(run.id, 'cutover-approval', 'alice');
    const [, answer] = await Promise.all([
      h.engine.advance(run.id),
      h.engine.approve(run.id, 'cutover-approval', 'bob'),
    ]);
    expect(answer.opened).toBe(true);
    const { run: done } = await h.driver.runUntilSettled(run.id);
    expect(done.status).toBe('succeeded');
    const audit = await h.store.listAudit(run.id);
    expect(audit.map((e) => e.seq)).toEqual(audit.map((_, i) => i + 1));
    expect(audit.filter((e) => e.kind === 'step.succeeded' && e.stepKey === 'cutover-approval')).toHaveLength(
      1,
    );
  });

  it('a manual step waits until an allowed person confirms it', async () => {
    const h = createHarness();
    const runbook = makeRunbook({
      steps: [
        { id: 'call-dba', action: 'manual', with: { instructions: 'Ask the DBA to promote the replica' } },
        { id: 'after', action: 'test.ok', needs: ['call-dba'] },
      ],
      access: { drill: { users: ['ian', 'olivia'] } },
    });
    const run = await h.run(runbook);
    expect(run.status).toBe('waiting');
    await expect(h.engine.confirmManual(run.id, 'call-dba', 'mallory')).rejects.toBeInstanceOf(
      NotAllowedError,
    );
    const confirmed = await h.engine.confirmManual(run.id, 'call-dba', 'olivia');
    expect(confirmed.steps['call-dba']).toMatchObject({
      status: 'succeeded',
      outputs: { confirmedBy: 'olivia' },
    });
    const { run: done } = await h.driver.runUntilSettled(run.id);
    expect(done.status).toBe('succeeded');
  });
});
