/**
 * The executor's scheduling state, kept incrementally: counts per phase and status, and ordered
 * sets of the steps each decision pass visits (running, active, waiting, failed, pending steps
 * that could move). Without it every pass scanned all steps, several times per wave (~1 ms per
 * wave at 1000 steps, the bulk of the engine's overhead).
 *
 * Derived and in memory only: built from the run record, rebuilt when the plan changes, never
 * stored. It trusts the same rule as delta saves: every step change is named to the session
 * (`emit` with a step key, `touch`, `changedStep`, merges), which marks the key dirty here.
 * Dirty keys are re-read from the run lazily, before any answer, so a change named before it is
 * made (an event emitted, then the status set) is still seen. Sets keep `Object.keys(run.steps)`
 * order, the order every full scan used, so visits happen in exactly the same order.
 */
import type { Run, RunPhase, StepStatus } from '../run.js';
import { type PlannedStep, phaseOfStep, type Readiness, readiness } from './scheduling.js';

/** An ordered set of positions with a "next member at or after" lookup (32 per word). */
class Positions {
  private readonly words: Uint32Array;
  constructor(size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32) + 1);
  }
  set(pos: number, on: boolean): void {
    const word = pos >>> 5;
    const bit = 1 << (pos & 31);
    const current = this.words[word] ?? 0;
    this.words[word] = on ? current | bit : current & ~bit;
  }
  /** The smallest member ≥ from, or -1. */
  next(from: number): number {
    let word = from >>> 5;
    if (word >= this.words.length) return -1;
    let bits = (this.words[word] ?? 0) & (~0 << (from & 31));
    while (bits === 0) {
      word++;
      if (word >= this.words.length) return -1;
      bits = this.words[word] ?? 0;
    }
    return (word << 5) + (31 - Math.clz32(bits & -bits));
  }
}

/** The ordered sets a pass iterates. */
export type StepSet =
  /** status running (any phase): calls owed. */
  | 'running'
  /** running, or pending for a retry (attempt > 0): what a timeout can end. */
  | 'active'
  | 'waiting'
  | 'failed'
  /** pending, planned, and not blocked by a need (ready or unreachable), or not slot-only. */
  | 'open'
  /** pending slot-only steps: their only move is to start, when a slot is free. */
  | 'slot';

/** The sets kept per phase ('running' is kept across phases, as calls are owed in any phase). */
const PHASE_SETS: readonly StepSet[] = ['active', 'waiting', 'failed', 'open', 'slot'];
const STATUSES: readonly StepStatus[] = [
  'pending',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
];

type Counts = Record<StepStatus, number> & { retrying: number };

function emptyCounts(): Counts {
  const counts = { retrying: 0 } as Counts;
  for (const status of STATUSES) counts[status] = 0;
  return counts;
}

/** What a step contributes to the index, read from its stored state. */
interface Entry {
  status: StepStatus | undefined;
  retrying: boolean;
  /** Readiness of a pending, planned, non-slot-only step (only those are kept "open" or not). */
  ready: Readiness | undefined;
}

export interface StepIndexOptions {
  /** Steps whose only possible move is to start (no needs, no `when`, not a gate). */
  slotOnly: (planned: PlannedStep) => boolean;
}

export class StepIndex {
  /** Step keys by position, in `Object.keys(run.steps)` order. */
  readonly keys: string[];
  private readonly pos = new Map<string, number>();
  private readonly phases: RunPhase[] = [];
  private readonly entries: Entry[] = [];
  private readonly slotOnly: boolean[] = [];
  /** Step key → the positions of the planned steps that need it. */
  private readonly dependents = new Map<string, number[]>();
  private readonly counts = new Map<RunPhase, Counts>();
  private readonly sets = new Map<RunPhase, Map<StepSet, Positions>>();
  private readonly running: Positions;
  private readonly dirty = new Set<string>();

  constructor(
    private readonly run: Run,
    private readonly plan: ReadonlyMap<string, PlannedStep>,
    options: StepIndexOptions,
  ) {
    this.keys = Object.keys(run.steps);
    this.running = new Positions(this.keys.length);
    this.keys.forEach((key, i) => {
      this.pos.set(key, i);
      const step = run.steps[key];
      const phase = step ? phaseOfStep(step) : 'main';
      this.phases.push(phase);
      const planned = plan.get(key);
      this.slotOnly.push(planned !== undefined && options.slotOnly(planned));
      for (const need of planned?.needs ?? []) {
        const list = this.dependents.get(need);
        if (list) list.push(i);
        else this.dependents.set(need, [i]);
      }
      this.entries.push({ status: undefined, retrying: false, ready: undefined });
      if (!this.counts.has(phase)) {
        this.counts.set(phase, emptyCounts());
        this.sets.set(phase, new Map(PHASE_SETS.map((name) => [name, new Positions(this.keys.length)])));
      }
    });
    for (let i = 0; i < this.keys.length; i++) this.refresh(i);
  }

