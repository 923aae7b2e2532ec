/** End-to-end CLI behaviour through `node bin/drbot.mjs` (exit codes, gcc-style output, JSON). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('drbot lint', () => {
  it('exits 0 on a directory of clean runbooks', () => {
    const result = runCli(['lint', 'test/fixtures/ux']);
    expect(result.stdout).toContain('ok: 1 runbook clean (web-tier)');
    expect(result.status).toBe(0);
  });

  it('prints file:line:col and "did you mean" for a needs typo, exiting 1', () => {
    const result = runCli([
      'lint',
      'test/fixtures/runbooks/invalid/needs-typo.yaml',
      'test/fixtures/ux/web-tier.yaml',
    ]);
    expect(result.stdout).toContain(
      'test/fixtures/runbooks/invalid/needs-typo.yaml:28:19 error NEEDS_UNKNOWN_STEP: "lauch" is not a step of drill.steps',
    );
    expect(result.stdout).toContain('(hint: did you mean "launch"?)');
    expect(result.stdout).toContain('1 error, 0 warnings (2 files checked)');
    expect(result.status).toBe(1);
  });

  it('exits 2 with usage on an unknown option', () => {
    const result = runCli(['lint', '--bogus']);
    expect(result.stderr).toContain("unknown option '--bogus'");
    expect(result.status).toBe(2);
  });
});

describe('drbot plan', () => {
  it('prints the failover plan as JSON with the two-person cutover gate', () => {
    const result = runCli(['plan', 'failover', 'web-tier', '--dir', 'test/fixtures/ux', '--json']);
    expect(result.status).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.mode).toBe('failover');
    expect(plan.gates).toContainEqual(
      expect.objectContaining({
        gate: 'cutover',
        required: 2,
        excludeInitiator: true,
        step: 'cutover-approval',
      }),
    );
  });

  it('accepts a file path and prints text', () => {
    const result = runCli(['plan', 'drill', 'test/fixtures/ux/web-tier.yaml']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Plan: web-tier drill (us-east-1 → us-west-2)');
  });

  it('names the known runbooks when the name is wrong, exiting 1', () => {
    const result = runCli(['plan', 'drill', 'web-teir', '--dir', 'test/fixtures/ux']);
    expect(result.stderr).toContain('No runbook named "web-teir"');
    expect(result.stderr).toContain('are: web-tier');
    expect(result.status).toBe(1);
  });

  it('exits 2 on a mode that does not exist', () => {
    const result = runCli(['plan', 'web-tier', 'sideways', '--dir', 'test/fixtures/ux']);
    expect(result.stderr).toContain('Neither "web-tier" nor "sideways" is a mode');
    expect(result.status).toBe(2);
  });

  it('takes the mode and the runbook in either order', () => {
    const a = runCli(['plan', 'drill', 'web-tier', '--dir', 'test/fixtures/ux', '--json']);
    const b = runCli(['plan', 'web-tier', 'drill', '--dir', 'test/fixtures/ux', '--json']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });
});

describe('drbot docs', () => {
  it('writes the reference between the markers only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drbot-docs-'));
    const readme = join(dir, 'README.md');
    writeFileSync(
      readme,
      '# Title\n\n<!-- runbook-reference:start -->\nold\n<!-- runbook-reference:end -->\n\nTail\n',
    );
    const result = runCli(['docs', '--write', readme]);
    expect(result.status).toBe(0);
    const text = readFileSync(readme, 'utf8');
    expect(text.startsWith('# Title\n\n<!-- runbook-reference:start -->\n')).toBe(true);
    expect(text.endsWith('<!-- runbook-reference:end -->\n\nTail\n')).toBe(true);
    expect(text).not.toContain('\nold\n');
    expect(text).toContain('`spec.objectives.rto`');
    expect(text).toContain('#### `ec2.launch`');
  });

  it('refuses to write without markers, explains how to add them and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drbot-docs-'));
    const readme = join(dir, 'README.md');
    writeFileSync(readme, '# Title\n');
    const result = runCli(['docs', '--write', readme]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('<!-- runbook-reference:start -->');
    expect(readFileSync(readme, 'utf8')).toBe('# Title\n');
  });
});

describe('drbot', () => {
  it('exits 2 with usage on an unknown command', () => {
    const result = runCli(['frobnicate']);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
    expect(result.status).toBe(2);
  });
});
