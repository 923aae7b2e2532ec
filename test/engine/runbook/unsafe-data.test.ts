/**
 * Drill safety of the data tier: each fixture under unsafe-data/ states the one error lint must
 * report (`# expect: CODE path`), and the real CLI refuses such a runbook. The safe fixture of the
 * same tier loads clean, so the checks refuse what they should and nothing more.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ACTION_MODULES } from '../../../engine/actions/catalogue.js';
import { UNKNOWN_INPUT } from '../../../engine/actions/types.js';
import { checkRunbook } from '../../../engine/runbook/index.js';
import type { RunbookSpec } from '../../../engine/runbook/types.js';

const DIR = 'test/fixtures/runbooks/unsafe-data';
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const expected = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('# expect: '))
    .map((l) => l.slice(10).trim());

describe('lint refuses unsafe data-tier runbooks', () => {
  it.each(fixtures)('%s reports exactly its expected error', (name) => {
    const text = readFileSync(join(DIR, name), 'utf8');
    const result = checkRunbook(text, join(DIR, name));
    expect(result.runbook).toBeUndefined();
    const errors = result.issues.filter((i) => i.severity === 'error').map((i) => `${i.code} ${i.path}`);
    expect(errors).toEqual(expected(text));
  });

  it('covers a drill that deletes, promotes or fails over a database it did not create', () => {
    const codes = new Set(
      fixtures.flatMap((f) => expected(readFileSync(join(DIR, f), 'utf8')).map((e) => e.split(' ')[0])),
    );
    expect([...codes].sort()).toEqual([
      'DRILL_UNSAFE_DESTROY',
      'DRILL_UNSAFE_MODIFY',
      'GATE_ONE_PERSON',
      'PRODUCTION_WITHOUT_APPROVAL',
    ]);
  });

  it('accepts the safe data tier: drill restores then deletes run-owned, failover is approved by two', () => {
    const file = 'test/fixtures/runbooks/data/data-tier.yaml';
    expect(checkRunbook(readFileSync(file, 'utf8'), file).issues).toEqual([]);
  });

  it('drbot lint exits non-zero on an unsafe drill on a database', async () => {
    const run = promisify(execFile);
    const err = await run(process.execPath, [
      'bin/drbot.mjs',
      'lint',
      join(DIR, 'drill-promotes-replica.yaml'),
    ]).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect((err as { code: number }).code).not.toBe(0);
    expect(`${(err as { stdout: string }).stdout}${(err as { stderr: string }).stderr}`).toContain(
      'DRILL_UNSAFE_MODIFY',
    );
  }, 30_000);
});

const SPEC = {} as RunbookSpec;

describe('data-tier actions declare honest effects', () => {
  const byName = new Map(ACTION_MODULES.map((m) => [m.name, m]));
  const effects = (name: string, inputs: Record<string, unknown>, mode: 'drill' | 'failover') =>
    byName.get(name)?.effects?.(inputs, mode, SPEC) ?? [];

  it('a drill restore creates a run-owned database; a failover restore creates the production one', () => {
    expect(effects('rds.restore', {}, 'drill')).toContainEqual(
      expect.objectContaining({ verb: 'create', scope: 'run-owned' }),
    );
    expect(effects('rds.restore', {}, 'failover')).toContainEqual(
      expect.objectContaining({ verb: 'create', scope: 'recovery' }),
    );
  });

  it('promotion and global moves modify protected; deleting a named database is destroy on protected', () => {
    for (const name of ['rds.promoteReplica', 'aurora.switchover', 'aurora.failover'])
      expect(effects(name, {}, 'failover')).toContainEqual(
        expect.objectContaining({ verb: 'modify', scope: 'protected' }),
      );
    expect(effects('rds.delete', { runOwned: true }, 'drill')).toEqual([
      expect.objectContaining({ verb: 'destroy', scope: 'run-owned' }),
    ]);
    expect(effects('rds.delete', { databases: UNKNOWN_INPUT }, 'drill')).toEqual([
      expect.objectContaining({ verb: 'destroy', scope: 'protected' }),
    ]);
  });

  it('every data-tier action declares its capability and AWS grants', () => {
    for (const name of [
      'rds.latestPoint',
      'rds.restore',
      'rds.delete',
      'rds.promoteReplica',
      'aurora.switchover',
      'aurora.failover',
      's3.replicationCheck',
      'ssm.putParameter',
      'ssm.deleteParameters',
    ]) {
      const m = byName.get(name);
      expect(m, name).toBeDefined();
      expect(m?.capabilities?.length, name).toBeGreaterThan(0);
      expect(m?.permissions?.aws?.length, name).toBeGreaterThan(0);
      expect(m?.effects, name).toBeTypeOf('function');
    }
  });
});
