import { describe, expect, it } from 'vitest';
import { protectPass } from '../../../bot/runtime/protect-local.js';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';
import type { CloudProvider } from '../../../engine/cloud/provider.js';
import type { ProtectResult, RecoveryPoint } from '../../../engine/cloud/recovery-points.js';
import { makeRunbook } from '../../helpers/runbook.js';

const point = (state: RecoveryPoint['state']): RecoveryPoint => ({
  id: 'ami-new',
  kind: 'ami',
  region: 'us-west-2',
  sourceInstanceId: 'i-1',
  capturedAt: 0,
  appConsistent: false,
  state,
});

describe('protectPass', () => {
  it('counts the points pruned by every pass, once each, not only the first', async () => {
    const clock = new FakeClock(1_000_000);
    const passes: ProtectResult[] = [
      { points: [point('pending')], pruned: Array.from({ length: 9 }, (_, i) => `ami-old${i}`) },
      { points: [point('pending')], pruned: ['ami-old8', 'ami-old9', 'ami-old10'] },
      { points: [point('available')], pruned: ['ami-old11'] },
    ];
    const cloud = {
      listProtected: async () => [
        { id: 'i-1', region: 'us-east-1', type: 't3.small', state: 'running', securityGroups: [], tags: {} },
      ],
      protect: async () => passes.shift() ?? { points: [point('available')], pruned: [] },
      latestRecoveryPoint: async () => point('available'),
    } as unknown as CloudProvider;
    const { pruned } = await protectPass({ cloud, clock }, makeRunbook({ steps: [] }), {
      fakeClock: clock,
      pollMs: 1_000,
    });
    expect(pruned).toHaveLength(12);
    expect(new Set(pruned).size).toBe(12);
  });

  it('drbot protect --provider aws refuses an Alibaba runbook before any call (PROVIDER_NOT_CONFIGURED)', async () => {
    const calls: string[] = [];
    const cloud = {
      name: 'aws',
      listProtected: async () => {
        calls.push('listProtected');
        return [];
      },
      protect: async () => {
        calls.push('protect');
        return { points: [], pruned: [] };
      },
    } as unknown as CloudProvider;
    const ecs = makeRunbook({ name: 'ecs-tier', provider: 'alibaba', steps: [] });
    await expect(protectPass({ cloud, clock: new FakeClock() }, ecs)).rejects.toMatchObject({
      code: 'PROVIDER_NOT_CONFIGURED',
    });
    expect(calls).toEqual([]);
  });
});
