/**
 * Table-driven: each invalid fixture's leading `# expect: CODE path line:col` comments list every
 * error the loader must report for it, exactly. The first one is the error the fixture is about.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunbook, loadRunbook, RunbookError } from '../../../engine/runbook/index.js';

const INVALID = 'test/fixtures/runbooks/invalid';
const VALID = [
  'test/fixtures/tiers/app-tier.yaml',
  'test/fixtures/tiers/db-tier.yaml',
  'test/fixtures/runbooks/valid/minimal.yaml',
];

function expectations(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('# expect: '))
    .map((line) => line.slice('# expect: '.length).trim());
}

const fixtures = readdirSync(INVALID)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

describe('invalid runbook fixtures', () => {
  it('has at least 40 fixtures, each stating its expected error', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    for (const name of fixtures)
      expect(expectations(readFileSync(join(INVALID, name), 'utf8')).length).toBeGreaterThan(0);
  });

  it.each(fixtures)('%s reports exactly the expected errors', (name) => {
    const file = join(INVALID, name);
    const text = readFileSync(file, 'utf8');
    const result = checkRunbook(text, file);
    expect(result.runbook).toBeUndefined();
    const actual = result.issues
      .filter((issue) => issue.severity === 'error')
      .map((issue) => `${issue.code} ${issue.path || '-'} ${issue.line}:${issue.col}`);
    expect(actual.sort()).toEqual(expectations(text).sort());
    for (const issue of result.issues) {
      expect(issue.file).toBe(file);
      expect(issue.message.length).toBeGreaterThan(0);
    }
  });

  it.each(fixtures)('%s makes loadRunbook throw RunbookError', (name) => {
    const file = join(INVALID, name);
    const text = readFileSync(file, 'utf8');
    let thrown: unknown;
    try {
      loadRunbook(text, file);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(RunbookError);
    expect((thrown as RunbookError).code).toBe('RUNBOOK_INVALID');
  });
});

describe('valid runbooks', () => {
  it.each(VALID)('%s loads without errors or warnings', (file) => {
    const result = checkRunbook(readFileSync(file, 'utf8'), file);
    expect(result.issues).toEqual([]);
    expect(result.runbook?.file).toBe(file);
  });
});
