import { describe, expect, it } from 'vitest';
import { type DoctorFacts, diagnose, formatDoctorReport } from '../../../engine/network/doctor.js';
import { requiredDocuments } from '../../../engine/network/doctor-facts.js';
import { NetworkMapping } from '../../../engine/network/mapping.js';
import type { VpcTopology } from '../../../engine/network/topology.js';
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

function targetVpc(endpoints: string[]): VpcTopology {
  return {
    region: 'us-west-2',
    vpc: {
      id: 'vpc-tgt',
      cidrs: ['10.0.0.0/16'],
      ipv6Cidrs: [],
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: {},
    },
    subnets: [
      { id: 'subnet-tgt-a', zone: 'us-west-2a', cidr: '10.0.1.0/24', mapPublicIpOnLaunch: false, tags: {} },
    ],
    natGateways: [],
    routeTables: [{ id: 'rtb', main: true, subnetIds: [], routes: [], tags: {} }],
    networkAcls: [],
    securityGroups: [],
    endpoints: endpoints.map((s, i) => ({
      id: `vpce-${i}`,
      service: `com.amazonaws.us-west-2.${s}`,
      type: 'Interface',
      subnetIds: ['subnet-tgt-a'],
      privateDns: true,
    })),
  };
}

function healthy(): DoctorFacts {
  return {
    runbook: 'app-tier',
    sourceRegion: 'us-east-1',
    targetRegion: 'us-west-2',
    rpoMs: HOUR,
    now: NOW,
    defaultInstanceType: 't3.large',
    instances: [instance('i-1')],
    ssmManaged: ['i-1'],
    mapping,
    targetTopologies: [targetVpc(['ssm', 'ec2messages', 'ssmmessages'])],
    latestPoints: {
      'i-1': {
        id: 'ami-1',
        kind: 'ami',
        region: 'us-west-2',
        sourceInstanceId: 'i-1',
        capturedAt: NOW - 10 * 60_000,
        appConsistent: false,
        state: 'available',
      },
    },
    offeredTypes: ['t3.medium', 't3.large'],
    requiredDocuments: ['DrbotHealth'],
    presentDocuments: ['DrbotHealth'],
  };
}

const codes = (f: DoctorFacts) => diagnose(f).findings.map((x) => x.code);

