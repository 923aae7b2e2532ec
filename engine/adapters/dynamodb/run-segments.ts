/**
 * The run body's layout since issue #20: still one item (so a save stays one conditional write,
 * all or nothing), but split so that a save re-encodes and sends only what changed.
 *
 * - `data` (B): the run without `steps`, Brotli-compressed JSON (status, measures, the audit
 *   outbox …), rewritten by every save;
 * - `s<i>` (B): segment i, the steps at positions i×SEGMENT_STEPS … in `run.steps` key order,
 *   compressed (`"key":{step},…`), rewritten only when one of its steps changed;
 * - `layout` (S): `<SEGMENT_STEPS>/<step count>`, which a delta update requires unchanged
 *   (its condition), since positions decide the segments; `encoding` = `br-steps`.
 *
 * Segments follow declaration order, so the steps of a wave (started and ended together) share
 * a few segments; compressing a segment alone costs some ratio against the whole run (measured
 * in bench/README.md), bought back many times by not re-encoding the other segments.
 */
import type { RunChanges } from '../../ports.js';
import type { Run } from '../../run.js';
import { parseRunParts, runHeaderJson, stepMemberJson } from '../run-text.js';
import { compressJson, decompressJson } from './compression.js';
import { assertFitsInItem } from './errors.js';
import type { Item } from './items.js';

export const RUN_STEPS_ENCODING = 'br-steps';

/** Steps per segment: a wave of 50 steps touches 2–3 segments of a 1000-step run's 32. */
export const SEGMENT_STEPS = 32;

export function runLayout(stepCount: number): string {
  return `${SEGMENT_STEPS}/${stepCount}`;
}

export function segmentAttribute(index: number): string {
  return `s${index}`;
}

function segmentJson(run: Run, keys: readonly string[], index: number): string {
  const members: string[] = [];
  const end = Math.min(keys.length, (index + 1) * SEGMENT_STEPS);
  for (let i = index * SEGMENT_STEPS; i < end; i++) {
    const key = keys[i] as string;
    members.push(stepMemberJson(key, run.steps[key]!));
  }
  return members.join(',');
}

/** The body attributes of a whole run item, refused before writing when they outgrow an item. */
export function encodeWholeRun(run: Run): Item {
  const keys = Object.keys(run.steps);
  const count = Math.ceil(keys.length / SEGMENT_STEPS);
  const data = compressJson(runHeaderJson(run));
  const segments = Array.from({ length: count }, (_, i) => compressJson(segmentJson(run, keys, i)));
  const body: Item = { data, encoding: RUN_STEPS_ENCODING, layout: runLayout(keys.length) };
  let bytes = data.byteLength;
  segments.forEach((segment, i) => {
    body[segmentAttribute(i)] = segment;
    bytes += segment.byteLength + segmentAttribute(i).length;
  });
  assertFitsInItem('run', bytes, { runId: run.id, steps: keys.length, segments: count });
  return body;
}

/** What a delta save sets: the header and the changed segments, by attribute name. */
export interface RunDelta {
  layout: string;
  data: Buffer;
  segments: Map<string, Buffer>;
}

/**
 * The delta of a save, or undefined when it must be written whole: a changed key the run does
 * not hold (the caller's RunChanges is wrong), or segments that `fits` refuses (more than one
 * update expression may name).
 */
export function encodeRunDelta(
  run: Run,
  changes: RunChanges,
  fits: (segmentAttributes: string[]) => boolean,
): RunDelta | undefined {
  const { keys, position } = positionsOf(run);
  const touched = new Set<number>();
  for (const key of changes.steps) {
    const at = position.get(key);
    if (at === undefined) return undefined;
    touched.add(Math.floor(at / SEGMENT_STEPS));
  }
  const indexes = [...touched].sort((a, b) => a - b);
  if (!fits(indexes.map(segmentAttribute))) return undefined;
  const delta: RunDelta = {
    layout: runLayout(keys.length),
    data: compressJson(runHeaderJson(run)),
    segments: new Map(),
  };
  for (const index of indexes)
    delta.segments.set(segmentAttribute(index), compressJson(segmentJson(run, keys, index)));
  return delta;
}

/** Step positions by key, kept per `steps` object while its keys stay the same. */
const positions = new WeakMap<Run['steps'], { keys: string[]; position: Map<string, number> }>();

/**
 * The run's step keys and each key's position. Building the map is ~0.3 ms at 1000 steps, on the
 * critical path of every save; checking the keys are still the cached ones is ~0.07 ms.
 */
function positionsOf(run: Run): { keys: string[]; position: Map<string, number> } {
  const keys = Object.keys(run.steps);
  const cached = positions.get(run.steps);
  if (cached && sameKeys(cached.keys, keys)) return cached;
  const fresh = { keys, position: new Map(keys.map((key, i) => [key, i])) };
  positions.set(run.steps, fresh);
  return fresh;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Reassembles the run: one parse of the header with the steps of every segment, in order. */
export function decodeSegmentedRun(item: Item): Run {
  const [segmentSize, stepCount] = String(item.layout).split('/').map(Number);
  const count = Math.ceil((stepCount ?? 0) / (segmentSize || SEGMENT_STEPS));
  const header = decompressJson(item.data as Uint8Array);
  const segments = Array.from({ length: count }, (_, i) =>
    decompressJson(item[segmentAttribute(i)] as Uint8Array),
  );
  return parseRunParts(header, segments);
}
