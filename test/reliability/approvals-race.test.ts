/**
 * Concurrent approvals, against the memory store AND DynamoDB (dynalite on loopback): 200
 * approve/reject clicks race from six people — the initiator (an approver too, excluded by the
 * gate), three approvers and two outsiders — while a worker advances the run. Whatever the
 * interleaving: the gate records exactly the distinct authorised non-initiator approvals, opens
 * once, and nobody else changes anything.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock, SeededRandom } from '../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../engine/adapters/memory/store.js';
import type { ApprovalAnswer, Engine } from '../../engine/api.js';
import { LocalDriver } from '../../engine/driver/local-driver.js';
import { createEngine } from '../../engine/executor/index.js';
import type { RunStore } from '../../engine/ports.js';
import { createTestActions } from '../helpers/actions.js';
import { useDynalite } from '../helpers/dynalite.js';
import { makeRunbook } from '../helpers/runbook.js';
import { trailProblems } from './support/audit-checks.js';

const INITIATOR = 'ian';
const APPROVERS = ['alice', 'bob', 'carol'];
const OUTSIDERS = ['olivia', 'oscar'];
const USERS = [INITIATOR, ...APPROVERS, ...OUTSIDERS];
const CLICKS = 200;
const SOAK = Boolean(process.env.DRBOT_SOAK);
const STEP = 'cutover-approval';

const runbook = (required: number) =>
  makeRunbook({
    name: 'race-tier',
    modes: {
      failover: {
        steps: [
          { id: STEP, action: 'approval', with: { gate: 'cutover' } },
          { id: 'launch', action: 'test.ok', needs: [STEP] },
        ],
      },
    },
    access: { failover: { users: ['*'] } },
    approvals: { cutover: { required, excludeInitiator: true, approvers: { groups: ['SRE'] } } },
  });

function setup(store: RunStore) {
  const clock = new FakeClock();
  const make = (owner: string): Engine =>
    createEngine({
      store,
      clock,
      random: new SeededRandom(7),
      notifier: { publish: async () => undefined },
      directory: {
        membersOf: async (group) => (group === 'SRE' ? [INITIATOR, ...APPROVERS] : OUTSIDERS),
      },
      actions: createTestActions().registry,
      owner,
    });
  const engine = make('clicks');
  const worker = make('worker');
  return { engine, worker, driver: new LocalDriver({ engine: worker, clock }) };
}

/** A seeded shuffle of 200 clicks: every user, both verbs, many repeats. */
function clicks(seed: number, approversReject: boolean): { user: string; verb: 'approve' | 'reject' }[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: CLICKS }, (_, i) => {
    const user = USERS[i % USERS.length]!;
    const mayReject = approversReject || !APPROVERS.includes(user);
    const verb: 'approve' | 'reject' = mayReject && random.next() < 0.5 ? 'reject' : 'approve';
    return { user, verb };
  }).sort(() => random.next() - 0.5);
}

const dynalite = useDynalite();
const STORES: { name: string; create: () => RunStore }[] = [
  { name: 'memory', create: () => new MemoryRunStore() },
  { name: 'dynalite', create: () => dynalite.newStore() },
];

describe.each(STORES)('approvals racing on the $name store', ({ create }) => {
  async function race(required: number, seed: number, approversReject: boolean) {
    const store = create();
    const { engine, worker, driver } = setup(store);
    const started = await engine.startRun({
      runbook: runbook(required),
      mode: 'failover',
      initiator: INITIATOR,
    });
    expect((await driver.runUntilSettled(started.id)).status).toBe('waiting');
    const plan = clicks(seed, approversReject);
    const answers = await Promise.all([
      ...plan.map(({ user, verb }) =>
        verb === 'approve'
          ? engine.approve(started.id, STEP, user)
          : engine.reject(started.id, STEP, user, 'race'),
      ),
      // A worker advancing in the middle of the clicks must merge, not lose, their decisions.
      worker.advance(started.id),
    ]);
    const clickAnswers = answers.slice(0, plan.length) as ApprovalAnswer[];
    const done = await driver.runToCompletion(started.id);
    const gate = await store.getGate(started.id, STEP);
    const trail = await store.listAudit(started.id);
    return { plan, clickAnswers, done, gate, trail };
  }

  it('records exactly the three approvers (never the initiator or outsiders) and opens the gate once', async () => {
    const { plan, clickAnswers, done, gate, trail } = await race(3, 1, false);
    expect(gate?.approvals.map((a) => a.user).sort()).toEqual([...APPROVERS].sort());
    expect(gate?.decision?.outcome).toBe('approved');
    expect(clickAnswers.filter((a) => a.opened)).toHaveLength(1);
    expect(clickAnswers.filter((a) => a.counted && !a.rejected)).toHaveLength(APPROVERS.length);
    expect(clickAnswers.some((a) => a.rejected)).toBe(false);
    // Nobody unauthorised changed anything: each of their clicks was refused.
    plan.forEach(({ user }, i) => {
      if (!APPROVERS.includes(user)) expect(clickAnswers[i]?.counted, user).toBe(false);
    });
    expect(done.status).toBe('succeeded');
    expect(done.steps[STEP]?.outputs?.approvers).toEqual(expect.arrayContaining(APPROVERS));
    expect(trail.filter((e) => e.kind === 'approval.granted')).toHaveLength(1);
    expect(trail.filter((e) => e.kind === 'step.succeeded' && e.stepKey === STEP)).toHaveLength(1);
    expect(trail.filter((e) => e.kind === 'approval.rejected')).toHaveLength(0);
    expect(trailProblems(done, trail)).toEqual([]);
  });

  it('with approvers also rejecting, exactly one decision wins and it is an approver’s', async () => {
    for (const seed of SOAK ? [2, 3, 4, 5, 6, 7, 8, 9] : [2, 3]) {
      const { clickAnswers, done, gate, trail } = await race(2, seed, true);
      const opened = clickAnswers.filter((a) => a.opened).length;
      const rejected = clickAnswers.filter((a) => a.rejected).length;
      expect(opened + rejected, `seed ${seed}`).toBe(1);
      expect(APPROVERS).toContain(gate?.decision?.by ?? (gate?.approvals.at(-1)?.user as string));
      for (const approval of gate?.approvals ?? []) expect(APPROVERS).toContain(approval.user);
      if (rejected) {
        expect(gate?.decision?.outcome).toBe('rejected');
        expect(done.status).toBe('failed');
        expect(done.steps.launch?.status).toBe('cancelled');
      } else {
        expect(gate?.decision?.outcome).toBe('approved');
        expect(gate?.approvals).toHaveLength(2);
        expect(done.status).toBe('succeeded');
      }
      const decisions = trail.filter((e) => e.kind === 'approval.granted' || e.kind === 'approval.rejected');
      expect(decisions).toHaveLength(1);
      expect(trailProblems(done, trail)).toEqual([]);
    }
  });
});
