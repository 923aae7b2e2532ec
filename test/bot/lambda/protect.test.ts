import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION, hourKey, protectAll } from '../../../bot/lambda/protect.js';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';
import type { Instance } from '../../../engine/cloud/compute.js';
import type { CloudProvider } from '../../../engine/cloud/provider.js';
import type { ProtectRequest, RecoveryPoint } from '../../../engine/cloud/recovery-points.js';
import { makeRunbook } from '../../helpers/runbook.js';

const instance = (id: string): Instance => ({
  id,
  region: 'us-east-1',
  type: 't3.large',
  state: 'running',
  securityGroups: [],
  volumes: [],
  tags: {},
});
const point = (id: string, region: string, state: RecoveryPoint['state']): RecoveryPoint => ({
  id,
  kind: 'ami',
  region,
  sourceInstanceId: 'i-1',
  capturedAt: 0,
  appConsistent: false,
  state,
});

/** A cloud whose copy becomes available on the second protect call with the same key. */
function fakeCloud(options: { failFor?: string } = {}) {
  const requests: ProtectRequest[] = [];
  const cloud = {
    listProtected: (selector: { tags?: Record<string, string> }) => {
      if (options.failFor && selector.tags?.['dr-tier'] === options.failFor)
        return Promise.reject(new Error('UnauthorizedOperation'));
      return Promise.resolve([instance('i-1')]);
    },
    protect: (request: ProtectRequest) => {
      requests.push(request);
      const seen = requests.filter((r) => r.captureKey === request.captureKey).length;
      return Promise.resolve({
        points: [
          seen > 1 ? point('ami-2', 'us-west-2', 'available') : point('ami-1', 'us-east-1', 'pending'),
        ],
        pruned: seen > 1 ? ['ami-old'] : [],
      });
    },
  } as unknown as CloudProvider;
  return { cloud, requests };
}

describe('protect Lambda handler', () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 9, 17));
  const app = makeRunbook({
    name: 'app-tier',
    steps: [{ id: 'x', action: 'wait', with: { duration: '1s' } }],
  });

  it('captures every runbook hourly under one key per hour and polls until the copy is available', async () => {
    const { cloud, requests } = fakeCloud();
    const sleeps: number[] = [];
    const results = await protectAll({
      cloud,
      runbooks: new Map([['app-tier', app]]),
      clock,
      remainingMs: () => 600_000,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    expect(results).toEqual([{ runbook: 'app-tier', instances: 1, available: 1, pending: 0, pruned: 1 }]);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      sourceRegion: 'us-east-1',
      targetRegion: 'us-west-2',
      retention: DEFAULT_RETENTION,
      captureKey: 'drbot-hourly:app-tier:2026-01-05T09',
    });
    expect(sleeps).toEqual([15_000]);
    expect(hourKey(clock.now())).toBe('2026-01-05T09');
  });

  it('returns before the time budget runs out, leaving the copy pending', async () => {
    const { cloud, requests } = fakeCloud();
    const results = await protectAll({
      cloud,
      runbooks: new Map([['app-tier', app]]),
      clock,
      remainingMs: () => 20_000,
      sleep: () => Promise.resolve(),
    });
    expect(results[0]).toMatchObject({ available: 0, pending: 1 });
    expect(requests).toHaveLength(1);
  });

  it('keeps protecting the other runbooks when one fails, and reports which', async () => {
    const db = {
      ...makeRunbook({ name: 'db-tier', steps: [{ id: 'x', action: 'wait', with: { duration: '1s' } }] }),
    };
    const dbTier = { ...db, spec: { ...db.spec, protect: { tags: { 'dr-tier': 'db' } } } };
    const { cloud } = fakeCloud({ failFor: 'db' });
    const results = await protectAll({
      cloud,
      runbooks: new Map([
        ['db-tier', dbTier],
        ['app-tier', app],
      ]),
      clock,
      remainingMs: () => 600_000,
      sleep: () => Promise.resolve(),
    });
    expect(results.find((r) => r.runbook === 'db-tier')?.error).toBe('UnauthorizedOperation');
    expect(results.find((r) => r.runbook === 'app-tier')).toMatchObject({ available: 1 });
  });

  it('never captures an Alibaba runbook with the AWS clients: skipped with PROVIDER_NOT_CONFIGURED, not failed', async () => {
    const { cloud, requests } = fakeCloud();
    const awsCloud = Object.assign(Object.create(null), cloud, { name: 'aws' }) as CloudProvider;
    const ecs = makeRunbook({
      name: 'ecs-tier',
      provider: 'alibaba',
      steps: [{ id: 'x', action: 'wait', with: { duration: '1s' } }],
    });
    const results = await protectAll({
      cloud: awsCloud,
      runbooks: new Map([
        ['ecs-tier', ecs],
        ['app-tier', app],
      ]),
      clock,
      remainingMs: () => 600_000,
      sleep: () => Promise.resolve(),
    });
    const skipped = results.find((r) => r.runbook === 'ecs-tier');
    expect(skipped?.error).toBeUndefined();
    expect(skipped?.skipped?.code).toBe('PROVIDER_NOT_CONFIGURED');
    expect(skipped?.skipped?.action).toContain('--provider alibaba');
    expect(requests.every((r) => r.captureKey.includes('app-tier'))).toBe(true);
    expect(results.find((r) => r.runbook === 'app-tier')).toMatchObject({ available: 1 });
  });
});
