/**
 * Rules every shipped runbook keeps, whatever runbooks/ holds (no names or counts): they are the
 * examples people copy, so they must measure the RTO honestly and switch DNS sensibly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../../bot/cli/commands/lint.js';
import { loadRunbook } from '../../engine/runbook/load.js';
import type { Runbook, StepSpec } from '../../engine/runbook/types.js';

const DIR = join(import.meta.dirname, '../../runbooks');
const runbooks: Runbook[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => loadRunbook(readFileSync(join(DIR, f), 'utf8'), join('runbooks', f)));

/** Every step that `id` needs, directly or not. */
function ancestors(steps: StepSpec[], id: string, seen = new Set<string>()): Set<string> {
  for (const need of steps.find((s) => s.id === id)?.needs ?? []) {
    if (seen.has(need)) continue;
    seen.add(need);
    ancestors(steps, need, seen);
  }
  return seen;
}

describe('shipped runbooks', () => {
  it('stop the RTO clock only once traffic is switched (at or after dns.switch)', () => {
    for (const runbook of runbooks) {
      for (const [mode, spec] of Object.entries(runbook.spec.modes)) {
        const switches = spec.steps.filter((s) => s.action === 'dns.switch').map((s) => s.id);
        if (switches.length === 0) continue;
        const end = spec.steps.find((s) => s.rto === 'end');
        const label = `${runbook.metadata.name} ${mode}`;
        expect(end, label).toBeDefined();
        const before = ancestors(spec.steps, end?.id ?? '');
        expect(
          switches.every((id) => id === end?.id || before.has(id)),
          `${label}: rto: end is on ${end?.id}, before the DNS switch`,
        ).toBe(true);
      }
    }
  });

  it('never point a public name at a private IP', () => {
    for (const runbook of runbooks) {
      for (const spec of Object.values(runbook.spec.modes)) {
        for (const step of spec.steps.filter((s) => s.action === 'dns.switch')) {
          const record = String(step.with.record ?? runbook.spec.dns?.record ?? '');
          if (String(step.with.target ?? '').includes('privateIps'))
            expect(record, `${runbook.metadata.name} ${step.id}`).toMatch(/\.(internal|local|lan|corp)$/);
        }
      }
    }
  });

  it('lint clean (no error, no warning), and each Alibaba one keeps the modes of its test fixture', async () => {
    const summary = await lintPaths([DIR]);
    expect(summary.issues).toEqual([]);
    // the Alibaba e2e runs test/fixtures/alibaba: each shipped Alibaba runbook must have a twin
    // there (same site pair) whose modes are its own, so the e2e proves what ships
    const FIXTURES = join(import.meta.dirname, '../fixtures/alibaba');
    const fixtures = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => loadRunbook(readFileSync(join(FIXTURES, f), 'utf8'), f));
    const pair = (r: Runbook) => JSON.stringify([r.spec.source, r.spec.target]);
    for (const runbook of runbooks.filter((r) => r.spec.provider === 'alibaba')) {
      const twin = fixtures.find((f) => pair(f) === pair(runbook));
      expect(twin?.spec.modes, runbook.metadata.name).toEqual(runbook.spec.modes);
    }
  });
});
