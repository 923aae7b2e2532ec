import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { ancestryOf } from '../../../engine/runbook/checks/ancestry.js';
import type { StepRef } from '../../../engine/runbook/checks/context.js';
import { checkRunbook } from '../../../engine/runbook/load.js';
import type { StepSpec } from '../../../engine/runbook/types.js';
import { chainRunbook } from '../../helpers/big-runbook.js';

function refsOf(needs: string[][]): StepRef[] {
  return needs.map((n, index) => ({
    mode: 'drill',
    list: 'steps',
    index,
    step: { id: `s${index}`, action: 'notify', needs: n, with: {} } as unknown as StepSpec,
    path: ['spec', 'modes', 'drill', 'steps', index],
  }));
}

/** The definition: walk the needs, one step at a time. */
function naiveUpstream(refs: StepRef[], ref: StepRef): Set<string> {
  const byId = new Map(refs.map((r) => [r.step.id, r]));
  const seen = new Set<string>();
  const pending = [...ref.step.needs];
  while (pending.length > 0) {
    const id = pending.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    pending.push(...(byId.get(id)?.step.needs ?? []));
  }
  return seen;
}

describe('lint at scale', () => {
  it('ancestry matches the definition on random graphs (cycles, self-needs and unknown needs included)', () => {
    const random = new SeededRandom(7);
    for (let round = 0; round < 30; round += 1) {
      const n = 1 + Math.floor(random.next() * 70);
      const needs = Array.from({ length: n }, () =>
        Array.from({ length: Math.floor(random.next() * 3) }, () =>
          random.next() < 0.05 ? 'missing' : `s${Math.floor(random.next() * n)}`,
        ),
      );
      const refs = refsOf(needs);
      const ancestry = ancestryOf(refs);
      for (const ref of refs) {
        const want = naiveUpstream(refs, ref);
        // Unknown ids are never asked: the expression check looks a step up before asking.
        for (const other of refs.map((r) => r.step.id)) {
          expect(ancestry.upstream(ref, other), `${ref.step.id} ⇐ ${other} in ${JSON.stringify(needs)}`).toBe(
            want.has(other),
          );
        }
        expect(ancestry.broken(ref)).toBe(want.has('missing'));
      }
      expect(ancestry.builds).toBeLessThanOrEqual(1);
    }
  });

  it('builds the ancestors of a list once, however many steps ask', () => {
    const refs = refsOf(Array.from({ length: 2000 }, (_, i) => (i === 0 ? [] : [`s${i - 1}`])));
    const ancestry = ancestryOf(refs);
    for (const ref of refs) expect(ancestry.upstream(ref, 's0')).toBe(ref.index > 0);
    expect(ancestry.builds).toBe(1);
    expect(ancestry.broken(refs[1999] as StepRef)).toBe(false);
  });

  it('a 10,000-step chain lints clean: every read is upstream, nothing overflows the stack', {
    timeout: 120_000,
  }, () => {
    const result = checkRunbook(chainRunbook(10_000), 'big.yaml');
    expect(result.issues).toEqual([]);
    expect(result.runbook?.spec.modes.drill?.steps).toHaveLength(10_000);
  });

  it('a 10,000-step cycle is one DEPENDENCY_CYCLE error', { timeout: 120_000 }, () => {
    const result = checkRunbook(chainRunbook(10_000, { cycle: true }), 'cycle.yaml');
    const cycles = result.issues.filter((i) => i.code === 'DEPENDENCY_CYCLE');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.message).toMatch(/^dependency cycle: s0 → s9999 → s9998 → .* → s0$/);
  });

  it('still warns when a step reads one that is not upstream', () => {
    const text = chainRunbook(50).replace(
      '{message: "${{ steps.s20.status }}"}',
      '{message: "${{ steps.s30.status }}"}',
    );
    const result = checkRunbook(text, 'big.yaml');
    expect(result.issues.map((i) => [i.code, i.path])).toEqual([
      ['EXPR_NOT_UPSTREAM', 'spec.modes.drill.steps[21].with.message'],
    ]);
  });
});