  /** A step changed (or is about to): it is re-read before the next answer. */
  markDirty(key: string): void {
    this.dirty.add(key);
  }

  /** Steps of `phase` with `status` (all phases when omitted). */
  count(status: StepStatus | 'retrying', phase?: RunPhase): number {
    this.sync();
    if (phase !== undefined) return this.counts.get(phase)?.[status] ?? 0;
    let total = 0;
    for (const counts of this.counts.values()) total += counts[status];
    return total;
  }

  /** Steps of `phase` that are not terminal. */
  unfinished(phase: RunPhase): number {
    this.sync();
    const counts = this.counts.get(phase);
    return counts ? counts.pending + counts.running + counts.waiting : 0;
  }

  /**
   * The first member of `set` in `phase` (every phase for 'running') at or after position `from`,
   * or -1. Read fresh each time, so a loop that changes steps sees the changes, as a scan did.
   */
  next(set: StepSet, phase: RunPhase, from: number): number {
    this.sync();
    const positions = set === 'running' ? this.running : this.sets.get(phase)?.get(set);
    return positions ? positions.next(from) : -1;
  }

  /** Pending steps a start pass visits from `from`: open ones, and slot-only ones if a slot is free. */
  nextPending(phase: RunPhase, from: number, slotFree: boolean): number {
    const open = this.next('open', phase, from);
    if (!slotFree) return open;
    const slot = this.next('slot', phase, from);
    return open < 0 ? slot : slot < 0 ? open : Math.min(open, slot);
  }

  private sync(): void {
    if (this.dirty.size === 0) return;
    const work: number[] = [];
    for (const key of this.dirty) {
      const i = this.pos.get(key);
      if (i !== undefined) work.push(i);
    }
    this.dirty.clear();
    // Readiness reads only the needs' statuses: a status change re-derives its dependents. A
    // dependent re-read that way may have changed too (not synced yet): it propagates in turn.
    for (let i = work.pop(); i !== undefined; i = work.pop()) {
      if (!this.refresh(i)) continue;
      for (const dependent of this.dependents.get(this.keys[i] as string) ?? []) work.push(dependent);
    }
  }

  /**
   * Re-reads one step: takes its old contribution out and puts the new one in. Returns whether
   * its status changed since it was last read.
   */
  private refresh(i: number): boolean {
    const key = this.keys[i] as string;
    const phase = this.phases[i] as RunPhase;
    const counts = this.counts.get(phase) as Counts;
    const sets = this.sets.get(phase) as Map<StepSet, Positions>;
    const old = this.entries[i] as Entry;
    if (old.status !== undefined) counts[old.status]--;
    if (old.retrying) counts.retrying--;
    const step = this.run.steps[key];
    const status = step?.status;
    const retrying = status === 'pending' && (step?.attempt ?? 0) > 0;
    const planned = this.plan.get(key);
    const ready =
      status === 'pending' && planned && !this.slotOnly[i] ? readiness(this.run, planned) : undefined;
    this.entries[i] = { status, retrying, ready };
    if (status !== undefined) counts[status]++;
    if (retrying) counts.retrying++;
    this.running.set(i, status === 'running');
    sets.get('active')?.set(i, status === 'running' || retrying);
    sets.get('waiting')?.set(i, status === 'waiting');
    sets.get('failed')?.set(i, status === 'failed');
    sets.get('open')?.set(i, ready !== undefined && ready !== 'blocked');
    sets.get('slot')?.set(i, status === 'pending' && planned !== undefined && this.slotOnly[i] === true);
    return old.status !== status;
  }

  /**
   * Every count and set member by name: an index kept up to date must describe exactly what a
   * new one built from the same run does (tests compare the two).
   */
  describe(): Record<string, unknown> {
    const members = (set: StepSet, phase: RunPhase): string[] => {
      const keys: string[] = [];
      for (let p = this.next(set, phase, 0); p >= 0; p = this.next(set, phase, p + 1)) {
        keys.push(this.keys[p] as string);
      }
      return keys;
    };
    const out: Record<string, unknown> = { running: members('running', 'main') };
    for (const [phase, counts] of this.counts) {
      out[`${phase}.counts`] = { ...counts, unfinished: this.unfinished(phase) };
      for (const set of PHASE_SETS) out[`${phase}.${set}`] = members(set, phase);
    }
    return out;
  }
}
