/**
 * The whole DR lifecycle of one tier on the sim, through the chat commands the shell and Slack
 * share: drill → failover → switch point → commit → reprotect → drill (reverse) → failback →
 * drill, with every refused transition on the way. Its own runbook: test/fixtures/tier/.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../bot/commands/execute.js';
import { parseCommand } from '../../bot/commands/grammar.js';
import type { Reply } from '../../bot/commands/replies.js';
import { createLocalRuntime, type LocalRuntime } from '../../bot/runtime/local.js';
import { protectPass } from '../../bot/runtime/protect-local.js';
import { driveToEnd } from '../../bot/runtime/run-local.js';
import type { BotServices } from '../../bot/services.js';
import { FakeClock, SeededRandom } from '../../engine/adapters/memory/clock.js';
import type { SimCloud } from '../../engine/adapters/sim/sim-cloud.js';
import type { DoctorReport } from '../../engine/network/doctor.js';
import { gatherDoctorFacts } from '../../engine/network/doctor-facts.js';
import type { Run } from '../../engine/run.js';
import type { Runbook } from '../../engine/runbook/types.js';

const RUNBOOKS = fileURLToPath(new URL('../fixtures/tier', import.meta.url));
const SOURCE = 'us-east-1';
const TARGET = 'us-west-2';

let runtime: LocalRuntime;
let services: BotServices;
let runbook: Runbook;
let sim: SimCloud;
let clock: FakeClock;
const people = { approveAs: ['bob', 'carol'], confirmManual: false };

async function say(user: string, line: string): Promise<Reply> {
  const parsed = parseCommand(line, 'shell');
  if (!parsed.ok) throw new Error(`${line}: ${parsed.error.problem}`);
  return (await executeCommand(services, parsed.command, { user, surface: 'shell' })).reply;
}

/** A refused command: the reply is an error whose text names `next`, and no run was created. */
async function refused(user: string, line: string, code: string, next: string): Promise<void> {
  const before = (await runtime.store.listRuns({ limit: 100 })).length;
  const reply = await say(user, line);
  expect(reply.kind, line).toBe('error');
  if (reply.kind !== 'error') return;
  expect(reply.error.code, line).toBe(code);
  expect(`${reply.error.message} ${reply.error.action}`, line).toContain(next);
  expect((await runtime.store.listRuns({ limit: 100 })).length, line).toBe(before);
}

async function started(user: string, line: string): Promise<Run> {
  const reply = await say(user, line);
  if (reply.kind !== 'started') throw new Error(`${line}: ${JSON.stringify(reply)}`);
  return driveToEnd(runtime.engine, reply.run.id, people, clock);
}

async function doctorReport(): Promise<DoctorReport> {
  const reply = await say('alice', 'doctor loop-tier');
  if (reply.kind !== 'doctor') throw new Error(JSON.stringify(reply));
  return reply.report;
}

const blockers = (report: DoctorReport) => report.findings.filter((f) => f.severity === 'blocker');

async function live(ids: string[]): Promise<string[]> {
  const all = (await sim.inspect()).instances;
  return ids.filter((id) => all.find((i) => i.id === id)?.state === 'running');
}

