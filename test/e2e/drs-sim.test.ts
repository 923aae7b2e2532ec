/**
 * Elastic Disaster Recovery end to end on the simulated cloud, in-process with the embedded
 * DynamoDB on disk and a fresh store per scenario: a drill (isDrill copies from the RPO gate's
 * snapshots, cleaned up), a failover (two approvers, a non-drill recovery, DNS moved), the whole
 * lifecycle through the chat commands (drill, failover, commit, reprotect = reverse replication,
 * failback from the reversed servers), and a process "killed" during the recovery job
 * (StartRecovery accepted, its answer never recorded), resumed by a fresh runtime: exactly one
 * StartRecovery per source server per attempt key.
 */
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { executeCommand } from '../../bot/commands/execute.js';
import { parseCommand } from '../../bot/commands/grammar.js';
import type { Reply } from '../../bot/commands/replies.js';
import { createLocalRuntime, type LocalRuntime } from '../../bot/runtime/local.js';
import { driveToEnd } from '../../bot/runtime/run-local.js';
import type { BotServices } from '../../bot/services.js';
import { FakeClock, SeededRandom } from '../../engine/adapters/memory/clock.js';
import type { SimCloud } from '../../engine/adapters/sim/sim-cloud.js';
import { DRS_TAGS } from '../../engine/cloud/replication.js';
import { loadRunbook } from '../../engine/runbook/index.js';

const FIXTURE = 'test/fixtures/runbooks/drs/warm-drs.yaml';
const runbook = loadRunbook(readFileSync(FIXTURE, 'utf8'), FIXTURE);
const people = { approveAs: ['bob', 'carol'], confirmManual: false };

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function folder(): Promise<{ dataDir: string; runbooksDir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'drbot-drs-'));
  dirs.push(root);
  const runbooksDir = join(root, 'runbooks');
  await mkdir(join(runbooksDir, 'sim'), { recursive: true });
  for (const f of ['world.yaml', 'directory.yaml'])
    await copyFile(join('runbooks/sim', f), join(runbooksDir, 'sim', f));
  return { dataDir: join(root, 'data'), runbooksDir };
}

function runtimeFor(dir: { dataDir: string; runbooksDir: string }, clock: FakeClock): Promise<LocalRuntime> {
  return createLocalRuntime({ ...dir, clock, random: new SeededRandom(3), latencyScale: 1, agent: false });
}

const simOf = (rt: LocalRuntime) => rt.cloud as SimCloud;

/** The chat commands the shell and Slack share, on this runtime (with its replication port). */
function sayTo(rt: LocalRuntime): (user: string, line: string) => Promise<Reply> {
  const services: BotServices = {
    engine: rt.engine,
    store: rt.store,
    runbooks: () => new Map([[runbook.metadata.name, runbook]]),
    directory: rt.directory,
    clock: rt.clock,
    driver: rt.driver,
    readiness: {
      cloud: rt.cloud,
      network: rt.network!,
      ...(rt.replication ? { replication: rt.replication } : {}),
    },
  };
  return async (user, line) => {
    const parsed = parseCommand(line, 'shell');
    if (!parsed.ok) throw new Error(`${line}: ${parsed.error.problem}`);
    return (await executeCommand(services, parsed.command, { user, surface: 'shell' })).reply;
  };
}

