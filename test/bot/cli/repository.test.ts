import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../../../bot/cli/commands/lint.js';
import {
  findRunbook,
  loadRunbookDir,
  loadRunbookFile,
  loadRunbookPath,
} from '../../../bot/runbooks/repository.js';
import { NotFoundError } from '../../../engine/errors.js';
import { RunbookError } from '../../../engine/runbook/errors.js';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drbot-runbooks-'));
  copyFileSync('runbooks/app-tier.yaml', join(dir, 'app-tier.yaml'));
  copyFileSync('runbooks/db-tier.yaml', join(dir, 'db-tier.yml'));
  mkdirSync(join(dir, 'sim'));
  writeFileSync(join(dir, 'sim', 'world.yaml'), 'not: a runbook\n');
  writeFileSync(join(dir, 'notes.txt'), 'ignored');
  return dir;
}

describe('loadRunbookDir', () => {
  it('loads *.yaml and *.yml directly in the directory, not sub-directories', async () => {
    const { runbooks, issues } = await loadRunbookDir(workspace());
    expect([...runbooks.keys()].sort()).toEqual(['app-tier', 'db-tier']);
    expect(issues).toEqual([]);
  });

  it('reports two files declaring the same name', async () => {
    const dir = workspace();
    copyFileSync('runbooks/app-tier.yaml', join(dir, 'zz-copy.yaml'));
    const { runbooks, issues } = await loadRunbookDir(dir);
    expect(runbooks.get('app-tier')?.file).toBe(join(dir, 'app-tier.yaml'));
    expect(issues).toEqual([
      expect.objectContaining({
        file: join(dir, 'zz-copy.yaml'),
        code: 'DUPLICATE_RUNBOOK_NAME',
        path: 'metadata.name',
        line: 6,
        col: 9,
      }),
    ]);
  });

  it('reports a missing directory as an issue', async () => {
    const { issues } = await loadRunbookDir('/nonexistent/drbot');
    expect(issues.map((i) => i.code)).toEqual(['READ_FAILED']);
  });
});

describe('loadRunbookPath / loadRunbookFile', () => {
  it('loads one file', async () => {
    const { runbooks } = await loadRunbookPath('runbooks/db-tier.yaml');
    expect([...runbooks.keys()]).toEqual(['db-tier']);
    expect((await loadRunbookFile('runbooks/db-tier.yaml')).metadata.name).toBe('db-tier');
  });

  it('throws RunbookError for an invalid file', async () => {
    await expect(loadRunbookFile('test/fixtures/runbooks/invalid/cycle.yaml')).rejects.toBeInstanceOf(
      RunbookError,
    );
  });
});

describe('findRunbook', () => {
  it('finds by metadata.name or by path', async () => {
    const dir = workspace();
    expect((await findRunbook('db-tier', dir)).file).toBe(join(dir, 'db-tier.yml'));
    expect((await findRunbook('runbooks/app-tier.yaml')).metadata.name).toBe('app-tier');
  });

  it('lists the known runbooks when the name is unknown', async () => {
    const error = await findRunbook('web-tier', workspace()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('RUNBOOK_NOT_FOUND');
    expect((error as NotFoundError).explanation).toContain('app-tier, db-tier');
  });

  it('reports the errors of a broken runbook found by file name', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'web-tier.yaml'), readFileSync('test/fixtures/runbooks/invalid/cycle.yaml'));
    await expect(findRunbook('web-tier', dir)).rejects.toBeInstanceOf(RunbookError);
  });
});

describe('lintPaths', () => {
  it('collects issues across files and directories', async () => {
    const summary = await lintPaths(['test/fixtures/runbooks/invalid/needs-typo.yaml', workspace()]);
    expect(summary.runbooks.sort()).toEqual(['app-tier', 'db-tier']);
    expect(summary.issues.map((i) => i.code)).toEqual(['NEEDS_UNKNOWN_STEP']);
    expect(summary.files).toBe(3);
  });
});
