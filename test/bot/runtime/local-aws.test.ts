import { describe, expect, it } from 'vitest';
import { loadLocalDirectory } from '../../../bot/runtime/directory.js';
import { createLocalRuntime } from '../../../bot/runtime/local.js';

describe('local runtime on --provider aws', () => {
  it('starts from a runbook directory without the sim world or directory (no groups then)', async () => {
    // test/fixtures/serve-aws has no sim/ folder, as a user's own runbook repository would not
    const runtime = await createLocalRuntime({
      provider: 'aws',
      inMemory: true,
      runbooksDir: 'test/fixtures/serve-aws',
    });
    try {
      expect([...runtime.runbooks.keys()]).toEqual(['app-tier']);
      expect(await runtime.directory.membersOf('S0SRE')).toEqual([]);
    } finally {
      await runtime.close();
    }
  });

  it('still requires the directory file on the sim, which it stands in for Slack groups', async () => {
    await expect(loadLocalDirectory('test/fixtures/serve-aws/sim/directory.yaml', false)).rejects.toThrow(
      /ENOENT/,
    );
    await expect(
      loadLocalDirectory('test/fixtures/serve-aws/sim/directory.yaml', true),
    ).resolves.toBeDefined();
  });
});
