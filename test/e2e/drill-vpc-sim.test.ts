/**
 * A drill in its own per-run isolated VPC on the simulated cloud (fixture runbook
 * test/fixtures/drill-vpc/vpc-tier.yaml): network.drillVpc creates the VPC, ec2.launch places
 * every TEST copy in its subnets with only its security group and no production address, cleanup
 * terminates the copies and then deletes the VPC. And a process killed right after the VPC was
 * created (the step's answer never saved) resumes with a fresh runtime: exactly one VPC.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../bot/runtime/local.js';
import { driveToEnd } from '../../bot/runtime/run-local.js';
import { FakeClock, SeededRandom } from '../../engine/adapters/memory/clock.js';
import { MemoryRunStore } from '../../engine/adapters/memory/store.js';
import type { SimCloud } from '../../engine/adapters/sim/sim-cloud.js';
import { ipInCidr } from '../../engine/network/cidr.js';
import { DRILL_VPC_TAG } from '../../engine/network/drill-vpc.js';

const RUNBOOKS = 'test/fixtures/drill-vpc';
const people = { approveAs: [], confirmManual: false };
const opened: LocalRuntime[] = [];
afterEach(async () => {
  for (const rt of opened.splice(0)) await rt.close();
});

async function runtimeFor(
  store: MemoryRunStore,
  clock: FakeClock,
  runbooksDir = RUNBOOKS,
): Promise<LocalRuntime> {
  const rt = await createLocalRuntime({
    store,
    clock,
    random: new SeededRandom(5),
    latencyScale: 1,
    runbooksDir,
  });
  opened.push(rt);
  return rt;
}

const simOf = (rt: LocalRuntime) => rt.cloud as SimCloud;

/** The drill VPCs the sim's network holds now (any run) and has created so far. */
function drillVpcs(rt: LocalRuntime) {
  const state = simOf(rt).network!.snapshot();
  const live = (state.topologies['us-west-2'] ?? []).filter((t) => t.vpc.tags[DRILL_VPC_TAG]);
  return { live, created: state.drillVpcsCreated ?? 0 };
}

