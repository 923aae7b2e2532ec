/**
 * End to end on the simulated cloud standing in for Alibaba Cloud (`spec.provider: alibaba`), with
 * the test's own runbooks and world (test/fixtures/alibaba): a cross-region ECS tier
 * (cn-hangzhou → cn-shanghai) and a cross-zone one (cn-hangzhou-h → cn-hangzhou-i, one region).
 * Each runs drill, failover and failback with the two-person approvals answered as
 * `--approve-as` does; every launch must land on the right side with Alibaba-shaped ids.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../bot/runtime/local.js';
import { driveToEnd } from '../../bot/runtime/run-local.js';
import { createAgentActions } from '../../engine/actions/registry.js';
import { FakeClock, SeededRandom } from '../../engine/adapters/memory/clock.js';
import type { SimCloud } from '../../engine/adapters/sim/sim-cloud.js';
import type { Run } from '../../engine/run.js';
import type { Mode } from '../../engine/runbook/types.js';
import { runAction } from '../engine/actions/fixtures.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/alibaba', import.meta.url));

let runtime: LocalRuntime | undefined;
afterEach(() => runtime?.close());

async function world() {
  runtime = await createLocalRuntime({
    inMemory: true,
    clock: new FakeClock(Date.parse('2026-03-02T09:00:00Z')),
    random: new SeededRandom(7),
    latencyScale: 1,
    runbooksDir: FIXTURES,
  });
  const rt = runtime;
  const sim = rt.cloud as SimCloud;
  const run = async (name: string, mode: Mode): Promise<Run> => {
    const runbook = rt.runbooks.get(name);
    if (!runbook) throw new Error(`fixture runbook ${name} missing`);
    const started = await rt.engine.startRun({ runbook, mode, initiator: 'alice', meta: { source: 'test' } });
    return driveToEnd(rt.engine, started.id, { approveAs: ['bob', 'carol'], confirmManual: false }, rt.clock);
  };
  const where = async (ids: string[]) => {
    const all = (await sim.inspect()).instances;
    return ids.map((id) => all.find((i) => i.id === id));
  };
  /** The tier lifecycle: a failover is committed (by an approver) and reprotected before a failback. */
  const commitAndReprotect = async (name: string, failover: Run) => {
    await rt.engine.commit(failover.id, 'bob');
    await rt.engine.reprotect(rt.runbooks.get(name)!, 'alice');
  };
  return { rt, sim, run, where, commitAndReprotect };
}

const launched = (run: Run) => (run.steps.launch?.outputs?.instanceIds as string[] | undefined) ?? [];

describe('Alibaba Cloud ECS tiers on the sim', () => {
  it('cross-region ecs tier: drill launches in cn-shanghai (i-uf…, from m-… images) and cleans up', async () => {
    const w = await world();
    const drill = await w.run('ecs-fixture-tier', 'drill');
    expect(drill.status).toBe('succeeded');
    const ids = launched(drill);
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => /^i-uf1[0-9a-z]{17}$/.test(id))).toBe(true);
    const from = Object.values(drill.steps['rpo-gate']?.outputs?.points as Record<string, string>);
    expect(from.every((id) => id.startsWith('m-uf1'))).toBe(true);
    // ecs.g7.large is sold out in cn-shanghai: the runbook's default type
    expect((await w.where(ids)).map((i) => [i?.region, i?.type, i?.state])).toEqual([
      ['cn-shanghai', 'ecs.g6.large', 'terminated'],
      ['cn-shanghai', 'ecs.g6.large', 'terminated'],
    ]);
  });

  it('cross-region ecs tier: failover then failback, behind the approvals, switching the Alidns record', async () => {
    const w = await world();
    const failover = await w.run('ecs-fixture-tier', 'failover');
    expect(failover.status).toBe('succeeded');
    const copies = await w.where(launched(failover));
    expect(copies.map((i) => i?.region)).toEqual(['cn-shanghai', 'cn-shanghai']);
    expect(w.sim.dnsRecord('shop.internal', 'ecs.shop.internal')).toBe(copies[0]?.privateIp);
    await w.commitAndReprotect('ecs-fixture-tier', failover);
    const failback = await w.run('ecs-fixture-tier', 'failback');
    expect(failback.status).toBe('succeeded');
    const home = await w.where(launched(failback));
    expect(home.every((i) => i?.region === 'cn-hangzhou' && i.id.startsWith('i-bp1'))).toBe(true);
    expect(w.sim.dnsRecord('shop.internal', 'ecs.shop.internal')).toBe(home[0]?.privateIp);
    // the failover copies in cn-shanghai are the ones stopped, nothing in cn-hangzhou
    expect((await w.where(launched(failover))).map((i) => i?.state)).toEqual(['stopped', 'stopped']);
  });

  it('cross-zone tier: the drill lands in cn-hangzhou-i from images used in place, and the originals are untouched', async () => {
    const w = await world();
    const drill = await w.run('ecs-fixture-zone-tier', 'drill');
    expect(drill.status).toBe('succeeded');
    const [copy] = await w.where(launched(drill));
    expect(copy).toMatchObject({ region: 'cn-hangzhou', zone: 'cn-hangzhou-i', state: 'terminated' });
    const [original] = await w.where(['i-bp1ecsapp0000000003']);
    expect(original).toMatchObject({ zone: 'cn-hangzhou-h', state: 'running' });
  });

  it('cross-zone tier: failover to zone i and failback to zone h stop only the zone-i copy', async () => {
    const w = await world();
    const failover = await w.run('ecs-fixture-zone-tier', 'failover');
    expect(failover.status).toBe('succeeded');
    const [copy] = await w.where(launched(failover));
    expect(copy).toMatchObject({ region: 'cn-hangzhou', zone: 'cn-hangzhou-i', state: 'running' });
    await w.commitAndReprotect('ecs-fixture-zone-tier', failover);
    const failback = await w.run('ecs-fixture-zone-tier', 'failback');
    expect(failback.status).toBe('succeeded');
    const [home] = await w.where(launched(failback));
    expect(home).toMatchObject({ zone: 'cn-hangzhou-h', state: 'running' });
    expect((await w.where([copy?.id as string]))[0]?.state).toBe('stopped');
    const [original] = await w.where(['i-bp1ecsapp0000000003']);
    expect(original?.state).toBe('running');
  });

  it('cross-zone tier: an agent step without instances acts on the zone-h original while a zone-i copy is newer', async () => {
    const w = await world();
    const failover = await w.run('ecs-fixture-zone-tier', 'failover');
    expect((await w.where(launched(failover)))[0]).toMatchObject({ zone: 'cn-hangzhou-i', state: 'running' });
    const actions = createAgentActions({ cloud: w.sim });
    const sent = vi.spyOn(w.sim, 'runCommand');
    const runbook = w.rt.runbooks.get('ecs-fixture-zone-tier')!;
    const thaw = await runAction(
      actions['agent.thaw']!,
      w.rt.clock as FakeClock,
      {},
      { mode: 'failover', runbook },
    );
    expect(thaw.result.status).toBe('done');
    expect(sent.mock.calls.map((c) => c[0])).toEqual([['i-bp1ecsapp0000000003']]);
  });
});
