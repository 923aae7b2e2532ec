import { describe, expect, it } from 'vitest';
import { type DoctorFacts, diagnose } from '../../../engine/network/doctor.js';
import { type DoctorTier, doctorDirection, doctorTier } from '../../../engine/network/doctor-tier.js';
import { NetworkMapping } from '../../../engine/network/mapping.js';
import type { TierState } from '../../../engine/tier/types.js';
import { instance } from './fixtures.js';

const HOUR = 3_600_000;
const NOW = 100 * HOUR;

const mapping = new NetworkMapping([
  {
    version: 1,
    sourceRegion: 'us-east-1',
    targetRegion: 'us-west-2',
    sourceVpcId: 'vpc-src',
    targetVpcId: 'vpc-tgt',
    sourceCidrs: ['10.0.0.0/16'],
    entries: [
      { kind: 'subnet', sourceId: 'subnet-app-a', targetId: 'subnet-tgt-a' },
      { kind: 'security-group', sourceId: 'sg-app', targetId: 'sg-tgt' },
    ],
    replicatedAt: 1,
  },
]);

/** The doctor's facts while the target is live: a recovered copy in us-west-2, no points back yet. */
function failedOver(tier: DoctorTier | undefined, direction?: 'forward' | 'reverse'): DoctorFacts {
  const copy = instance('i-copy', {
    region: 'us-west-2',
    subnetId: 'subnet-tgt-a',
    securityGroups: ['sg-tgt'],
  });
  return {
    runbook: 'app-tier',
    sourceRegion: 'us-west-2',
    targetRegion: 'us-east-1',
    ...(direction ? { direction } : {}),
    ...(tier ? { tier } : {}),
    rpoMs: HOUR,
    now: NOW,
    instances: [copy],
    ssmManaged: ['i-copy'],
    mapping,
    targetTopologies: [],
    latestPoints: { 'i-copy': undefined },
    offeredTypes: ['t3.medium'],
    requiredDocuments: [],
    presentDocuments: [],
  };
}

const tierState = (over: Partial<TierState>): TierState => ({
  runbook: 'app-tier',
  version: 2,
  active: { side: 'target', region: 'us-west-2', sinceRun: 'run-f', since: NOW - HOUR },
  protection: { direction: 'source→target', state: 'none', inventory: [] },
  applied: [],
  updatedAt: NOW,
  ...over,
});

describe('doctor and the tier state', () => {
  it('reads the network mapping back toward the source while the target is live', () => {
    const codes = (f: DoctorFacts) => diagnose(f).findings.map((x) => `${x.code}:${x.subject}`);
    expect(codes(failedOver({ phase: 'reprotected', activeRegion: 'us-west-2' }))).toContain(
      'UNMAPPED_RESOURCE:subnet-tgt-a',
    );
    expect(codes(failedOver({ phase: 'reprotected', activeRegion: 'us-west-2' }, 'reverse'))).not.toContain(
      'UNMAPPED_RESOURCE:subnet-tgt-a',
    );
  });

  it('before reprotect a missing point back is a warning naming the next step, not a blocker', () => {
    const committed = diagnose(
      failedOver({ phase: 'committed', activeRegion: 'us-west-2', runId: 'run-f' }, 'reverse'),
    );
    expect(committed.blocking).toBe(false);
    expect(committed.findings.map((f) => f.code)).toEqual(['TIER_NOT_REPROTECTED', 'TIER_STATE']);
    expect(committed.findings[0]?.remedy).toContain('`reprotect app-tier`');
    const uncommitted = diagnose(
      failedOver({ phase: 'uncommitted', activeRegion: 'us-west-2', runId: 'run-f' }, 'reverse'),
    );
    expect(uncommitted.findings[0]?.remedy).toContain('`commit run-f`, then `reprotect app-tier`');
  });

  it('after reprotect the points back are needed: their absence blocks', () => {
    const report = diagnose(failedOver({ phase: 'reprotected', activeRegion: 'us-west-2' }, 'reverse'));
    expect(report.blocking).toBe(true);
    expect(report.findings.map((f) => f.code)).toEqual(['NO_RECOVERY_POINT']);
    expect(report.findings[0]?.message).toContain('in us-east-1');
  });

  it('derives the phase and direction from the tier state', () => {
    expect(doctorDirection(undefined)).toBe('forward');
    expect(doctorDirection(tierState({}))).toBe('reverse');
    const pending = { runId: 'run-f', since: NOW, instances: [] };
    expect(doctorTier(tierState({ pendingCommit: pending })).phase).toBe('uncommitted');
    expect(doctorTier(tierState({ pendingCommit: { ...pending, rollbackDue: { at: NOW } } })).phase).toBe(
      'rollback-due',
    );
    expect(doctorTier(tierState({ committed: { runId: 'run-f', by: 'bob', at: NOW } })).phase).toBe(
      'committed',
    );
    expect(
      doctorTier(
        tierState({ protection: { direction: 'target→source', state: 'protecting', inventory: [] } }),
      ).phase,
    ).toBe('reprotected');
    expect(doctorTier(tierState({ active: { side: 'source', region: 'us-east-1', since: NOW } })).phase).toBe(
      'source-active',
    );
  });
});
