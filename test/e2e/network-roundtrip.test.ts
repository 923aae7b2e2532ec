/**
 * Network round trip on the simulated cloud, in-process on one local runtime (in-memory store,
 * fake clock, the real app-tier runbook and world): replicate the VPC with a CIDR remap, write the
 * blueprints, drill, fail over and fail back, with approvals answered through the engine API as
 * `--approve-as` does. The mapping must read the same both ways, and every launch must land in the
 * subnets and addresses the mapping gives.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRuntime, type LocalRuntime } from '../../bot/runtime/local.js';
import { protectPass } from '../../bot/runtime/protect-local.js';
import { driveToEnd } from '../../bot/runtime/run-local.js';
import { FakeClock, SeededRandom } from '../../engine/adapters/memory/clock.js';
import type { SimCloud } from '../../engine/adapters/sim/sim-cloud.js';
import type { Instance } from '../../engine/cloud/compute.js';
import {
  type BlueprintDoc,
  blueprintDocId,
  createBlueprintSource,
} from '../../engine/network/blueprint-source.js';
import { BLUEPRINT_DOC_KIND, loadRunbookMapping } from '../../engine/network/mapping-store.js';
import { replicateNetwork } from '../../engine/network/replicate.js';
import type { Run } from '../../engine/run.js';
import type { Mode, Runbook } from '../../engine/runbook/types.js';

const RUNBOOKS = fileURLToPath(new URL('../fixtures/tiers', import.meta.url));
const REMAP = { from: '10.0.0.0/16', to: '20.0.0.0/16' };
const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';

let runtime: LocalRuntime;
let runbook: Runbook;
let sim: SimCloud;
/** The protected fleet as the world seeds it, by id. */
let originals: Map<string, Instance>;

async function runMode(mode: Mode): Promise<Run> {
  const started = await runtime.engine.startRun({
    runbook,
    mode,
    initiator: 'alice',
    meta: { source: 'test' },
  });
  const people = { approveAs: ['bob', 'carol'], confirmManual: false };
  return driveToEnd(runtime.engine, started.id, people, runtime.clock);
}

async function launchedBy(run: Run, region: string): Promise<Instance[]> {
  const ids = run.steps.launch?.outputs?.instanceIds as string[];
  expect(ids.length).toBe(3);
  const all = (await sim.inspect()).instances;
  return ids.map((id) => {
    const found = all.find((i) => i.id === id && i.region === region);
    if (!found) throw new Error(`${id} not found in ${region}`);
    return found;
  });
}

