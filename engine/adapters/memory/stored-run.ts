/**
 * How the memory store keeps a run: serialized, as a database would, but one JSON text per step
 * beside the rest of the run (the header), so a save re-serializes only the steps it changed
 * (RunChanges) and keeps the others' texts. Nothing a caller does to its objects afterwards
 * reaches the store, and loading is one parse of the assembled text.
 */
import type { RunChanges } from '../../ports.js';
import type { Run, RunSummary } from '../../run.js';
import { summarize } from '../../run.js';
import { stepMemberJson as member, parseRunParts, runHeaderJson } from '../run-text.js';

export interface StoredRun {
  /** The run without `steps`, as JSON. */
  header: string;
  /**
   * Step key → `"key":{…}`, the step's member of the `steps` object, in the run's key order.
   * Owned by the latest version: a delta save updates it in place (the previous record is
   * dropped by the same synchronous write), so a save costs its changed steps, not a copy of all.
   */
  steps: Map<string, string>;
  version: number;
  summary: RunSummary;
  /** Characters serialized to write this version (the header and the changed steps), for benches. */
  written: number;
}

function record(run: Run, steps: Map<string, string>, stepChars: number): StoredRun {
  const header = runHeaderJson(run);
  return {
    header,
    steps,
    version: run.version,
    summary: JSON.parse(JSON.stringify(summarize(run))) as RunSummary,
    written: header.length + stepChars,
  };
}

/** The whole run, every step serialized. */
export function storeWhole(run: Run): StoredRun {
  const steps = new Map<string, string>();
  let chars = 0;
  for (const [key, step] of Object.entries(run.steps)) {
    const text = member(key, step);
    steps.set(key, text);
    chars += text.length;
  }
  return record(run, steps, chars);
}

/**
 * The next version from `previous`, which it takes over: only the changed steps are serialized.
 * Whole when the step keys are not the stored ones (the caller's promise in RunChanges does not
 * hold then).
 */
export function storeDelta(previous: StoredRun, run: Run, changes: RunChanges): StoredRun {
  const keys = Object.keys(run.steps);
  if (keys.length !== previous.steps.size) return storeWhole(run);
  for (const key of changes.steps) {
    if (!previous.steps.has(key) || run.steps[key] === undefined) return storeWhole(run);
  }
  const steps = previous.steps;
  let chars = 0;
  for (const key of changes.steps) {
    const text = member(key, run.steps[key]!);
    steps.set(key, text);
    chars += text.length;
  }
  return record(run, steps, chars);
}

/**
 * The steps whose stored text differs from `run`'s although `changes` leaves them out: what a
 * delta save would have lost. Checked by the memory store in tests (`checkChanges`).
 */
export function undeclaredChanges(previous: StoredRun, run: Run, changes: RunChanges): string[] {
  const keys = Object.keys(run.steps);
  const missing = [...previous.steps.keys()].filter((key) => !Object.hasOwn(run.steps, key));
  const wrong = keys.filter(
    (key) => !changes.steps.has(key) && previous.steps.get(key) !== member(key, run.steps[key]!),
  );
  return [...missing, ...wrong];
}

/** A fresh copy of the stored run. */
export function loadRun(stored: StoredRun): Run {
  return parseRunParts(stored.header, stored.steps.values());
}
