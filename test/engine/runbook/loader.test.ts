import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_SPECS } from '../../../engine/actions/catalogue.js';
import {
  checkRunbook,
  formatIssue,
  loadRunbook,
  MAX_RUNBOOK_BYTES,
  RunbookError,
  type RunbookIssue,
  sha256,
} from '../../../engine/runbook/index.js';

const APP = readFileSync('test/fixtures/tiers/app-tier.yaml', 'utf8');
const MINIMAL = readFileSync('test/fixtures/runbooks/valid/minimal.yaml', 'utf8');

function issuesOf(text: string): RunbookIssue[] {
  try {
    loadRunbook(text, 'x.yaml');
  } catch (err) {
    if (err instanceof RunbookError) return [...err.issues];
    throw err;
  }
  return [];
}

describe('loadRunbook', () => {
  it('returns the fixed facts of app-tier', () => {
    const runbook = loadRunbook(APP, 'test/fixtures/tiers/app-tier.yaml');
    expect(runbook.metadata.name).toBe('app-tier');
    expect(runbook.spec.source.region).toBe('us-east-1');
    expect(runbook.spec.target.region).toBe('us-west-2');
    expect(runbook.spec.protect.tags).toEqual({ 'dr-tier': 'app' });
    expect(runbook.spec.objectives).toEqual({ rto: '15m', rpo: '1h' });
    expect(runbook.spec.approvals.cutover).toMatchObject({
      required: 2,
      excludeInitiator: true,
      timeout: '30m',
    });
    expect(runbook.spec.approvals.cutover?.approvers.groups).toEqual(['S0SRE']);
    expect(runbook.spec.schedule[0]).toEqual({
      mode: 'drill',
      cron: '0 9 * * MON',
      timezone: 'Europe/London',
      channel: 'C0DRILLS',
      auto: true,
    });
    expect(runbook.spec.dns).toEqual({ zone: 'Z0DRBOTINTERNAL', record: 'app.shop.internal' });
    expect(runbook.spec.defaults).toEqual({ instanceType: 't3.large', drillTtl: '4h', retention: 24 });
    expect(runbook.spec.modes.drill?.steps.map((s) => s.id)).toEqual([
      'rpo-gate',
      'launch',
      'wait-healthy',
      'health',
      'measure-rpo',
    ]);
  });

  it('stamps file and sha256 hash of the text', () => {
    const runbook = loadRunbook(MINIMAL, 'min.yaml');
    expect(runbook.file).toBe('min.yaml');
    expect(runbook.hash).toBe(sha256(MINIMAL));
    expect(runbook.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('applies defaults', () => {
    const runbook = loadRunbook(MINIMAL, 'min.yaml');
    const failover = runbook.spec.modes.failover;
    expect(failover?.cleanup).toEqual([]);
    expect(failover?.steps[0]).toMatchObject({ needs: [], onFailure: 'abort' });
    expect(runbook.spec.approvals.cutover?.excludeInitiator).toBe(true);
    expect(runbook.spec.schedule).toEqual([]);
  });

  it('fills retry defaults', () => {
    const text = MINIMAL.replace(
      '          needs: [rpo-gate]\n',
      '          needs: [rpo-gate]\n          retry: { maxAttempts: 4 }\n',
    );
    const retry = loadRunbook(text, 'x.yaml').spec.modes.drill?.steps[1]?.retry;
    expect(retry).toEqual({ maxAttempts: 4, initialInterval: '1s', backoffCoefficient: 2 });
  });

  it('returns a deeply frozen runbook', () => {
    const runbook = loadRunbook(APP, 'app.yaml');
    expect(Object.isFrozen(runbook)).toBe(true);
    expect(Object.isFrozen(runbook.spec.modes.drill?.steps[1]?.with)).toBe(true);
    expect(() => {
      ((runbook.spec.modes.drill?.steps as unknown as unknown[] | undefined) ?? []).push({});
    }).toThrow(TypeError);
  });

  it('checks `with` against a custom action registry', () => {
    const actions = ACTION_SPECS.filter((spec) => spec.name !== 'agent.health');
    const issues = issuesOf(MINIMAL);
    expect(issues).toEqual([]);
    expect(() => loadRunbook(MINIMAL, 'x.yaml', { actions })).toThrow(RunbookError);
  });

  it('accepts a whole expression for a non-string input but checks mixed text by type', () => {
    // (a drill may not terminate named instances: they could be anyone's, see engine/safety)
    const ok = MINIMAL.replace('with: { runOwned: true }', 'with: { runOwned: "${{ true }}" }');
    expect(issuesOf(ok)).toEqual([]);
    const bad = MINIMAL.replace('with: { runOwned: true }', 'with: { runOwned: "yes ${{ run.id }}" }');
    expect(issuesOf(bad).map((i) => i.code)).toContain('INPUT_WRONG_TYPE');
  });

  it('warns when an expression reads a step that is not upstream', () => {
    const text = MINIMAL.replace('          needs: [launch]\n', '');
    const result = checkRunbook(text, 'x.yaml');
    expect(result.runbook).toBeDefined();
    expect(result.issues.map((i) => `${i.severity} ${i.code} ${i.path}`)).toEqual([
      'warning EXPR_NOT_UPSTREAM spec.modes.drill.steps[2].with.instances',
    ]);
  });

  it('refuses files over 1 MiB before parsing', () => {
    const big = `${MINIMAL}\n#${'x'.repeat(MAX_RUNBOOK_BYTES)}`;
    expect(issuesOf(big).map((i) => i.code)).toEqual(['FILE_TOO_LARGE']);
  });

  it('caps alias expansion (billion laughs)', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    expect(issuesOf(lines.join('\n')).map((i) => i.code)).toEqual(['YAML_ALIAS']);
  });

  it('rejects unknown tags and yaml 1.1 types', () => {
    expect(issuesOf('a: !!binary aGVsbG8=').map((i) => i.code)).toEqual(['YAML_TAG']);
    expect(issuesOf('a: !!set { x }').map((i) => i.code)).toEqual(['YAML_TAG']);
  });

  it('suggests the closest step on a needs typo', () => {
    const issue = issuesOf(MINIMAL.replace('needs: [launch]', 'needs: [lunch]'))[0];
    expect(issue).toMatchObject({
      code: 'NEEDS_UNKNOWN_STEP',
      line: 27,
      col: 19,
      hint: 'did you mean "launch"?',
    });
  });

  it('names the cycle', () => {
    const text = MINIMAL.replace(
      '          action: recovery.latestPoint\n',
      '          action: recovery.latestPoint\n          needs: [health]\n',
    );
    expect(issuesOf(text)[0]?.message).toBe('dependency cycle: rpo-gate → health → launch → rpo-gate');
  });
});

describe('formatIssue', () => {
  it('prints gcc-style with path and hint', () => {
    const line = formatIssue({
      file: 'test/fixtures/tiers/app-tier.yaml',
      line: 12,
      col: 7,
      path: 'spec.modes.drill.steps[2].needs[0]',
      code: 'NEEDS_UNKNOWN_STEP',
      message: '"lauch" is not a step of drill.steps',
      hint: 'did you mean "launch"?',
      severity: 'error',
    });
    expect(line).toBe(
      'test/fixtures/tiers/app-tier.yaml:12:7 error NEEDS_UNKNOWN_STEP: "lauch" is not a step of drill.steps [spec.modes.drill.steps[2].needs[0]] (hint: did you mean "launch"?)',
    );
  });
});

describe('RunbookError', () => {
  it('summarises the first error and says what to do', () => {
    const issues = issuesOf(MINIMAL.replace('kind: Runbook', 'kind: Book').replace('rto: 15m', 'rto: soon'));
    const error = new RunbookError('x.yaml', issues);
    expect(error.message).toMatch(/^x\.yaml:2:7 error BAD_VALUE: .* \(and 1 more error\)$/);
    expect(error.toUser().action).toContain('drbot lint x.yaml');
  });
});