describe('a drill in a per-run isolated VPC on the sim', () => {
  it('creates the VPC, launches every copy into it, then terminates them and deletes it', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 2, 9));
    const rt = await runtimeFor(new MemoryRunStore(), clock);
    const runbook = rt.runbooks.get('vpc-tier')!;
    expect(runbook, JSON.stringify(rt.runbookIssues)).toBeDefined();
    // another run's drill VPC, which this run's cleanup must leave alone
    const other = await simOf(rt).network!.createDrillVpc({
      region: 'us-west-2',
      runId: 'other-run',
      cidr: '10.250.0.0/16',
      zones: ['us-west-2a'],
      expiresAt: clock.now() + 3_600_000,
    });
    const started = await rt.engine.startRun({ runbook, mode: 'drill', initiator: 'alice' });
    let during: ReturnType<typeof drillVpcs> | undefined;
    // stop once the copies are up to look at the VPC while it exists
    for (let i = 0; i < 200 && !during; i++) {
      const r = await rt.engine.advance(started.id);
      if (r.run.steps.health?.status === 'succeeded') during = drillVpcs(rt);
      if (r.wakeAt !== undefined) clock.advanceTo(r.wakeAt);
    }
    const mine = during!.live.filter((t) => t.vpc.tags[DRILL_VPC_TAG] === started.id);
    expect(mine).toHaveLength(1);
    const vpc = mine[0]!;
    expect(vpc.vpc.tags).toMatchObject({ 'drbot:run-id': started.id, 'drbot:expires': expect.any(String) });
    // isolated: only the local route, the group admits only itself
    expect(vpc.routeTables.flatMap((t) => t.routes.map((r) => r.target.kind))).toEqual(['local']);
    expect(vpc.internetGateway).toBeUndefined();
    const group = vpc.securityGroups[0]!;
    expect(group.ingress).toEqual([expect.objectContaining({ cidrs: [], groupIds: [group.id] })]);
    // the agent's way to SSM without a route out: interface endpoints in every drill subnet
    expect(vpc.endpoints.map((e) => [e.service, e.type, e.privateDns])).toEqual([
      ['com.amazonaws.us-west-2.ssm', 'Interface', true],
      ['com.amazonaws.us-west-2.ssmmessages', 'Interface', true],
      ['com.amazonaws.us-west-2.ec2messages', 'Interface', true],
    ]);
    expect(vpc.endpoints[0]!.subnetIds).toEqual(vpc.subnets.map((x) => x.id));

    const run = await driveToEnd(rt.engine, started.id, people, clock);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    const out = run.steps['drill-vpc']!.outputs as { vpcId: string; subnetIds: string[]; created: boolean };
    expect(out.vpcId).toBe(vpc.vpc.id);
    expect(out.created).toBe(true);
    // the range overlaps no VPC of the region (10.200.0.0/16, the first free candidate)
    expect(vpc.vpc.cidrs).toEqual(['10.200.0.0/16']);

    const ids = run.steps.launch!.outputs!.instanceIds as string[];
    expect(ids).toHaveLength(3);
    const copies = (await simOf(rt).inspect()).instances.filter((i) => ids.includes(i.id));
    expect(copies).toHaveLength(3);
    for (const copy of copies) {
      expect(out.subnetIds).toContain(copy.subnetId);
      expect(copy.securityGroups).toEqual([group.id]);
      expect(ipInCidr(copy.privateIp!, '10.200.0.0/16')).toBe(true);
      expect(copy.state).toBe('terminated');
    }
    // placed by the drill VPC: no nagging about the originals' unmapped subnets
    const trail = await rt.store.listAudit(started.id);
    expect(trail.filter((e) => e.kind === 'step.note' && /has no mapping/.test(e.message))).toEqual([]);
    expect(run.steps['cleanup:delete-vpc']?.status).toBe('succeeded');
    const deleted = run.steps['cleanup:delete-vpc']!.outputs!.deleted as string[];
    expect(deleted).toContain(vpc.vpc.id);
    expect(deleted).toEqual(expect.arrayContaining(out.subnetIds));
    // gone, and only it: the other run's drill VPC is still there
    const after = drillVpcs(rt);
    expect(after.live.map((t) => t.vpc.id)).toEqual([other.vpcId]);
    expect(deleted).not.toContain(other.vpcId);
    expect(after.created).toBe(2);
  });

  it('without the SSM endpoints (serviceEndpoints: []) the health step fails SSM_UNREACHABLE, and cleanup still deletes the VPC', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 2, 11));
    const rt = await runtimeFor(new MemoryRunStore(), clock, 'test/fixtures/drill-vpc-closed');
    const runbook = rt.runbooks.get('vpc-tier')!;
    expect(runbook, JSON.stringify(rt.runbookIssues)).toBeDefined();
    const started = await rt.engine.startRun({ runbook, mode: 'drill', initiator: 'alice' });
    const run = await driveToEnd(rt.engine, started.id, people, clock);
    expect(run.status).toBe('failed');
    expect(run.steps['wait-healthy']?.status).toBe('succeeded');
    expect(run.steps.health).toMatchObject({ status: 'failed', error: { code: 'SSM_UNREACHABLE' } });
    expect(run.steps.health!.error!.message).toMatch(/no ssm, ssmmessages, ec2messages endpoint/);
    expect(run.steps['cleanup:delete-vpc']?.status).toBe('succeeded');
    expect(drillVpcs(rt).live).toEqual([]);
  });

  it('resumes a drill killed after the VPC was created (answer never saved): exactly one VPC', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 2, 10));
    const store = new MemoryRunStore();
    const first = await runtimeFor(store, clock);
    const runbook = first.runbooks.get('vpc-tier')!;
    const started = await first.engine.startRun({ runbook, mode: 'drill', initiator: 'alice' });
    // the crash window: the cloud created the VPC, the process died before the result was stored
    const save = store.saveRun.bind(store);
    let killed = false;
    store.saveRun = async (run, expected) => {
      if (!killed && run.steps['drill-vpc']?.status === 'succeeded') {
        killed = true;
        throw new Error('killed before the step result was saved');
      }
      return save(run, expected);
    };
    await expect(first.engine.advance(started.id)).rejects.toThrow(/killed/);
    expect(killed).toBe(true);
    expect(drillVpcs(first).created).toBe(1);
    const stored = (await store.getRun(started.id))!;
    expect(stored.steps['drill-vpc']).toMatchObject({ status: 'running', intent: { acknowledged: false } });
    store.saveRun = save;
    await first.close();
    opened.splice(opened.indexOf(first), 1);

    const second = await runtimeFor(store, clock);
    const run = await driveToEnd(second.engine, started.id, people, clock);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps['drill-vpc']!.outputs!.created).toBe(false);
    const trail = await store.listAudit(started.id);
    expect(trail.filter((e) => e.kind === 'step.note' && /Reused drill VPC/.test(e.message))).toHaveLength(1);
    const after = drillVpcs(second);
    expect(after.created).toBe(1);
    expect(after.live).toEqual([]);
    expect(run.steps['cleanup:delete-vpc']?.status).toBe('succeeded');
  });
});
