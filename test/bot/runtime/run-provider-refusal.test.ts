import { describe, expect, it } from 'vitest';
import { runLocally } from '../../../bot/runtime/run-local.js';

describe('drbot run: the runbook spec.provider must be the cloud chosen', () => {
  it('drbot run --provider alibaba refuses an AWS runbook before any step (PROVIDER_NOT_CONFIGURED)', async () => {
    await expect(
      runLocally({
        runbook: 'app-tier',
        runbooksDir: 'test/fixtures/tiers',
        mode: 'drill',
        provider: 'alibaba',
        inMemory: true,
      }),
    ).rejects.toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED' });
  });

  it('drbot run --provider aws refuses an Alibaba runbook, naming --provider alibaba', async () => {
    await expect(
      runLocally({
        runbook: 'ecs-fixture-tier',
        runbooksDir: 'test/fixtures/alibaba',
        mode: 'drill',
        provider: 'aws',
        inMemory: true,
      }),
    ).rejects.toMatchObject({
      code: 'PROVIDER_NOT_CONFIGURED',
      action: expect.stringContaining('--provider alibaba'),
    });
  });
});
