import { describe, expect, it } from 'vitest';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import type { Engine, RunProvider } from '../../../engine/api.js';
import { NonRetryableError } from '../../../engine/errors.js';
import { createEngine } from '../../../engine/executor/index.js';
import { createTestActions } from '../../helpers/actions.js';
import { makeRunbook } from '../../helpers/runbook.js';

const steps = [{ id: 'launch', action: 'test.ok' }];
const alibabaTier = makeRunbook({ name: 'ecs-tier', provider: 'alibaba', steps });
const awsTier = makeRunbook({ name: 'app-tier', steps });

function world() {
  const store = new MemoryRunStore();
  const actions = createTestActions();
  const clock = new FakeClock();
  const random = new SeededRandom(5);
  const engineOn = (provider: RunProvider | undefined): Engine =>
    createEngine({
      store,
      clock,
      random,
      notifier: { publish: async () => undefined },
      directory: { membersOf: async () => [] },
      actions: actions.registry,
      ...(provider ? { provider } : {}),
    });
  return { store, actions, engineOn };
}

async function rejection(promise: Promise<unknown>): Promise<NonRetryableError> {
  try {
    await promise;
  } catch (err) {
    return err as NonRetryableError;
  }
  throw new Error('expected a rejection');
}

describe('executor: a runbook runs only on the cloud its spec.provider names', () => {
  it('an AWS drbot (the Lambda worker) refuses to start an Alibaba runbook, with the remedy', async () => {
    const { store, engineOn } = world();
    const err = await rejection(
      engineOn({ name: 'aws', region: 'us-west-2' }).startRun({
        runbook: alibabaTier,
        mode: 'drill',
        initiator: 'ian',
      }),
    );
    expect(err).toBeInstanceOf(NonRetryableError);
    expect(err.code).toBe('PROVIDER_NOT_CONFIGURED');
    expect(err.message).toContain('ecs-tier runs on alibaba');
    expect(err.action).toContain('--provider alibaba');
    expect(await store.listRuns({})).toEqual([]);
  });

  it('an Alibaba drbot refuses to start an AWS runbook (spec.provider absent means aws)', async () => {
    const { engineOn } = world();
    const err = await rejection(
      engineOn({ name: 'alibaba' }).startRun({ runbook: awsTier, mode: 'drill', initiator: 'ian' }),
    );
    expect(err.code).toBe('PROVIDER_NOT_CONFIGURED');
    expect(err.action).toContain('Lambda worker');
  });

  it('the sim stands in for every provider, and a matching real cloud starts its runbooks', async () => {
    const { engineOn } = world();
    const sim = await engineOn({ name: 'sim' }).startRun({
      runbook: alibabaTier,
      mode: 'drill',
      initiator: 'ian',
    });
    expect(sim.provider).toEqual({ name: 'sim' });
    const ali = await engineOn({ name: 'alibaba' }).startRun({
      runbook: makeRunbook({ name: 'other-ecs', provider: 'alibaba', steps }),
      mode: 'drill',
      initiator: 'ian',
    });
    expect(ali.provider).toEqual({ name: 'alibaba' });
  });

  it('an AWS worker never advances a run of an Alibaba runbook recorded without a provider', async () => {
    const { actions, engineOn } = world();
    // a run recorded before runs carried their provider: only the runbook says where it acts
    const run = await engineOn(undefined).startRun({ runbook: alibabaTier, mode: 'drill', initiator: 'ian' });
    expect(run.provider).toBeUndefined();
    const aws = engineOn({ name: 'aws', region: 'us-west-2' });
    const err = await rejection(aws.advance(run.id));
    expect(err.code).toBe('PROVIDER_NOT_CONFIGURED');
    expect(actions.calls).toEqual([]);
    expect((await aws.getRun(run.id)).steps.launch?.status).toBe('pending');
  });
});