describe('the tier lifecycle loop on the sim', () => {
  beforeAll(async () => {
    clock = new FakeClock(Date.parse('2025-03-03T09:00:00Z'));
    runtime = await createLocalRuntime({
      inMemory: true,
      clock,
      random: new SeededRandom(7),
      latencyScale: 1,
      runbooksDir: RUNBOOKS,
    });
    runbook = runtime.runbooks.get('loop-tier')!;
    sim = runtime.cloud as SimCloud;
    services = {
      engine: runtime.engine,
      store: runtime.store,
      runbooks: () => runtime.runbooks,
      directory: runtime.directory,
      clock: runtime.clock,
      driver: runtime.driver,
      ...(runtime.network ? { readiness: { cloud: runtime.cloud, network: runtime.network } } : {}),
    };
  });
  afterAll(() => runtime?.close());

  it('runs drill → failover → switch point → commit → reprotect → drill → failback → drill', async () => {
    const originals = await sim.listProtected(runbook.spec.protect, SOURCE);
    expect(originals).toHaveLength(3);

    // drill: forward, from the newest point
    const drill1 = await started('alice', 'drill loop-tier');
    expect(drill1.status).toBe('succeeded');
    await refused('alice', 'failback loop-tier', 'TIER_NOT_FAILED_OVER', '`failover loop-tier`');
    await refused('alice', 'reprotect loop-tier', 'TIER_NOTHING_TO_REPROTECT', 'nothing to do');

    // failover from the newest point (20 minutes old)
    const failover = await started('alice', 'failover loop-tier point=latest');
    expect(failover.status).toBe('succeeded');
    const firstCopies = failover.steps.launch!.outputs!.instanceIds as string[];
    expect(await live(firstCopies)).toHaveLength(3);
    await refused('alice', 'failover loop-tier', 'TIER_UNCOMMITTED', `commit ${failover.id}`);
    await refused('alice', 'drill loop-tier', 'TIER_UNCOMMITTED', `switch-point ${failover.id}`);
    await refused('alice', 'failback loop-tier', 'TIER_UNCOMMITTED', `commit ${failover.id}`);
    await refused('alice', 'reprotect loop-tier', 'TIER_UNCOMMITTED', `commit ${failover.id}`);
    // the doctor checks the way back, and only what the uncommitted state needs
    const uncommitted = await doctorReport();
    expect(blockers(uncommitted)).toEqual([]);
    expect(uncommitted.findings.find((f) => f.code === 'TIER_STATE')?.remedy).toContain(
      `commit ${failover.id}`,
    );
    expect(uncommitted.findings.find((f) => f.code === 'TIER_NOT_REPROTECTED')?.message).toContain(SOURCE);

    // the points the operator can switch to: three per instance, in the target region
    const points = await say('alice', 'points loop-tier');
    if (points.kind !== 'points') throw new Error(JSON.stringify(points));
    expect(points.rows.length).toBeGreaterThanOrEqual(9);
    expect(new Set(points.rows.map((r) => r.region))).toEqual(new Set([TARGET]));
    const chosen = failover.steps['rpo-gate']!.outputs!.chosenPoint as { id: string; capturedAt: number };
    const earlier = points.rows
      .filter((r) => r.capturedAt < chosen.capturedAt)
      .sort((a, b) => b.capturedAt - a.capturedAt)[0]!;

    // switch to the earlier point: new copies from it, the old ones retired after health
    const switchReply = await say('dave', `switch-point ${failover.id} ${earlier.pointId}`);
    if (switchReply.kind !== 'started') throw new Error(JSON.stringify(switchReply));
    const switched = await driveToEnd(runtime.engine, switchReply.run.id, people, clock);
    expect(switched.status).toBe('succeeded');
    expect(switched.steps['retire-previous']?.status).toBe('succeeded');
    expect(await live(firstCopies)).toHaveLength(0);
    const secondCopies = switched.steps.launch!.outputs!.instanceIds as string[];
    expect(await live(secondCopies)).toHaveLength(3);
    const launchedFrom = (await sim.inspect()).instances
      .filter((i) => secondCopies.includes(i.id))
      .map((i) => i.tags['drbot:recovery-point']);
    expect(launchedFrom).toContain(earlier.pointId);
    // the claim is the points' age at each run's own start (the RPO gate never measures from a
    // declaredAt): it grows by the points' difference plus the time between the two starts
    const grew = switched.measures.rpoClaimedMs! - failover.measures.rpoClaimedMs!;
    expect(grew).toBe(chosen.capturedAt - earlier.capturedAt + (switched.createdAt - failover.createdAt));
    expect(grew).toBeGreaterThan(0);
    await refused('carol', `commit ${failover.id}`, 'TIER_COMMIT_OTHER_RUN', `commit ${switched.id}`);

    // commit: not by the initiator of the failover alone, yes by a cutover approver
    const byInitiator = await say('dave', `commit ${switched.id}`);
    expect(byInitiator.kind === 'error' && byInitiator.error.code).toBe('COMMIT_NOT_ALLOWED');
    const commit = await say('bob', `commit ${switched.id}`);
    expect(commit.kind).toBe('tier');
    await refused(
      'alice',
      'failover loop-tier',
      'TIER_ALREADY_FAILED_OVER',
      '`reprotect loop-tier`, then `failback loop-tier`',
    );
    await refused('alice', 'failback loop-tier', 'TIER_NOT_REPROTECTED', '`reprotect loop-tier`');
    const trail = await runtime.store.listAudit(switched.id);
    expect(trail.some((e) => e.kind === 'tier.committed' && e.actor === 'bob')).toBe(true);

    // reprotect: the recovered copies, captured in us-west-2 and copied to us-east-1
    const reprotect = await say('alice', 'reprotect loop-tier');
    if (reprotect.kind !== 'tier') throw new Error(JSON.stringify(reprotect));
    expect(reprotect.tier.protection).toMatchObject({ direction: 'target→source', state: 'protecting' });
    expect(reprotect.tier.protection.inventory.map((i) => i.instanceId).sort()).toEqual(
      [...secondCopies].sort(),
    );
    expect(new Set(reprotect.tier.protection.inventory.map((i) => i.sourceId))).toEqual(
      new Set(originals.map((o) => o.id)),
    );
    for (const id of secondCopies) expect(await sim.latestRecoveryPoint(id, SOURCE)).toBeDefined();
    // reprotected: the doctor reads the copies in us-west-2, the mapping back and the points in us-east-1
    const facts = await gatherDoctorFacts({
      cloud: runtime.cloud,
      network: runtime.network!,
      store: runtime.store,
      runbook,
      now: clock.now(),
    });
    expect(facts).toMatchObject({ sourceRegion: TARGET, targetRegion: SOURCE, direction: 'reverse' });
    expect(facts.instances.map((i) => i.id).sort()).toEqual([...secondCopies].sort());
    for (const id of secondCopies) expect(facts.latestPoints[id]?.region ?? SOURCE).toBe(SOURCE);
    const reprotected = await doctorReport();
    expect(blockers(reprotected)).toEqual([]);
    expect(reprotected.findings.filter((f) => f.code.startsWith('TIER_'))).toEqual([]);

    // drill after failover: rehearses the way back, into us-east-1
    const drill2 = await started('alice', 'drill loop-tier');
    expect(drill2.status).toBe('succeeded');
    expect(drill2.direction).toBe('reverse');
    const reverseCopies = drill2.steps.launch!.outputs!.instanceIds as string[];
    const drillRegions = (await sim.inspect()).instances
      .filter((i) => reverseCopies.includes(i.id))
      .map((i) => i.region);
    expect(new Set(drillRegions)).toEqual(new Set([SOURCE]));

    // failback: back to us-east-1, the us-west-2 copies stopped behind their own gate
    const failback = await started('alice', 'failback loop-tier');
    expect(failback.status).toBe('succeeded');
    expect(failback.steps['stop-target']?.status).toBe('succeeded');
    const status = await say('alice', 'status loop-tier');
    if (status.kind !== 'tier') throw new Error(JSON.stringify(status));
    expect(status.tier.active).toMatchObject({ side: 'source', region: SOURCE, sinceRun: failback.id });
    expect(status.tier.protection).toMatchObject({ direction: 'source→target', state: 'protecting' });
    await refused('alice', 'failback loop-tier', 'TIER_NOT_FAILED_OVER', '`failover loop-tier`');

    // protection counts the original number, and the last drill runs forward again
    expect((await protectPass(runtime, runbook, { fakeClock: clock })).rows).toHaveLength(originals.length);
    const drill3 = await started('alice', 'drill loop-tier');
    expect(drill3.status).toBe('succeeded');
    expect(drill3.direction).toBeUndefined();
    expect((await protectPass(runtime, runbook, { fakeClock: clock })).rows).toHaveLength(originals.length);

    // the doctor reports no blocker the source-active state does not need (the sim's networks count)
    const doctor = await say('alice', 'doctor loop-tier');
    if (doctor.kind !== 'doctor') throw new Error(JSON.stringify(doctor));
    expect(doctor.report.findings.filter((f) => f.severity === 'blocker')).toEqual([]);

    const list = await say('alice', 'list');
    if (list.kind !== 'list') throw new Error(JSON.stringify(list));
    expect(list.entries[0]?.tierLine).toContain(`live in ${SOURCE}`);
    expect(list.entries[0]?.tier?.lastDrill?.runId).toBe(drill3.id);
  });
});
