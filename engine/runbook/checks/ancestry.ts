/**
 * Transitive `needs` of the steps of one list, computed once for the whole list so lint stays
 * near-linear in the step count (a 10,000-step chain lints in well under 2 s; see bench/lint.ts).
 *
 * Strongly connected components (Tarjan, iterative: a 10,000-step chain must not overflow the
 * stack) are found once; each component's ancestors are one bitset, the OR of its needs'
 * bitsets, built in dependency order and only when a query needs more than a direct need.
 */
import { indexById, type StepRef } from './context.js';

export interface Ancestry {
  /** True when `ancestor` is a transitive need of the step `ref`. */
  upstream(ref: StepRef, ancestor: string): boolean;
  /** True when a transitive need of `ref` names a step that is not in the list. */
  broken(ref: StepRef): boolean;
  /** How many times the ancestor bitsets were built (once per list at most). */
  readonly builds: number;
}

export function ancestryOf(refs: readonly StepRef[]): Ancestry {
  const byId = indexById(refs);
  const ids = [...byId.keys()];
  const index = new Map(ids.map((id, i) => [id, i]));
  const edges = ids.map((id) =>
    (byId.get(id)?.step.needs ?? []).flatMap((need) => {
      const j = index.get(need);
      return j === undefined ? [] : [j];
    }),
  );
  const unknownNeed = ids.map((id) => (byId.get(id)?.step.needs ?? []).some((need) => !index.has(need)));
  const { comp, comps } = components(edges);

  // Broken: a component with an unknown need, or one that needs a broken component.
  const brokenComp = new Array<boolean>(comps.length).fill(false);
  for (const [c, members] of comps.entries()) {
    brokenComp[c] = members.some(
      (m) => unknownNeed[m] || edges[m]!.some((j) => comp[j] !== c && brokenComp[comp[j]!]),
    );
  }

  const words = Math.ceil(ids.length / 32);
  let bits: Uint32Array | undefined;
  let builds = 0;
  const build = (): Uint32Array => {
    builds += 1;
    const all = new Uint32Array(comps.length * words);
    for (let c = 0; c < comps.length; c += 1) {
      const members = comps[c] as number[];
      const own = c * words;
      const cyclic =
        members.length > 1 || (edges[members[0] as number] as number[]).includes(members[0] as number);
      for (const m of members) {
        if (cyclic) all[own + (m >>> 5)] = (all[own + (m >>> 5)] as number) | (1 << (m & 31));
        for (const j of edges[m] as number[]) {
          all[own + (j >>> 5)] = (all[own + (j >>> 5)] as number) | (1 << (j & 31));
          const theirs = (comp[j] as number) * words;
          if (theirs === own) continue;
          for (let w = 0; w < words; w += 1)
            all[own + w] = (all[own + w] as number) | (all[theirs + w] as number);
        }
      }
    }
    return all;
  };
  const ancestorOf = (id: string, ancestor: string): boolean => {
    const i = index.get(id);
    const a = index.get(ancestor);
    if (i === undefined || a === undefined) return false;
    bits ??= build();
    return (bits[comp[i]! * words + (a >>> 5)]! & (1 << (a & 31))) !== 0;
  };

  return {
    upstream: (ref, ancestor) =>
      ref.step.needs.includes(ancestor) || ref.step.needs.some((need) => ancestorOf(need, ancestor)),
    broken: (ref) => ref.step.needs.some((need) => !index.has(need) || brokenComp[comp[index.get(need)!]!]),
    get builds() {
      return builds;
    },
  };
}

/** Tarjan's SCCs, iteratively; components come out dependencies first. */
function components(edges: number[][]): { comp: number[]; comps: number[][] } {
  const n = edges.length;
  const order = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const comp = new Array<number>(n).fill(-1);
  const comps: number[][] = [];
  const stack: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root += 1) {
    if (order[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, next] = frame;
      if (next === 0) {
        order[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = true;
      }
      if (next < edges[v]!.length) {
        frame[1] = next + 1;
        const w = edges[v]![next]!;
        if (order[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v]!, order[w]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]]!, low[v]!);
      if (low[v] === order[v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          comp[w] = comps.length;
          members.push(w);
        } while (w !== v);
        comps.push(members);
      }
    }
  }
  return { comp, comps };
}
