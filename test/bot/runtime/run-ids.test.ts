import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLocally } from '../../../bot/runtime/run-local.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/ux');

describe('run ids', () => {
  it('gives runs with the same seed distinct short ids (the end of the id)', {
    timeout: 60_000,
  }, async () => {
    const tails = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const { run } = await runLocally({
        mode: 'drill',
        runbook: 'web-tier',
        runbooksDir: FIXTURES,
        inMemory: true,
        fast: true,
        seed: 7,
      });
      expect(run.status).toBe('succeeded');
      tails.add(run.id.slice(-6));
    }
    expect(tails.size).toBe(3);
  });
});