describe('Elastic Disaster Recovery on the sim (method: drs)', () => {
  it('drills: isDrill copies from the chosen snapshots, claimed RPO = their age, all terminated in cleanup', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 9, 7));
    const rt = await runtimeFor(await folder(), clock);
    try {
      const started = await rt.engine.startRun({ runbook, mode: 'drill', initiator: 'alice' });
      const run = await driveToEnd(rt.engine, started.id, people, clock);
      expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
      const gate = run.steps['rpo-gate']?.outputs as { ageMs: number; points: Record<string, string> };
      expect(run.measures.rpoClaimedMs).toBe(gate.ageMs);
      const drs = await simOf(rt).replication.inspect();
      const jobs = Object.values(drs.jobs);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ isDrill: true, tags: { [DRS_TAGS.runId]: run.id } });
      expect(jobs[0]?.servers.map((s) => s.snapshotId).sort()).toEqual(Object.values(gate.points).sort());
      expect(Object.values(drs.recoveryInstances).every((ri) => ri.terminated)).toBe(true);
      expect(simOf(rt).counters.calls.ReverseReplication ?? 0).toBe(0);
    } finally {
      await rt.close();
    }
  });

  it('fails over behind two approvers: a non-drill recovery from the latest data, DNS moved to it', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 9));
    const rt = await runtimeFor(await folder(), clock);
    try {
      const started = await rt.engine.startRun({ runbook, mode: 'failover', initiator: 'alice' });
      const run = await driveToEnd(rt.engine, started.id, people, clock);
      expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
      const launch = run.steps.launch?.outputs as { recoveryInstanceIds: string[]; privateIps: string[] };
      expect(launch.recoveryInstanceIds).toHaveLength(2);
      // the RPO of a launch from the latest data is the replication lag (6 s for the slower server)
      expect(run.measures.rpoClaimedMs).toBe(6_000);
      const drs = await simOf(rt).replication.inspect();
      expect(Object.values(drs.jobs).every((j) => !j.isDrill)).toBe(true);
      expect(simOf(rt).dnsRecord('Z0DRBOTINTERNAL', 'api.shop.internal')).toBe(launch.privateIps[0]);
      const approvedBefore = run.steps.approval?.endedAt ?? Number.POSITIVE_INFINITY;
      expect(run.steps.launch?.startedAt).toBeGreaterThanOrEqual(approvedBefore);
    } finally {
      await rt.close();
    }
  });

  it('drill → failover → commit → reprotect (reverse replication) → failback from the reversed servers, through the chat commands', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 9));
    const rt = await runtimeFor(await folder(), clock);
    const say = sayTo(rt);
    const driven = async (user: string, line: string) => {
      const reply = await say(user, line);
      if (reply.kind !== 'started') throw new Error(`${line}: ${JSON.stringify(reply)}`);
      return driveToEnd(rt.engine, reply.run.id, people, clock);
    };
    try {
      // the doctor shows each source server's replication readiness (the shell/Slack wiring)
      const doctor = await say('alice', 'doctor warm-drs');
      if (doctor.kind !== 'doctor') throw new Error(JSON.stringify(doctor));
      expect(doctor.report.replication?.rows.map((r) => r.state)).toEqual(['CONTINUOUS', 'CONTINUOUS']);
      expect(doctor.report.findings.filter((f) => f.code === 'NO_RECOVERY_POINT')).toEqual([]);
      expect((await driven('alice', 'drill warm-drs')).status).toBe('succeeded');
      const over = await driven('alice', 'failover warm-drs');
      expect(over.status, JSON.stringify(over.steps)).toBe('succeeded');
      const recovered = (over.steps.launch!.outputs as { recoveryInstanceIds: string[] }).recoveryInstanceIds;
      expect(recovered).toHaveLength(2);
      // reverse replication needs a committed failover: the tier refuses, and nothing is reversed
      const early = await say('alice', 'reprotect warm-drs');
      expect(early.kind === 'error' && early.error.code).toBe('TIER_UNCOMMITTED');
      expect(simOf(rt).counters.calls.ReverseReplication ?? 0).toBe(0);

      expect((await say('bob', `commit ${over.id}`)).kind).toBe('tier');
      const reprotect = await say('alice', 'reprotect warm-drs');
      if (reprotect.kind !== 'tier') throw new Error(JSON.stringify(reprotect));
      expect(reprotect.tier.protection).toMatchObject({ direction: 'target→source', state: 'protecting' });
      // the lifecycle reversed each recovery instance of the failover and waited for continuous replication
      const afterReprotect = await simOf(rt).replication.inspect();
      const reversed = Object.values(afterReprotect.sourceServers).filter(
        (s) => s.reversedFrom !== undefined,
      );
      expect(reversed.map((s) => s.reversedFrom).sort()).toEqual([...recovered].sort());
      expect(reversed.every((s) => s.region === 'us-east-1')).toBe(true);
      const states = await rt.replication!.sourceServers('us-east-1');
      expect(
        states.filter((s) => reversed.some((r) => r.id === s.sourceServerId)).map((s) => s.replicationState),
      ).toEqual(['CONTINUOUS', 'CONTINUOUS']);
      expect(simOf(rt).counters.calls.ReverseReplication).toBe(2);

      const back = await driven('alice', 'failback warm-drs');
      expect(back.status, JSON.stringify(back.steps)).toBe('succeeded');
      expect(back.steps.reverse).toBeUndefined();
      // no second reversal; the failback launched in us-east-1 from the reversed servers
      expect(simOf(rt).counters.calls.ReverseReplication).toBe(2);
      const drs = await simOf(rt).replication.inspect();
      const jobs = Object.values(drs.jobs).filter((j) => j.tags[DRS_TAGS.runId] === back.id);
      expect(jobs.map((j) => j.region)).toEqual(['us-east-1']);
      expect(jobs[0]?.servers.map((s) => s.sourceServerId).sort()).toEqual(reversed.map((s) => s.id).sort());
      const ips = (back.steps.launch!.outputs as { privateIps: string[] }).privateIps;
      expect(simOf(rt).dnsRecord('Z0DRBOTINTERNAL', 'api.shop.internal')).toBe(ips[0]);
    } finally {
      await rt.close();
    }
  });

  it('resumes a drill killed during the recovery job: exactly one StartRecovery per source server per attempt key', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 9));
    const dir = await folder();
    const first = await runtimeFor(dir, clock);
    let runId: string;
    try {
      const started = await first.engine.startRun({ runbook, mode: 'drill', initiator: 'alice' });
      runId = started.id;
      for (let i = 0; i < 50; i++) {
        const r = await first.engine.advance(runId);
        if (r.run.steps.launch?.status === 'running') break;
        if (r.wakeAt !== undefined) clock.advanceTo(r.wakeAt);
      }
      expect(simOf(first).counters.calls.StartRecovery).toBe(1);
      // the crash window: the intent is stored, DRS accepted StartRecovery, the answer was never saved
      const run = (await first.store.getRun(runId))!;
      const step = run.steps.launch!;
      expect(step.status).toBe('running');
      step.intent = { ...step.intent!, acknowledged: false };
      step.handle = undefined;
      step.nextAt = undefined;
      await first.store.saveRun({ ...run, version: run.version + 1 }, run.version);
    } finally {
      await first.close();
    }
    const second = await runtimeFor(dir, clock);
    try {
      const run = await driveToEnd(second.engine, runId, people, clock);
      expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
      const sim = simOf(second);
      // the resumed start ran again with the same key and found the job instead of starting another
      const trail = await second.store.listAudit(runId);
      expect(
        trail.filter((e) => e.kind === 'step.note' && /Started 1 DRS drill job/.test(e.message)),
      ).toHaveLength(2);
      expect(sim.counters.calls.StartRecovery).toBe(1);
      const drs = await sim.replication.inspect();
      const jobs = Object.values(drs.jobs);
      const keys = jobs.map((j) => j.tags[DRS_TAGS.key]);
      expect(new Set(keys).size).toBe(keys.length);
      const perServer: Record<string, number> = {};
      for (const j of jobs)
        for (const s of j.servers) perServer[s.sourceServerId] = (perServer[s.sourceServerId] ?? 0) + 1;
      expect(Object.values(perServer)).toEqual([1, 1]);
      expect(Object.values(drs.launchesByServer)).toEqual([1, 1]);
      expect(Object.values(drs.recoveryInstances).every((ri) => ri.terminated)).toBe(true);
    } finally {
      await second.close();
    }
  });
});
