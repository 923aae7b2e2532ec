import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import { NetworkMapping, type VpcMappingDoc } from '../../../engine/network/mapping.js';
import { loadRunbookMapping, loadVpcMapping, saveMapping } from '../../../engine/network/mapping-store.js';

function doc(extra: Partial<VpcMappingDoc> = {}): VpcMappingDoc {
  return {
    version: 1,
    sourceRegion: 'us-east-1',
    targetRegion: 'us-west-2',
    sourceVpcId: 'vpc-src',
    targetVpcId: 'vpc-tgt',
    sourceCidrs: ['10.0.0.0/16'],
    cidrRemap: { from: '10.0.0.0/16', to: '20.0.0.0/16' },
    entries: [
      { kind: 'vpc', sourceId: 'vpc-src', targetId: 'vpc-tgt' },
      { kind: 'subnet', sourceId: 'subnet-a', targetId: 'subnet-x' },
      { kind: 'security-group', sourceId: 'sg-app', targetId: 'sg-y' },
    ],
    replicatedAt: 1,
    ...extra,
  };
}

describe('NetworkMapping', () => {
  it('reads ids both ways', () => {
    const mapping = new NetworkMapping([doc()]);
    expect(mapping.lookupTarget('subnet-a')).toBe('subnet-x');
    expect(mapping.lookupSource('subnet-x')).toBe('subnet-a');
    expect(mapping.lookupTarget('subnet-x')).toBeUndefined();
    expect(mapping.lookupSource('nope')).toBeUndefined();
  });

  it('remaps IPs forward and back, and failback reads in reverse', () => {
    const mapping = new NetworkMapping([doc()]);
    expect(mapping.targetIp('10.0.1.10')).toBe('20.0.1.10');
    expect(mapping.sourceIp('20.0.1.10')).toBe('10.0.1.10');
    const back = mapping.forMode('failback');
    expect(back.direction).toBe('reverse');
    expect(back.id('sg-y')).toBe('sg-app');
    expect(back.ip('20.0.1.10')).toBe('10.0.1.10');
    expect(mapping.forMode('drill').id('sg-app')).toBe('sg-y');
  });

  it('keeps IPs as they are when no remap was used', () => {
    const mapping = new NetworkMapping([doc({ cidrRemap: undefined })]);
    expect(mapping.targetIp('10.0.1.10')).toBe('10.0.1.10');
    expect(mapping.sourceIp('10.0.1.10')).toBe('10.0.1.10');
  });
});

describe('mapping store', () => {
  it('keeps one current mapping per VPC: re-replication replaces it', async () => {
    const store = new MemoryRunStore();
    await saveMapping(store, 'app-tier', doc());
    await saveMapping(
      store,
      'app-tier',
      doc({ targetVpcId: 'vpc-new', entries: [{ kind: 'vpc', sourceId: 'vpc-src', targetId: 'vpc-new' }] }),
    );
    expect((await loadVpcMapping(store, 'us-east-1', 'vpc-src'))?.targetVpcId).toBe('vpc-new');
    const mapping = await loadRunbookMapping(store, 'app-tier');
    expect(mapping.vpcs).toHaveLength(1);
    expect(mapping.lookupTarget('vpc-src')).toBe('vpc-new');
    expect(mapping.lookupTarget('subnet-a')).toBeUndefined();
  });

  it('returns an empty mapping for a runbook never replicated', async () => {
    expect((await loadRunbookMapping(new MemoryRunStore(), 'db-tier')).empty).toBe(true);
  });
});
