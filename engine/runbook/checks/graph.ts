/**
 * Step graph checks: unique ids within a mode, `needs` naming known steps of the same list,
 * no dependency cycles, and one `rto: end` marker per mode.
 */
import { suggestHint } from '../suggest.js';
import type { Mode } from '../types.js';
import { type CheckContext, definedModes, indexById, modePath, type StepRef, stepsOf } from './context.js';

export function checkGraph(ctx: CheckContext): void {
  for (const mode of definedModes(ctx.doc)) {
    const refs = stepsOf(ctx.doc, mode);
    checkDuplicates(ctx, refs);
    for (const list of ['steps', 'cleanup'] as const) {
      const inList = refs.filter((ref) => ref.list === list);
      checkNeeds(ctx, inList, refs);
      checkCycles(ctx, inList);
    }
    checkRtoMarker(ctx, mode, refs);
  }
}

function checkDuplicates(ctx: CheckContext, refs: StepRef[]): void {
  const first = new Map<string, StepRef>();
  for (const ref of refs) {
    const earlier = first.get(ref.step.id);
    if (!earlier) {
      first.set(ref.step.id, ref);
      continue;
    }
    const line = ctx.source.locate([...earlier.path, 'id']).line;
    ctx.issues.push(
      ctx.source.issue([...ref.path, 'id'], 'DUPLICATE_STEP_ID', `step id "${ref.step.id}" is already used`, {
        hint: `ids must be unique across the steps and cleanup of a mode; the first "${ref.step.id}" is on line ${line}`,
      }),
    );
  }
}

function checkNeeds(ctx: CheckContext, inList: StepRef[], all: StepRef[]): void {
  const ids = inList.map((ref) => ref.step.id);
  const known = new Set(ids);
  for (const ref of inList) {
    ref.step.needs.forEach((need, i) => {
      const path = [...ref.path, 'needs', i];
      if (need === ref.step.id) {
        ctx.issues.push(
          ctx.source.issue(path, 'DEPENDENCY_CYCLE', `step "${need}" needs itself`, {
            hint: 'remove it from its own needs',
          }),
        );
      } else if (!known.has(need)) {
        const elsewhere = all.find((other) => other.step.id === need);
        ctx.issues.push(
          ctx.source.issue(path, 'NEEDS_UNKNOWN_STEP', `"${need}" is not a step of ${ref.mode}.${ref.list}`, {
            hint: elsewhere
              ? `${ref.list} steps can only need other ${ref.list} steps; "${need}" is in ${elsewhere.list}`
              : suggestHint(need, ids, 'step'),
          }),
        );
      }
    });
  }
}

/**
 * Depth-first search, iterative (a 10,000-step chain must not overflow the stack); reports each
 * cycle once, naming its steps in order (a → b → a).
 */
function checkCycles(ctx: CheckContext, inList: StepRef[]): void {
  const byId = indexById(inList);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const onStack = new Map<string, number>();
  const reported = new Set<string>();

  const report = (ref: StepRef, i: number, need: string): void => {
    const cycle = [...stack.slice(onStack.get(need)), need];
    const key = [...cycle.slice(0, -1)].sort().join(',');
    if (reported.has(key)) return;
    reported.add(key);
    ctx.issues.push(
      ctx.source.issue(
        [...ref.path, 'needs', i],
        'DEPENDENCY_CYCLE',
        `dependency cycle: ${cycle.join(' → ')}`,
        {
          hint: 'remove one of these needs so the steps can run in order',
        },
      ),
    );
  };

  const visit = (start: string): void => {
    const work: [string, number][] = [[start, 0]];
    state.set(start, 'visiting');
    onStack.set(start, stack.length);
    stack.push(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as [string, number];
      const [id, i] = frame;
      const ref = byId.get(id);
      const needs = ref?.step.needs ?? [];
      if (i >= needs.length) {
        work.pop();
        stack.pop();
        onStack.delete(id);
        state.set(id, 'done');
        continue;
      }
      frame[1] = i + 1;
      const need = needs[i] as string;
      if (need === id || !byId.has(need)) continue;
      if (state.get(need) === 'visiting') {
        if (ref) report(ref, i, need);
      } else if (!state.has(need)) {
        state.set(need, 'visiting');
        onStack.set(need, stack.length);
        stack.push(need);
        work.push([need, 0]);
      }
    }
  };

  for (const ref of inList) if (!state.has(ref.step.id)) visit(ref.step.id);
}

function checkRtoMarker(ctx: CheckContext, mode: Mode, refs: StepRef[]): void {
  const marked = refs.filter((ref) => ref.step.rto === 'end');
  for (const ref of marked) {
    if (ref.list === 'cleanup')
      ctx.issues.push(
        ctx.source.issue(
          [...ref.path, 'rto'],
          'RTO_END_IN_CLEANUP',
          'a cleanup step cannot end the RTO clock',
          {
            hint: 'mark the health check of the recovered service with `rto: end`',
          },
        ),
      );
  }
  const inSteps = marked.filter((ref) => ref.list === 'steps');
  for (const extra of inSteps.slice(1))
    ctx.issues.push(
      ctx.source.issue(
        [...extra.path, 'rto'],
        'RTO_END_DUPLICATE',
        `more than one step of ${mode} has \`rto: end\``,
        {
          hint: `keep it on one step only; the first is "${inSteps[0]?.step.id}"`,
        },
      ),
    );
  if (inSteps.length === 0)
    ctx.issues.push(
      ctx.source.issue(
        [...modePath(mode), 'steps'],
        'RTO_END_MISSING',
        `no step of ${mode} has \`rto: end\``,
        {
          hint: 'mark the step after which the service is back (usually a health check) with `rto: end` so RTO is measured',
          severity: 'warning',
          atKey: true,
        },
      ),
    );
}
