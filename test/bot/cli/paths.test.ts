import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveCliPaths } from '../../../bot/cli/paths.js';

const FIXTURE = 'test/fixtures/ux';
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The real CLI with only these DRBOT_* variables set (none inherited from the caller). */
function cli(args: string[], env: Record<string, string>) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DRBOT_')));
  const result = spawnSync(process.execPath, ['bin/drbot.mjs', ...args], {
    encoding: 'utf8',
    env: { ...base, NO_COLOR: '1', ...env },
    timeout: 120_000,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('CLI configuration: one resolution for every command', () => {
  it('takes the flag, else DRBOT_DATA_DIR / DRBOT_RUNBOOK_DIR, else the defaults', () => {
    expect(resolveCliPaths({}, {})).toEqual({ dataDir: '.drbot', runbookDir: 'runbooks' });
    const env = { DRBOT_DATA_DIR: '/var/drbot', DRBOT_RUNBOOK_DIR: '/etc/runbooks' };
    expect(resolveCliPaths({}, env)).toEqual({ dataDir: '/var/drbot', runbookDir: '/etc/runbooks' });
    expect(resolveCliPaths({ dataDir: 'here', dir: 'there' }, env)).toEqual({
      dataDir: 'here',
      runbookDir: 'there',
    });
    expect(resolveCliPaths({}, { DRBOT_DATA_DIR: '  ' }).dataDir).toBe('.drbot');
  });

  it('`plan` and `protect` find runbooks in DRBOT_RUNBOOK_DIR', { timeout: 240_000 }, () => {
    const plan = cli(['plan', 'drill', 'web-tier'], { DRBOT_RUNBOOK_DIR: FIXTURE });
    expect(plan.out).not.toContain('error');
    expect(plan.status).toBe(0);
    const protect = cli(['protect', 'web-tier', '--in-memory', '--fast'], { DRBOT_RUNBOOK_DIR: FIXTURE });
    expect(protect.out).toMatch(/i-\S+ .* \(.* old\)/);
    expect(protect.status).toBe(0);
  });

  it('`run` keeps its store in DRBOT_DATA_DIR', { timeout: 240_000 }, () => {
    const data = mkdtempSync(join(tmpdir(), 'drbot-data-'));
    dirs.push(data);
    const run = cli(['run', 'drill', 'web-tier', '--fast', '--no-agent'], {
      DRBOT_RUNBOOK_DIR: FIXTURE,
      DRBOT_DATA_DIR: data,
    });
    expect(run.out).toContain('succeeded');
    expect(existsSync(join(data, 'dynamo'))).toBe(true);
  });
});
