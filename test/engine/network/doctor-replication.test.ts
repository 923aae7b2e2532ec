/**
 * The doctor's replication readiness for a `method: drs` tier on the sim: per source server its
 * state, lag against the RPO, backlog and newest point-in-time snapshot; unready servers are
 * blockers with the remedy; a snapshot tier is unchanged.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeClock, SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { loadSimDrsSeed } from '../../../engine/adapters/sim/drs/seed.js';
import { SimCloud } from '../../../engine/adapters/sim/sim-cloud.js';
import { type DoctorReport, formatDoctorReport } from '../../../engine/network/doctor.js';
import { withReplicationReadiness } from '../../../engine/network/doctor-replication.js';
import type { Runbook } from '../../../engine/runbook/types.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { shopWorld, WORLD_FILE } from '../adapters/sim/fixtures.js';

const base = makeRunbook({ steps: [], objectives: { rto: '15m', rpo: '1m' } });
const WARM: Runbook = {
  ...base,
  spec: { ...base.spec, protect: { method: 'drs', tags: { 'dr-tier': 'warm' } } },
};
const empty = (runbook: Runbook): DoctorReport => ({
  runbook: runbook.metadata.name,
  findings: [],
  blocking: false,
});

function sim(seedText = readFileSync(WORLD_FILE, 'utf8')) {
  const clock = new FakeClock();
  const cloud = new SimCloud({
    world: shopWorld(),
    clock,
    random: new SeededRandom(7),
    drs: loadSimDrsSeed(seedText),
  });
  return { clock, cloud };
}

const stalledSeed = `drs:
  sourceServers:
    - { instance: i-0c33api00000006, region: us-west-2, state: CONTINUOUS, lag: 4s }
    - { instance: i-0c33api00000007, region: us-west-2, state: STALLED, lag: 20m }
`;

describe('doctor: replication readiness of a drs tier', () => {
  it('shows each source server with its state, lag vs RPO, backlog and newest snapshot; no blocker when ready', async () => {
    const { clock, cloud } = sim();
    const report = await withReplicationReadiness(empty(WARM), {
      cloud,
      replication: cloud.replication,
      runbook: WARM,
      now: clock.now(),
    });
    expect(report.blocking).toBe(false);
    expect(report.replication?.region).toBe('us-west-2');
    expect(report.replication?.rows).toHaveLength(2);
    for (const row of report.replication!.rows) {
      expect(row).toMatchObject({ state: 'CONTINUOUS', backlogBytes: expect.any(Number) });
      expect(row.lastSnapshotAt).toBeDefined();
      expect(row.problem).toBeUndefined();
    }
    const text = formatDoctorReport(report);
    expect(text).toMatch(/Replication \(DRS in us-west-2, 2 source server\(s\)\)/);
    expect(text).toMatch(/CONTINUOUS, lag \d+s of 1m RPO, backlog .+, newest snapshot .+ ago ✓/);
  });

  it('replaces the EBS recovery-point findings: a drs tier recovers from DRS snapshots', async () => {
    const { clock, cloud } = sim();
    const before: DoctorReport = {
      ...empty(WARM),
      blocking: true,
      findings: [
        {
          code: 'NO_RECOVERY_POINT',
          severity: 'blocker',
          subject: 'i-1',
          message: 'no AMI',
          remedy: 'protect',
        },
      ],
    };
    const report = await withReplicationReadiness(before, {
      cloud,
      replication: cloud.replication,
      runbook: WARM,
      now: clock.now(),
    });
    expect(report.findings).toEqual([]);
    expect(report.blocking).toBe(false);
  });

  it('blocks on a stalled server with its state and remedy', async () => {
    const { clock, cloud } = sim(stalledSeed);
    const report = await withReplicationReadiness(empty(WARM), {
      cloud,
      replication: cloud.replication,
      runbook: WARM,
      now: clock.now(),
    });
    expect(report.blocking).toBe(true);
    const blocker = report.findings.find((f) => f.code === 'DRS_NOT_CONTINUOUS');
    expect(blocker?.message).toMatch(/i-0c33api00000007\) is STALLED: not in continuous replication/);
    expect(blocker?.remedy).toMatch(/TCP 1500/);
    expect(formatDoctorReport(report)).toMatch(/STALLED, lag 20m of 1m RPO.*✗ not in continuous replication/);
  });

  it('leaves a snapshot tier alone, and warns when the process has no replication adapter', async () => {
    const { clock, cloud } = sim();
    const snapshots = makeRunbook({ steps: [] });
    expect(
      await withReplicationReadiness(empty(snapshots), { cloud, runbook: snapshots, now: clock.now() }),
    ).toEqual(empty(snapshots));
    const report = await withReplicationReadiness(empty(WARM), { cloud, runbook: WARM, now: clock.now() });
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([['CHECK_FAILED', 'warning']]);
  });
});