describe('network round trip on the sim: replicate → blueprint → drill → failover → failback', () => {
  beforeAll(async () => {
    runtime = await createLocalRuntime({
      inMemory: true,
      clock: new FakeClock(Date.parse('2025-03-03T09:00:00Z')),
      random: new SeededRandom(3),
      latencyScale: 1,
      runbooksDir: RUNBOOKS,
    });
    runbook = runtime.runbooks.get('app-tier')!;
    sim = runtime.cloud as SimCloud;
    originals = new Map(
      (await sim.listProtected(runbook.spec.protect, SOURCE)).map((i) => [i.id, structuredClone(i)]),
    );
  });
  afterAll(() => runtime?.close());

  it('replicates the source VPC with a remap and reads the mapping the same both ways', async () => {
    expect(runtime.network).toBeDefined();
    const result = await replicateNetwork({
      network: runtime.network!,
      store: runtime.store,
      clock: runtime.clock,
      runbook: 'app-tier',
      sourceRegion: SOURCE,
      targetRegion: TARGET,
      instances: [...originals.values()],
      cidrRemap: REMAP,
      replicatedBy: 'cli',
    });
    expect(result.created).toBeGreaterThan(10);
    const mapping = await loadRunbookMapping(runtime.store, 'app-tier');
    const entries = mapping.entries();
    expect(entries.length).toBeGreaterThan(10);
    for (const e of entries) {
      expect(mapping.lookupTarget(e.sourceId)).toBe(e.targetId);
      expect(mapping.lookupSource(e.targetId)).toBe(e.sourceId);
    }
    for (const i of originals.values()) {
      const ip = mapping.forward().ip(i.privateIp!);
      expect(ip.startsWith('20.0.')).toBe(true);
      expect(mapping.reverse().ip(ip)).toBe(i.privateIp);
      const subnet = mapping.lookupTarget(i.subnetId!)!;
      expect(sim.network!.subnet(TARGET, subnet)?.cidr.startsWith('20.0.')).toBe(true);
    }
  });

  it('writes blueprints filled from the mapping, with the default type where the region lacks one', async () => {
    const mapping = await loadRunbookMapping(runtime.store, 'app-tier');
    const points: Record<string, string> = {};
    for (const id of originals.keys()) points[id] = (await sim.latestRecoveryPoint(id, TARGET))!.id;
    const source = createBlueprintSource({
      store: runtime.store,
      network: runtime.network!,
      useStored: false,
    });
    const blueprints = await source.blueprints({
      runbook,
      mode: 'drill',
      instances: [...originals.values()],
      points,
      region: TARGET,
    });
    for (const b of blueprints) {
      const original = originals.get(b.sourceInstanceId)!;
      expect(b.subnetId).toBe(mapping.lookupTarget(original.subnetId!));
      expect(b.privateIp).toBe(mapping.forward().ip(original.privateIp!));
      expect(b.securityGroups).toEqual(original.securityGroups.map((g) => mapping.lookupTarget(g)));
    }
    expect(blueprints.find((b) => b.sourceInstanceId === 'i-0a11app00000003')).toMatchObject({
      instanceType: 't3.large',
      fellBackFrom: 'm5.large',
    });
    const doc: BlueprintDoc = {
      version: 1,
      runbook: 'app-tier',
      direction: 'forward',
      region: TARGET,
      generatedAt: runtime.clock.now(),
      blueprints,
    };
    await runtime.store.putDoc(BLUEPRINT_DOC_KIND, blueprintDocId('app-tier', 'drill'), doc);
  });

  it('drills into the mapped subnets without taking production addresses, then cleans up', async () => {
    const mapping = await loadRunbookMapping(runtime.store, 'app-tier');
    const run = await runMode('drill');
    expect(run.status).toBe('succeeded');
    const launched = await launchedBy(run, TARGET);
    for (const i of launched) {
      const original = originals.get(i.tags['drbot:source-instance']!)!;
      expect(i.subnetId).toBe(mapping.lookupTarget(original.subnetId!));
      expect(i.zone).toBe(sim.network!.subnet(TARGET, i.subnetId!)?.zone);
      // a TEST copy never takes the address a CUTOVER will use (the remapped one) nor production's
      expect(i.privateIp).toBeDefined();
      expect(i.privateIp).not.toBe(original.privateIp);
      expect(i.privateIp).not.toBe(original.privateIp?.replace(/^10\./, '20.'));
      expect(i.state).not.toBe('running');
    }
    expect(run.steps['cleanup:terminate']?.status).toBe('succeeded');
  });

  it('fails over into the mapped subnets with remapped addresses, creating no network twice', async () => {
    const mapping = await loadRunbookMapping(runtime.store, 'app-tier');
    const creates = sim.network!.snapshot().creates;
    const run = await runMode('failover');
    expect(run.status).toBe('succeeded');
    // the failover's network step converged: same mapping, nothing created, remap kept
    expect(run.steps.network?.outputs).toMatchObject({ created: 0 });
    expect(sim.network!.snapshot().creates).toBe(creates);
    const after = await loadRunbookMapping(runtime.store, 'app-tier');
    expect(after.entries()).toEqual(mapping.entries());
    expect(after.vpcs[0]?.cidrRemap).toEqual(REMAP);
    const launched = await launchedBy(run, TARGET);
    for (const i of launched) {
      const original = originals.get(i.tags['drbot:source-instance']!)!;
      expect(i.subnetId).toBe(mapping.lookupTarget(original.subnetId!));
      expect(i.privateIp).toBe(mapping.forward().ip(original.privateIp!));
      expect(i.securityGroups).toEqual(original.securityGroups.map((g) => mapping.lookupTarget(g)));
      expect(i.tags['drbot:launch-type']).toBe('CUTOVER');
    }
    expect(sim.dnsRecord('Z0DRBOTINTERNAL', 'app.shop.internal')?.startsWith('20.0.')).toBe(true);
  });

  it('fails back through the mapping in reverse, onto the original subnets and addresses', async () => {
    // The tier lifecycle: the failover is committed and reprotected before it may fail back.
    const failover = (await runtime.store.listRuns({ runbook: 'app-tier', mode: 'failover', limit: 1 }))[0]!;
    await runtime.engine.commit(failover.id, 'bob');
    await runtime.engine.reprotect(runbook, 'alice');
    // The old site's instances still hold the original addresses, and EC2 (so the sim) gives an
    // address of a subnet to one instance only: they are gone before a failback lands on them.
    await sim.terminate([...originals.keys()], SOURCE, { runId: 'old-site', mode: 'failback' });
    (runtime.clock as FakeClock).advance(60_000);
    const run = await runMode('failback');
    expect(run.status).toBe('succeeded');
    const launched = await launchedBy(run, SOURCE);
    const byOriginalIp = new Map([...originals.values()].map((i) => [i.privateIp, i]));
    for (const i of launched) {
      // the failback's protected side is the failover copy; its original is the one at this address
      const original = byOriginalIp.get(i.privateIp);
      expect(original).toBeDefined();
      expect(i.subnetId).toBe(original!.subnetId);
      expect(i.securityGroups).toEqual(original!.securityGroups);
      expect(i.zone).toBe(original!.zone);
    }
    expect(new Set(launched.map((i) => i.privateIp))).toEqual(
      new Set([...originals.values()].map((i) => i.privateIp)),
    );
    expect(sim.dnsRecord('Z0DRBOTINTERNAL', 'app.shop.internal')?.startsWith('10.0.')).toBe(true);
    // the failover copies were stopped behind their own two-person gate
    const failoverCopies = (await sim.inspect()).instances.filter(
      (i) => i.region === TARGET && i.tags['drbot:launch-type'] === 'CUTOVER',
    );
    expect(failoverCopies.every((i) => i.state === 'stopped' || i.state === 'stopping')).toBe(true);
  });

  it('fails over a second time beside the stopped copies of the first: each held address is freed for a fresh one, noted, DNS follows', async () => {
    // after the failback, protection runs forward again (the schedule's pass)
    (runtime.clock as FakeClock).advance(60_000);
    await protectPass(runtime, runbook, { fakeClock: runtime.clock as FakeClock });
    (runtime.clock as FakeClock).advance(60_000);
    const stopped = (await sim.inspect()).instances.filter(
      (i) => i.region === TARGET && i.tags['drbot:launch-type'] === 'CUTOVER' && i.state !== 'terminated',
    );
    expect(stopped).toHaveLength(3);
    const run = await runMode('failover');
    expect(run.status, JSON.stringify(run.steps.launch?.error)).toBe('succeeded');
    const launched = await launchedBy(run, TARGET);
    const heldIps = new Set(stopped.map((i) => i.privateIp));
    // the stopped copies keep the mapped addresses: the new ones get fresh addresses of the same subnets
    for (const i of launched) {
      expect(heldIps.has(i.privateIp)).toBe(false);
      expect(stopped.map((x) => x.subnetId)).toContain(i.subnetId);
    }
    const trail = await runtime.store.listAudit(run.id);
    const notes = trail.filter((e) => e.kind === 'step.note' && /is still held by/.test(e.message));
    expect(notes).toHaveLength(3);
    expect(notes.map((n) => n.message).join('\n')).toContain(stopped[0]!.id);
    expect(launched.map((i) => i.privateIp)).toContain(sim.dnsRecord('Z0DRBOTINTERNAL', 'app.shop.internal'));
  });
});
