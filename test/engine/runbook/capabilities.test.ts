import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProviderDescriptor } from '../../../engine/cloud/provider.js';
import { checkRunbook, formatIssue } from '../../../engine/runbook/index.js';

const MINIMAL = readFileSync('test/fixtures/runbooks/valid/minimal.yaml', 'utf8');

/** A provider with instances and recovery points but no commands (so no drbot agent). */
const BARE: ProviderDescriptor = {
  name: 'bare',
  title: 'a provider without commands',
  capabilities: ['compute', 'recoveryPoints'],
};
const FULL: ProviderDescriptor = {
  name: 'full',
  title: 'a provider with everything',
  capabilities: ['compute', 'recoveryPoints', 'commands', 'dns', 'network'],
};

const onProvider = (name: string) =>
  MINIMAL.replace('  source: { region: us-east-1 }', `  provider: ${name}\n  source: { region: us-east-1 }`);

describe('capability checks', () => {
  it('refuses an action that needs a capability the provider lacks, at the step and naming the provider', () => {
    const { runbook, issues } = checkRunbook(onProvider('bare'), 'tier.yaml', { providers: [BARE, FULL] });
    expect(runbook).toBeUndefined();
    const missing = issues.filter((i) => i.code === 'CAPABILITY_MISSING');
    expect(missing).toHaveLength(1);
    // agent.health is on line 26 of the fixture (one line lower for the provider line)
    expect(formatIssue(missing[0]!)).toMatch(
      /^tier\.yaml:27:\d+ error CAPABILITY_MISSING: agent\.health needs the commands capability, which provider "bare" \(a provider without commands\) does not implement/,
    );
    expect(missing[0]?.hint).toContain('spec.provider to "full"');
  });

  it('accepts the same runbook on a provider that implements every capability it needs', () => {
    expect(checkRunbook(onProvider('full'), 'tier.yaml', { providers: [BARE, FULL] }).issues).toEqual([]);
  });

  it('defaults to aws, which implements everything the shipped actions need', () => {
    expect(checkRunbook(MINIMAL, 'tier.yaml').issues).toEqual([]);
  });

  it('refuses an unknown provider with a suggestion', () => {
    const { issues } = checkRunbook(onProvider('awz'), 'tier.yaml');
    expect(issues.map((i) => i.code)).toEqual(['UNKNOWN_PROVIDER']);
    expect(issues[0]?.hint).toContain('"aws"');
  });
});

describe('capability checks for spec.provider: alibaba', () => {
  const ALIBABA_RDS = readFileSync('test/fixtures/runbooks/alibaba/ecs-with-rds.yaml', 'utf8');

  it('refuses rds.* steps with file:line:col: Alibaba Cloud has no database capability', () => {
    const { issues } = checkRunbook(ALIBABA_RDS, 'ecs-with-rds.yaml');
    const missing = issues.filter((i) => i.code === 'CAPABILITY_MISSING').map(formatIssue);
    expect(missing).toHaveLength(2);
    expect(missing[0]).toMatch(
      /^ecs-with-rds\.yaml:21:19 error CAPABILITY_MISSING: rds\.restore needs the database capability, which provider "alibaba"/,
    );
    expect(missing[1]).toMatch(
      /^ecs-with-rds\.yaml:25:19 error CAPABILITY_MISSING: rds\.delete needs the database/,
    );
  });

  it('accepts network.replicate: Alibaba Cloud replicates networks (VPC, vSwitches, security groups)', () => {
    const file = 'test/fixtures/alibaba/network/ecs-network-tier.yaml';
    const { runbook, issues } = checkRunbook(readFileSync(file, 'utf8'), 'ecs-network-tier.yaml');
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    const actions = Object.values(runbook?.spec.modes ?? {}).flatMap(
      (m) => m?.steps.map((s) => s.action) ?? [],
    );
    expect(actions).toContain('network.replicate');
  });

  it('refuses network.drillVpc: Alibaba Cloud has no drill VPC (drillNetwork capability)', () => {
    const text = readFileSync('test/fixtures/alibaba/network/ecs-network-tier.yaml', 'utf8').replace(
      '          action: network.replicate\n',
      '          action: network.drillVpc\n',
    );
    const missing = checkRunbook(text, 'drill-vpc.yaml').issues.filter(
      (i) => i.code === 'CAPABILITY_MISSING',
    );
    expect(missing.map(formatIssue)).toEqual([
      expect.stringMatching(/network\.drillVpc needs the drillNetwork capability, which provider "alibaba"/),
    ]);
    expect(missing[0]?.hint).toContain('"aws"');
  });

  it('accepts a cross-zone site pair (one region, two zones) with Alibaba ids', () => {
    const ecsOnly = ALIBABA_RDS.replace(/\n {8}- id: restore[\s\S]*$/, '\n').replace(
      ', databases: { tags: { dr-tier: db } }',
      '',
    );
    expect(checkRunbook(ecsOnly, 'ecs.yaml').issues.filter((i) => i.severity === 'error')).toEqual([]);
  });
});
