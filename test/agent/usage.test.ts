import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAgentOutput } from '../../agent/output.js';
import { runAgent, sandbox } from './helpers.js';

const box = sandbox();
afterAll(() => box.cleanup());

describe('drbot-agent bad input', () => {
  it.each([
    [['bogus']],
    [[]],
    [['mark', '--dir']],
    [['mark', '--dir', '--dir', '/x']],
    [['mark', '--dir', 'relative/path']],
    [['mark', '--dir', '/data/../../etc']],
    [['mark', '--frobnicate']],
    [['health', '--tcp', 'no-port']],
    [['health', '--tcp', 'host:99999']],
    [['health', '--http', 'ftp://x']],
    [['health', '--timeout', '0']],
    [['freeze', '--max', 'soon']],
    [['post-recovery', '--env', 'NOEQUALS']],
    [['post-recovery', '--env', '1BAD=x']],
    [['install', '--scheduler', 'at']],
    [['version', 'extra']],
  ])('%j: usage on stderr, exit 2, one JSON error, nothing written', async (args) => {
    const run = await runAgent(args, box);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: drbot-agent <command>');
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: 'usage', message: expect.any(String) } });
    expect(existsSync(join(box.root, 'var'))).toBe(false);
    expect(existsSync(join(box.root, 'etc'))).toBe(false);
  });

  it('rejects a DRBOT_NOW that is not epoch seconds', async () => {
    const run = await runAgent(['version'], { ...box, env: { DRBOT_NOW: 'yesterday' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DRBOT_NOW');
  });

  it('prints its version', async () => {
    const run = await runAgent(['version'], box);
    expect(run.code).toBe(0);
    expect(parseAgentOutput('version', run.stdout)).toMatchObject({
      command: 'version',
      ok: true,
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
  });
});
