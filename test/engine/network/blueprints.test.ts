import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import { blueprintDocId, createBlueprintSource } from '../../../engine/network/blueprint-source.js';
import { buildBlueprints, toLaunchBlueprint } from '../../../engine/network/blueprints.js';
import { NetworkMapping } from '../../../engine/network/mapping.js';
import { BLUEPRINT_DOC_KIND, saveMapping } from '../../../engine/network/mapping-store.js';
import { instance } from './fixtures.js';

const mapping = new NetworkMapping([
  {
    version: 1,
    sourceRegion: 'us-east-1',
    targetRegion: 'us-west-2',
    sourceVpcId: 'vpc-src',
    targetVpcId: 'vpc-tgt',
    sourceCidrs: ['10.0.0.0/16'],
    cidrRemap: { from: '10.0.0.0/16', to: '20.0.0.0/16' },
    entries: [
      { kind: 'subnet', sourceId: 'subnet-app-a', targetId: 'subnet-tgt-a' },
      { kind: 'security-group', sourceId: 'sg-app', targetId: 'sg-tgt-app' },
    ],
    replicatedAt: 1,
  },
]);

describe('buildBlueprints', () => {
  it('fills subnet, remapped IP, groups, volumes, profile and copied tags from the mapping', () => {
    const [bp] = buildBlueprints({
      instances: [instance('i-1')],
      mapping: mapping.forward(),
      recoveryPoints: { 'i-1': 'ami-1' },
      region: 'us-west-2',
      defaults: { instanceType: 't3.large' },
      availableTypes: ['t3.medium', 't3.large'],
    });
    expect(bp).toMatchObject({
      sourceInstanceId: 'i-1',
      recoveryPointId: 'ami-1',
      region: 'us-west-2',
      instanceType: 't3.medium',
      defaultInstanceType: 't3.large',
      subnetId: 'subnet-tgt-a',
      privateIp: '20.0.1.10',
      securityGroups: ['sg-tgt-app'],
      instanceProfile: 'shop-app',
      volumes: [{ device: '/dev/xvda', sizeGiB: 20, type: 'gp3' }],
      tags: { Name: 'i-1', 'dr-tier': 'app' },
      notes: [],
    });
    expect(bp?.fellBackFrom).toBeUndefined();
  });

  it('falls back to the runbook default type when the region lacks the type, and says so', () => {
    const [bp] = buildBlueprints({
      instances: [instance('i-1', { type: 'm5.large' })],
      mapping: mapping.forward(),
      recoveryPoints: { 'i-1': 'ami-1' },
      region: 'us-west-2',
      defaults: { instanceType: 't3.large' },
      availableTypes: ['t3.large'],
    });
    expect(bp?.instanceType).toBe('t3.large');
    expect(bp?.fellBackFrom).toBe('m5.large');
    expect(bp?.notes[0]).toMatch(
      /m5\.large is not offered in us-west-2; using the runbook's default type t3\.large/,
    );
  });

  it('keeps the type and says why when no usable default exists', () => {
    const [bp] = buildBlueprints({
      instances: [instance('i-1', { type: 'm5.large' })],
      mapping: mapping.forward(),
      recoveryPoints: {},
      region: 'us-west-2',
      availableTypes: ['t3.large'],
    });
    expect(bp?.instanceType).toBe('m5.large');
    expect(bp?.notes.join('\n')).toMatch(/no spec\.defaults\.instanceType/);
    expect(bp?.notes.join('\n')).toMatch(/no recovery point/);
  });

  it('notes unmapped ids, applies overrides by id or Name, and strips planning fields for launch', () => {
    const [bp] = buildBlueprints({
      instances: [instance('i-1', { securityGroups: ['sg-app', 'sg-new'] })],
      mapping: mapping.forward(),
      recoveryPoints: { 'i-1': 'ami-1' },
      region: 'us-west-2',
      overrides: { 'i-1': { privateIp: '20.0.1.99', tags: { owner: 'sre' } } },
    });
    expect(bp?.securityGroups).toEqual(['sg-tgt-app']);
    expect(bp?.notes.join('\n')).toMatch(/security group sg-new has no mapping/);
    expect(bp?.privateIp).toBe('20.0.1.99');
    expect(bp?.tags?.owner).toBe('sre');
    const launch = toLaunchBlueprint(bp!);
    expect(Object.keys(launch)).not.toContain('notes');
    expect(Object.keys(launch)).not.toContain('volumes');
  });

  it('carries no source private IP without a mapping (it is outside the recovery subnets), unless overridden', () => {
    const input = {
      instances: [instance('i-1')],
      mapping: undefined,
      recoveryPoints: { 'i-1': 'ami-1' },
      region: 'us-west-2',
    };
    expect(instance('i-1').privateIp).toBeDefined();
    expect(buildBlueprints(input)[0]?.privateIp).toBeUndefined();
    const [set] = buildBlueprints({ ...input, overrides: { 'i-1': { privateIp: '10.1.1.9' } } });
    expect(set?.privateIp).toBe('10.1.1.9');
  });

  it('reads the mapping in reverse for failback', () => {
    const [bp] = buildBlueprints({
      instances: [
        instance('i-tgt', {
          region: 'us-west-2',
          subnetId: 'subnet-tgt-a',
          privateIp: '20.0.1.10',
          securityGroups: ['sg-tgt-app'],
        }),
      ],
      mapping: mapping.forMode('failback'),
      recoveryPoints: { 'i-tgt': 'ami-back' },
      region: 'us-east-1',
    });
    expect(bp).toMatchObject({
      subnetId: 'subnet-app-a',
      privateIp: '10.0.1.10',
      securityGroups: ['sg-app'],
      region: 'us-east-1',
    });
  });
});

describe('createBlueprintSource', () => {
  const runbook = {
    metadata: { name: 'app-tier' },
    spec: {
      source: { region: 'us-east-1' },
      target: { region: 'us-west-2' },
      defaults: { instanceType: 't3.large' },
    },
  } as never;

  it('builds from the stored mapping and lets stored blueprints pin fields', async () => {
    const store = new MemoryRunStore();
    await saveMapping(store, 'app-tier', mapping.vpcs[0]!);
    await store.putDoc(BLUEPRINT_DOC_KIND, blueprintDocId('app-tier', 'drill'), {
      version: 1,
      runbook: 'app-tier',
      direction: 'forward',
      region: 'us-west-2',
      generatedAt: 1,
      blueprints: [
        {
          sourceInstanceId: 'i-1',
          recoveryPointId: 'old',
          region: 'us-west-2',
          instanceType: 'c5.large',
          notes: [],
          volumes: [],
          sourceInstanceType: 't3.medium',
        },
      ],
    });
    const source = createBlueprintSource({ store });
    const [bp] = await source.blueprints({
      runbook,
      mode: 'drill',
      instances: [instance('i-1')],
      points: { 'i-1': 'ami-new' },
      region: 'us-west-2',
    });
    expect(bp).toMatchObject({
      instanceType: 'c5.large',
      recoveryPointId: 'ami-new',
      subnetId: 'subnet-tgt-a',
    });
    expect(blueprintDocId('app-tier', 'failback')).toBe('app-tier:failback');
  });
});
