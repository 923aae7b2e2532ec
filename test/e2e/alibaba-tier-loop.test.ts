/**
 * The whole tier lifecycle of an Alibaba Cloud ECS tier on the sim, through the chat commands the
 * shell and Slack share: drill → failover → switch point → commit → reprotect → drill (from the
 * new live site) → failback → drill, for a cross-region pair (cn-hangzhou → cn-shanghai) and a
 * cross-zone one (cn-hangzhou-h → cn-hangzhou-i). Its own runbooks and world: test/fixtures/alibaba.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { executeCommand } from '../../bot/commands/execute.js';
import { parseCommand } from '../../bot/commands/grammar.js';
import type { Reply } from '../../bot/commands/replies.js';
import { createLocalRuntime, type LocalRuntime } from '../../bot/runtime/local.js';
import { protectPass } from '../../bot/runtime/protect-local.js';
import { driveToEnd } from '../../bot/runtime/run-local.js';
import type { BotServices } from '../../bot/services.js';
import { FakeClock, SeededRandom } from '../../engine/adapters/memory/clock.js';
import type { SimCloud } from '../../engine/adapters/sim/sim-cloud.js';
import type { Instance } from '../../engine/cloud/compute.js';
import type { Run } from '../../engine/run.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/alibaba', import.meta.url));

/** One side of a site pair as the fixture world lays it out. */
interface Site {
  region: string;
  zone: string;
  /** Alibaba's region letters in ids: i-bp1… in cn-hangzhou, i-uf1… in cn-shanghai. */
  ids: string;
  /** The production vSwitch's range, as a prefix. */
  subnet: string;
  /** How chat names the site: the zone of a cross-zone pair (both sides are one region). */
  label: string;
}

interface Pair {
  runbook: string;
  record: string;
  originals: string[];
  source: Site;
  target: Site;
}

const HANGZHOU: Site = {
  region: 'cn-hangzhou',
  zone: 'cn-hangzhou-h',
  ids: 'bp1',
  subnet: '192.168.1.',
  label: 'cn-hangzhou',
};
const PAIRS: Pair[] = [
  {
    runbook: 'ecs-fixture-tier',
    record: 'ecs.shop.internal',
    originals: ['i-bp1ecsweb0000000001', 'i-bp1ecsweb0000000002'],
    source: HANGZHOU,
    target: {
      region: 'cn-shanghai',
      zone: 'cn-shanghai-e',
      ids: 'uf1',
      subnet: '10.2.1.',
      label: 'cn-shanghai',
    },
  },
  {
    runbook: 'ecs-fixture-zone-tier',
    record: 'app.shop.internal',
    originals: ['i-bp1ecsapp0000000003'],
    source: { ...HANGZHOU, label: 'cn-hangzhou-h' },
    target: {
      region: 'cn-hangzhou',
      zone: 'cn-hangzhou-i',
      ids: 'bp1',
      subnet: '192.168.2.',
      label: 'cn-hangzhou-i',
    },
  },
];

let runtime: LocalRuntime | undefined;
afterEach(() => runtime?.close());

async function world() {
  const clock = new FakeClock(Date.parse('2026-03-02T09:00:00Z'));
  runtime = await createLocalRuntime({
    inMemory: true,
    clock,
    random: new SeededRandom(7),
    latencyScale: 1,
    runbooksDir: FIXTURES,
  });
  const rt = runtime;
  const sim = rt.cloud as SimCloud;
  const services: BotServices = {
    engine: rt.engine,
    store: rt.store,
    runbooks: () => rt.runbooks,
    directory: rt.directory,
    clock: rt.clock,
    driver: rt.driver,
    ...(rt.network ? { readiness: { cloud: rt.cloud, network: rt.network } } : {}),
  };
  const say = async (user: string, line: string): Promise<Reply> => {
    const parsed = parseCommand(line, 'shell');
    if (!parsed.ok) throw new Error(`${line}: ${parsed.error.problem}`);
    return (await executeCommand(services, parsed.command, { user, surface: 'shell' })).reply;
  };
  /** A run started by `user` in chat, its approvals answered by bob and carol (never the initiator). */
  const started = async (user: string, line: string): Promise<Run> => {
    const reply = await say(user, line);
    if (reply.kind !== 'started') throw new Error(`${line}: ${JSON.stringify(reply)}`);
    return driveToEnd(rt.engine, reply.run.id, { approveAs: ['bob', 'carol'], confirmManual: false }, clock);
  };
  const tier = async (name: string) => {
    const reply = await say('alice', `status ${name}`);
    if (reply.kind !== 'tier') throw new Error(JSON.stringify(reply));
    return reply.tier;
  };
  const instances = async (ids: string[]): Promise<Instance[]> => {
    const all = (await sim.inspect()).instances;
    return ids.map((id) => all.find((i) => i.id === id)!);
  };
  return { rt, sim, clock, say, started, tier, instances };
}