describe('diagnose', () => {
  it('finds nothing when everything is ready', () => {
    const report = diagnose(healthy());
    expect(report).toEqual({ runbook: 'app-tier', findings: [], blocking: false });
    expect(formatDoctorReport(report)).toMatch(/ready/);
  });

  it('blocks on an instance not registered with SSM and on one without a profile', () => {
    const facts = {
      ...healthy(),
      instances: [instance('i-1'), instance('i-2', { instanceProfile: undefined })],
      ssmManaged: [],
    };
    facts.latestPoints['i-2'] = facts.latestPoints['i-1'];
    const report = diagnose(facts);
    expect(report.blocking).toBe(true);
    expect(report.findings.map((f) => [f.code, f.subject])).toEqual([
      ['SSM_NOT_MANAGED', 'i-1'],
      ['NO_INSTANCE_PROFILE', 'i-2'],
    ]);
    expect(report.findings[0]?.remedy).toMatch(/AmazonSSMManagedInstanceCore/);
  });

  it('blocks on private subnets without the SSM endpoints, but not when a NAT route exists', () => {
    const facts = { ...healthy(), targetTopologies: [targetVpc(['ssm'])] };
    const finding = diagnose(facts).findings[0];
    expect(finding?.code).toBe('NO_SSM_ENDPOINTS');
    expect(finding?.message).toMatch(/ec2messages, ssmmessages/);
    const nat = targetVpc(['ssm']);
    nat.routeTables[0]!.routes.push({
      destination: '0.0.0.0/0',
      target: { kind: 'nat-gateway', id: 'nat-1' },
    });
    expect(codes({ ...healthy(), targetTopologies: [nat] })).toEqual([]);
  });

  it('only warns about a missing mapping when the target region has ready-made drill and production networks', () => {
    const unmapped = { ...healthy(), mapping: new NetworkMapping([]) };
    const ready = diagnose({ ...unmapped, networkProfiles: ['drill', 'production'] });
    expect(ready.findings.map((f) => [f.code, f.severity])).toEqual([['NO_NETWORK_MAPPING', 'warning']]);
    expect(ready.blocking).toBe(false);
    expect(diagnose({ ...unmapped, networkProfiles: ['drill'] }).blocking).toBe(true);
  });

  it('blocks when the network was never replicated or a resource is unmapped', () => {
    expect(codes({ ...healthy(), mapping: new NetworkMapping([]) })).toEqual(['NO_NETWORK_MAPPING']);
    expect(codes({ ...healthy(), instances: [instance('i-1', { securityGroups: ['sg-new'] })] })).toEqual([
      'UNMAPPED_RESOURCE',
    ]);
  });

  it('blocks when a mapped drill subnet is not isolated from production', () => {
    const facts = {
      ...healthy(),
      drillIsolation: [
        { subnetId: 'subnet-tgt-a', reason: 'it routes 10.0.0.0/16 through peering connection pcx-1' },
      ],
    };
    const report = diagnose(facts);
    expect(report.blocking).toBe(true);
    expect(report.findings.map((f) => [f.code, f.subject, f.severity])).toEqual([
      ['DRILL_NETWORK_NOT_ISOLATED', 'subnet-tgt-a', 'blocker'],
    ]);
    expect(report.findings[0]?.message).toMatch(/pcx-1/);
    expect(diagnose({ ...healthy(), mapping: new NetworkMapping([]) }).findings[0]?.message).toMatch(
      /NO_DRILL_NETWORK/,
    );
  });

  it('blocks without a recovery point younger than the RPO', () => {
    const old = healthy();
    old.latestPoints['i-1'] = { ...old.latestPoints['i-1']!, capturedAt: NOW - 2 * HOUR };
    const report = diagnose(old);
    expect(report.findings[0]?.code).toBe('RECOVERY_POINT_TOO_OLD');
    expect(report.findings[0]?.message).toMatch(/2h.*RPO of 1h/);
    expect(codes({ ...healthy(), latestPoints: {} })).toEqual(['NO_RECOVERY_POINT']);
  });

  it('warns on an unavailable type with a usable default and blocks without one', () => {
    const withDefault = diagnose({ ...healthy(), instances: [instance('i-1', { type: 'm5.large' })] });
    expect(withDefault.findings.map((f) => [f.code, f.severity])).toEqual([
      ['INSTANCE_TYPE_UNAVAILABLE', 'warning'],
    ]);
    expect(withDefault.blocking).toBe(false);
    const none = diagnose({
      ...healthy(),
      defaultInstanceType: undefined,
      instances: [instance('i-1', { type: 'm5.large' })],
    });
    expect(none.blocking).toBe(true);
  });

  it('blocks on missing SSM documents and turns failed checks into warnings', () => {
    const report = diagnose({
      ...healthy(),
      presentDocuments: [],
      failedChecks: [{ check: 'SSM registration', message: 'AccessDenied' }],
    });
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([
      ['MISSING_SSM_DOCUMENT', 'blocker'],
      ['CHECK_FAILED', 'warning'],
    ]);
    expect(formatDoctorReport(report)).toMatch(/remedy:/);
  });
});

describe('requiredDocuments', () => {
  it('lists agent documents and literal ssm.runCommand documents, not AWS-owned ones or expressions', () => {
    const step = (action: string, w: Record<string, unknown> = {}) => ({
      id: action,
      action,
      with: w,
      needs: [],
      onFailure: 'abort' as const,
    });
    const runbook = {
      spec: {
        modes: {
          drill: {
            steps: [
              step('agent.health'),
              step('ssm.runCommand', { document: 'ShopWarmCache' }),
              step('ssm.runCommand', { document: 'AWS-RunShellScript' }),
              step('ssm.runCommand', { document: '${{ params.doc }}' }),
            ],
            cleanup: [step('agent.thaw')],
          },
        },
      },
    } as never;
    expect(requiredDocuments(runbook)).toEqual(['DrbotHealth', 'DrbotThaw', 'ShopWarmCache']);
  });
});
