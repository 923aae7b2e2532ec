import { describe, expect, it } from 'vitest';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import type { Engine, RunProvider } from '../../../engine/api.js';
import { NonRetryableError } from '../../../engine/errors.js';
import { createEngine } from '../../../engine/executor/index.js';
import { createTestActions } from '../../helpers/actions.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { GROUPS } from './harness.js';

const failover = makeRunbook({
  modes: {
    failover: {
      steps: [
        { id: 'cutover-approval', action: 'approval', with: { gate: 'cutover' } },
        { id: 'launch', action: 'test.ok', needs: ['cutover-approval'] },
      ],
    },
  },
  approvals: {
    cutover: { required: 2, excludeInitiator: true, approvers: { groups: ['SRE'] }, timeout: '30m' },
  },
});

function world() {
  const clock = new FakeClock();
  const store = new MemoryRunStore();
  const actions = createTestActions();
  const engineOn = (provider: RunProvider | undefined, owner: string): Engine =>
    createEngine({
      store,
      clock,
      random: new SeededRandom(7),
      notifier: { publish: async () => undefined },
      directory: { membersOf: async (group) => GROUPS[group] ?? [] },
      actions: actions.registry,
      owner,
      ...(provider ? { provider } : {}),
    });
  return { store, engineOn };
}

async function rejection(promise: Promise<unknown>): Promise<NonRetryableError> {
  try {
    await promise;
  } catch (err) {
    return err as NonRetryableError;
  }
  throw new Error('expected a rejection');
}

describe('executor: one provider per run', () => {
  it('records the provider, account and region a run was started on', async () => {
    const { engineOn } = world();
    const aws = engineOn({ name: 'aws', account: '111122223333', region: 'us-west-2' }, 'w1');
    const run = await aws.startRun({ runbook: failover, mode: 'failover', initiator: 'ian' });
    expect(run.provider).toEqual({ name: 'aws', account: '111122223333', region: 'us-west-2' });
    expect((await aws.getRun(run.id)).provider).toEqual(run.provider);
  });

  it('a process on another provider never advances the run and names the provider it needs', async () => {
    const { engineOn } = world();
    const aws = engineOn({ name: 'aws', region: 'us-west-2' }, 'w1');
    const sim = engineOn({ name: 'sim' }, 'w2');
    const run = await aws.startRun({ runbook: failover, mode: 'failover', initiator: 'ian' });
    const err = await rejection(sim.advance(run.id));
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.code).toBe('RUN_PROVIDER_MISMATCH');
    expect(err.message).toContain('aws (us-west-2)');
    expect((await sim.getRun(run.id)).steps['cutover-approval']?.status).toBe('pending');
    expect((await aws.advance(run.id)).run.steps['cutover-approval']?.status).toBe('waiting');
  });

  it('refuses approvals, rejections and confirmations from another provider: no /as on a real run', async () => {
    const { engineOn, store } = world();
    const aws = engineOn({ name: 'aws' }, 'w1');
    const sim = engineOn({ name: 'sim' }, 'w2');
    const run = await aws.startRun({ runbook: failover, mode: 'failover', initiator: 'ian' });
    await aws.advance(run.id);
    for (const attempt of [
      sim.approve(run.id, 'cutover-approval', 'bob'),
      sim.reject(run.id, 'cutover-approval', 'carol', 'no'),
      sim.confirmManual(run.id, 'cutover-approval', 'bob'),
    ]) {
      expect((await rejection(attempt)).code).toBe('RUN_PROVIDER_MISMATCH');
    }
    expect((await store.getGate(run.id, 'cutover-approval'))?.approvals).toEqual([]);
    expect(await aws.approve(run.id, 'cutover-approval', 'bob')).toMatchObject({ counted: true });
  });

  it('refuses another account or region of the same cloud, and drives runs that recorded none', async () => {
    const { engineOn } = world();
    const east = engineOn({ name: 'aws', region: 'us-east-1' }, 'w1');
    const west = engineOn({ name: 'aws', region: 'us-west-2' }, 'w2');
    const run = await east.startRun({ runbook: failover, mode: 'failover', initiator: 'ian' });
    expect((await rejection(west.advance(run.id))).code).toBe('RUN_PROVIDER_MISMATCH');
    const other = world();
    const legacy = other.engineOn(undefined, 'w3');
    const old = await legacy.startRun({ runbook: failover, mode: 'failover', initiator: 'ian' });
    expect(old.provider).toBeUndefined();
    expect((await other.engineOn({ name: 'aws', region: 'us-west-2' }, 'w4').advance(old.id)).advanced).toBe(
      true,
    );
  });
});