const launched = (run: Run) => run.steps.launch!.outputs!.instanceIds as string[];

/** Copies on `site`: Alibaba ids of its region, in its zone, from m-… images, in `state`. */
function expectOn(copies: Instance[], site: Site, state: Instance['state'], subnet = true): void {
  expect(copies.length).toBeGreaterThan(0);
  for (const c of copies) {
    expect(c.id).toMatch(new RegExp(`^i-${site.ids}[0-9a-z]{17}$`));
    expect(c).toMatchObject({ region: site.region, state });
    expect(c.tags['drbot:recovery-point']).toMatch(/^m-/);
    if (subnet) {
      expect(c.zone).toBe(site.zone);
      expect(c.privateIp?.startsWith(site.subnet), `${c.id} at ${c.privateIp}`).toBe(true);
    }
  }
}

describe.each(PAIRS)('the tier lifecycle of $runbook on the sim', (pair) => {
  it('drill → failover → switch point → commit → reprotect → drill → failback → drill', async () => {
    const w = await world();
    const name = pair.runbook;
    const originalsBefore = await w.instances(pair.originals);
    const originalsUntouched = async () =>
      expect(await w.instances(pair.originals)).toEqual(originalsBefore.map((o) => ({ ...o })));
    const record = () => w.sim.dnsRecord('shop.internal', pair.record);
    const recordBefore = record();

    // drill: isolated copies on the target, cleaned up; production and its record untouched
    const drill1 = await w.started('alice', `drill ${name}`);
    expect(drill1.status).toBe('succeeded');
    expectOn(await w.instances(launched(drill1)), { ...pair.target, subnet: '' }, 'terminated', false);
    await originalsUntouched();
    expect(record()).toBe(recordBefore);

    // failover, approved by two people other than the initiator
    const failover = await w.started('alice', `failover ${name}`);
    expect(failover.status).toBe('succeeded');
    const approvers = (await w.rt.store.listAudit(failover.id))
      .filter((e) => e.kind === 'approval.recorded')
      .map((e) => e.actor);
    expect(new Set(approvers)).toEqual(new Set(['bob', 'carol']));
    const first = await w.instances(launched(failover));
    expectOn(first, pair.target, 'running');
    expect(first).toHaveLength(pair.originals.length);
    expect(record()).toBe(first[0]!.privateIp);
    expect((await w.tier(name)).active).toMatchObject({ side: 'target', region: pair.target.region });
    expect((await w.tier(name)).pendingCommit?.runId).toBe(failover.id);

    // the points to switch to: the originals' images on the target
    const points = await w.say('alice', `points ${name}`);
    if (points.kind !== 'points') throw new Error(JSON.stringify(points));
    expect(new Set(points.rows.map((r) => r.instanceId))).toEqual(new Set(pair.originals));
    expect(points.rows.every((r) => r.region === pair.target.region && r.pointId.startsWith('m-'))).toBe(
      true,
    );
    const chosen = failover.steps['rpo-gate']!.outputs!.chosenPoint as { capturedAt: number };
    const earlier = points.rows.find((r) => r.capturedAt < chosen.capturedAt)!;
    expect(earlier).toBeDefined();

    // switch point: new copies from the earlier images; the first failover's copies deleted after
    const reply = await w.say('dave', `switch-point ${failover.id} ${earlier.pointId}`);
    if (reply.kind !== 'started') throw new Error(JSON.stringify(reply));
    const switched = await driveToEnd(
      w.rt.engine,
      reply.run.id,
      { approveAs: ['bob', 'carol'], confirmManual: false },
      w.clock,
    );
    expect(switched.status).toBe('succeeded');
    expect(switched.steps['retire-previous']?.status).toBe('succeeded');
    expect((await w.instances(launched(failover))).map((i) => i.state)).toEqual(
      first.map(() => 'terminated'),
    );
    const second = await w.instances(launched(switched));
    expectOn(second, pair.target, 'running');
    const earlierIds = new Set(
      points.rows.filter((r) => r.capturedAt === earlier.capturedAt).map((r) => r.pointId),
    );
    expect(second.every((c) => earlierIds.has(c.tags['drbot:recovery-point']!))).toBe(true);
    expect(record()).toBe(second[0]!.privateIp);
    await originalsUntouched();

    // commit by an approver: the target is live for good
    const commit = await w.say('bob', `commit ${switched.id}`);
    if (commit.kind !== 'tier') throw new Error(JSON.stringify(commit));
    expect(commit.headline).toContain(`stays live in ${pair.target.label}.`);
    const again = await w.say('alice', `failover ${name}`);
    expect(again.kind === 'error' && again.error.message).toContain(`is live in ${pair.target.label} since`);
    const committed = await w.tier(name);
    expect(committed.committed).toMatchObject({ runId: switched.id, by: 'bob' });
    expect(committed.pendingCommit).toBeUndefined();

    // reprotect: the live copies captured on the target and copied toward the source
    const reprotect = await w.say('alice', `reprotect ${name}`);
    if (reprotect.kind !== 'tier') throw new Error(JSON.stringify(reprotect));
    expect(reprotect.tier.protection).toMatchObject({ direction: 'target→source', state: 'protecting' });
    expect(reprotect.headline).toContain(`protecting ${pair.target.label} → ${pair.source.label}.`);
    expect(reprotect.tier.protection.inventory.map((i) => i.instanceId).sort()).toEqual(
      second.map((c) => c.id).sort(),
    );
    expect(reprotect.tier.protection.newestPoint?.id).toMatch(new RegExp(`^m-${pair.source.ids}`));
    for (const c of second) {
      const point = await w.sim.latestRecoveryPoint(c.id, pair.source.region);
      expect(point?.id).toMatch(new RegExp(`^m-${pair.source.ids}`));
    }

    // drill from the new live site: copies on the source side, the live copies untouched
    const drill2 = await w.started('alice', `drill ${name}`);
    expect(drill2.status).toBe('succeeded');
    expect(drill2.direction).toBe('reverse');
    expectOn(await w.instances(launched(drill2)), pair.source, 'terminated', false);
    expect((await w.instances(second.map((c) => c.id))).map((c) => c.state)).toEqual(
      second.map(() => 'running'),
    );
    expect(record()).toBe(second[0]!.privateIp);

    // failback: copies on the source site take the traffic, the target copies are stopped
    const failback = await w.started('alice', `failback ${name}`);
    expect(failback.status).toBe('succeeded');
    const home = await w.instances(launched(failback));
    expectOn(home, pair.source, 'running');
    expect(record()).toBe(home[0]!.privateIp);
    expect((await w.instances(second.map((c) => c.id))).map((c) => c.state)).toEqual(
      second.map(() => 'stopped'),
    );
    const back = await w.tier(name);
    expect(back.active).toMatchObject({ side: 'source', region: pair.source.region, sinceRun: failback.id });
    expect(back.protection).toMatchObject({ direction: 'source→target', state: 'protecting' });

    // the hourly protection of the new production, then a forward drill again
    const pass = await protectPass(w.rt, w.rt.runbooks.get(name)!, { fakeClock: w.clock });
    expect(pass.rows.map((r) => r.instanceId).sort()).toEqual(home.map((c) => c.id).sort());
    const drill3 = await w.started('alice', `drill ${name}`);
    expect(drill3.status).toBe('succeeded');
    expect(drill3.direction).toBeUndefined();
    expectOn(await w.instances(launched(drill3)), pair.target, 'terminated', false);
    expect((await w.instances(home.map((c) => c.id))).every((c) => c.state === 'running')).toBe(true);
    await originalsUntouched();

    // a second failover lands beside the copies the failback stopped (they keep their addresses)
    const failover2 = await w.started('alice', `failover ${name}`);
    expect(failover2.status).toBe('succeeded');
    const again2 = await w.instances(launched(failover2));
    expectOn(again2, pair.target, 'running');
    const stopped = await w.instances(second.map((c) => c.id));
    expect(stopped.map((c) => c.state)).toEqual(second.map(() => 'stopped'));
    expect(again2.some((c) => stopped.some((s) => s.privateIp === c.privateIp))).toBe(false);
    expect(record()).toBe(again2[0]!.privateIp);

    // the trail names who chose what
    const trail = async (run: Run) => (await w.rt.store.listAudit(run.id)).map((e) => `${e.kind} ${e.actor}`);
    expect(await trail(failover)).toContain('tier.point-switch-requested dave');
    expect(await trail(switched)).toEqual(
      expect.arrayContaining(['tier.committed bob', 'tier.reprotected alice']),
    );
  });
});
