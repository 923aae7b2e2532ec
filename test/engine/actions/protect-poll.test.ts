import { describe, expect, it } from 'vitest';
import { protectHandler } from '../../../engine/actions/recovery/protect.js';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';
import type { Instance } from '../../../engine/cloud/compute.js';
import type { CloudProvider } from '../../../engine/cloud/provider.js';
import type { ProtectRequest, RecoveryPoint } from '../../../engine/cloud/recovery-points.js';
import { runAction } from './fixtures.js';

const INSTANCES: Instance[] = ['i-1', 'i-2'].map((id) => ({
  id,
  region: 'us-east-1',
  type: 't3.medium',
  state: 'running',
  healthy: true,
  securityGroups: [],
  volumes: [],
  tags: { 'dr-tier': 'app' },
}));

/**
 * Protects like the AWS provider: the first call starts the captures (pending in the source
 * region), a later one copies them (pending in the target region), then the copies become
 * available. Every call must carry the same capture key.
 */
function awsLikeProvider() {
  const calls: ProtectRequest[] = [];
  const point = (id: string, region: string, state: RecoveryPoint['state']): RecoveryPoint => ({
    id: `${region === 'us-east-1' ? 'snap-src' : 'snap-dst'}-${id}`,
    kind: 'snapshot',
    region,
    sourceInstanceId: id,
    capturedAt: 0,
    appConsistent: false,
    state,
  });
  const stages: ((id: string) => RecoveryPoint)[] = [
    (id) => point(id, 'us-east-1', 'pending'),
    (id) => point(id, 'us-east-1', 'available'),
    (id) => point(id, 'us-west-2', 'pending'),
    (id) => point(id, 'us-west-2', 'available'),
  ];
  const cloud = {
    name: 'fake-aws',
    listProtected: async () => INSTANCES,
    describe: async (ids: string[]) => INSTANCES.filter((i) => ids.includes(i.id)),
    protect: async (request: ProtectRequest) => {
      calls.push(request);
      const stage = stages[Math.min(calls.length - 1, stages.length - 1)]!;
      return {
        points: request.instances.map((i) => stage(i.id)),
        pruned: calls.length === 1 ? ['snap-old'] : [],
      };
    },
  } as unknown as CloudProvider;
  return { cloud, calls };
}

describe('recovery.protect against a provider that finishes over several calls', () => {
  it('calls protect again with the same capture key until every point is available in the target region', async () => {
    const { cloud, calls } = awsLikeProvider();
    const clock = new FakeClock();
    const { result, polls } = await runAction(protectHandler(cloud, 5_000), clock, { retention: 3 });
    expect(calls).toHaveLength(4);
    expect(polls).toBe(3);
    expect(new Set(calls.map((c) => c.captureKey))).toEqual(new Set(['run-1:step:1']));
    expect(calls.every((c) => c.sourceRegion === 'us-east-1' && c.targetRegion === 'us-west-2')).toBe(true);
    // an available capture still in the source region is not done: only the target copies are
    expect(result.outputs).toEqual({
      points: { 'i-1': 'snap-dst-i-1', 'i-2': 'snap-dst-i-2' },
      pruned: ['snap-old'],
    });
  });

  it('fails without retry when the provider reports a copy in error', async () => {
    const { cloud } = awsLikeProvider();
    const failing = {
      ...cloud,
      protect: async (request: ProtectRequest) => ({
        points: request.instances.map((i) => ({
          id: `snap-${i.id}`,
          kind: 'snapshot' as const,
          region: 'us-west-2',
          sourceInstanceId: i.id,
          capturedAt: 0,
          appConsistent: false,
          state: 'error' as const,
        })),
        pruned: [],
      }),
    } as CloudProvider;
    await expect(runAction(protectHandler(failing, 5_000), new FakeClock(), {})).rejects.toMatchObject({
      code: 'PROTECT_FAILED',
    });
  });
});
