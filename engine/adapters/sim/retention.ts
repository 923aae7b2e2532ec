/**
 * Keeps the sim's state from growing with every drill. Without it each drill of 50 instances
 * left ~35 KB of terminated instances, finished commands and idempotency tokens behind, and the
 * state outgrew one DynamoDB item (400 KB) after about seven drills.
 *
 * What is dropped, and when (sim time):
 * - a launched instance's full record, `terminatedVisibleMs` after it terminated (EC2 also
 *   stops showing terminated instances after about an hour). A small tombstone stays in
 *   `state.retired`, so describe still answers "terminated" and its ClientToken still works;
 * - tombstones and their ClientTokens, `idempotencyWindowMs` after termination, or earlier when
 *   more than `maxRetiredLaunches` are kept (oldest first);
 * - finished SSM commands and completed DNS changes with their idempotency keys, the same
 *   window after they finished, or beyond `maxFinishedCommands` / `maxDnsChanges`;
 * - capture keys whose recovery points were all pruned, beyond `maxCaptureTokens`.
 *
 * A token is never forgotten while its instance exists or is within the visible hour, so a run
 * resumed within minutes (or hours, up to the window) always finds it. Forgetting a token also
 * drops its entry in `counters.idempotencyKeys`; every other counter is a plain total and stays.
 * World (seeded) instances are never dropped: their number is fixed by the world file.
 */
import type { SimRetiredInstance, SimState } from './state.js';

const HOUR = 3_600_000;

export interface SimRetention {
  /** How long a terminated launched instance keeps its full record. @default 1 h */
  terminatedVisibleMs: number;
  /** How long a ClientToken / idempotency key answers after its resource is gone or done. @default 24 h */
  idempotencyWindowMs: number;
  /** Most tombstones of dropped instances (with their ClientTokens) kept: ten drills of 50. @default 500 */
  maxRetiredLaunches: number;
  /** Most finished SSM commands (with their outputs and keys) kept. @default 200 */
  maxFinishedCommands: number;
  /** Most completed DNS changes kept. @default 200 */
  maxDnsChanges: number;
  /** Most capture keys kept once all their recovery points are pruned. @default 200 */
  maxCaptureTokens: number;
}

export const DEFAULT_RETENTION: Readonly<SimRetention> = {
  terminatedVisibleMs: HOUR,
  idempotencyWindowMs: 24 * HOUR,
  maxRetiredLaunches: 500,
  maxFinishedCommands: 200,
  maxDnsChanges: 200,
  maxCaptureTokens: 200,
};

/**
 * Drops from `state` what can no longer matter at sim time `now`. `removeSandbox` deletes the
 * sandbox directory of a dropped instance (already gone since it terminated, unless the state
 * comes from an older drbot).
 */
export function compact(
  state: SimState,
  now: number,
  retention: SimRetention,
  removeSandbox: (id: string) => void = () => undefined,
): void {
  retireInstances(state, now, retention, removeSandbox);
  forgetRetired(state, now, retention);
  forgetFinished(state, state.commands, state.tokens.command, now, retention, {
    doneAt: (c) => c.doneAt,
    max: retention.maxFinishedCommands,
  });
  forgetFinished(state, state.dnsChanges, state.tokens.dns, now, retention, {
    doneAt: (c) => c.insyncAt,
    max: retention.maxDnsChanges,
  });
  forgetCaptures(state, retention.maxCaptureTokens);
}

/** Terminated launched instances past the visible window become tombstones. */
function retireInstances(
  state: SimState,
  now: number,
  retention: SimRetention,
  removeSandbox: (id: string) => void,
): void {
  for (const inst of Object.values(state.instances)) {
    if (inst.seeded || inst.state !== 'terminated') continue;
    // a state saved before terminatedAt existed: start its visible window now
    inst.terminatedAt ??= now;
    if (inst.terminatedAt + retention.terminatedVisibleMs > now) continue;
    const tombstone: SimRetiredInstance = {
      region: inst.region,
      type: inst.type,
      terminatedAt: inst.terminatedAt,
      ...(inst.privateIp !== undefined ? { privateIp: inst.privateIp } : {}),
      ...(inst.tags['drbot:fell-back-from'] ? { fellBackFrom: inst.tags['drbot:fell-back-from'] } : {}),
    };
    state.retired[inst.id] = tombstone;
    delete state.instances[inst.id];
    removeSandbox(inst.id);
  }
}

/** Tombstones past the idempotency window, or the oldest beyond the cap, go with their tokens. */
function forgetRetired(state: SimState, now: number, retention: SimRetention): void {
  const entries = Object.entries(state.retired);
  const expired = new Set(
    entries.filter(([, r]) => r.terminatedAt + retention.idempotencyWindowMs <= now).map(([id]) => id),
  );
  const kept = entries.filter(([id]) => !expired.has(id));
  if (kept.length > retention.maxRetiredLaunches) {
    kept.sort(([, a], [, b]) => a.terminatedAt - b.terminatedAt);
    for (const [id] of kept.slice(0, kept.length - retention.maxRetiredLaunches)) expired.add(id);
  }
  if (expired.size === 0) return;
  for (const [token, id] of Object.entries(state.tokens.launch)) {
    if (!expired.has(id)) continue;
    delete state.tokens.launch[token];
    delete state.counters.idempotencyKeys[token];
  }
  for (const id of expired) delete state.retired[id];
}

/** Finished commands / DNS changes past the window, or the oldest finished beyond the cap. */
function forgetFinished<T>(
  state: SimState,
  records: Record<string, T>,
  tokens: Record<string, string>,
  now: number,
  retention: SimRetention,
  how: { doneAt: (record: T) => number; max: number },
): void {
  const finished = Object.entries(records).filter(([, r]) => how.doneAt(r) <= now);
  const expired = new Set(
    finished.filter(([, r]) => how.doneAt(r) + retention.idempotencyWindowMs <= now).map(([id]) => id),
  );
  const kept = finished.filter(([id]) => !expired.has(id));
  if (kept.length > how.max) {
    kept.sort(([, a], [, b]) => how.doneAt(a) - how.doneAt(b));
    for (const [id] of kept.slice(0, kept.length - how.max)) expired.add(id);
  }
  if (expired.size === 0) return;
  for (const [key, id] of Object.entries(tokens)) {
    if (!expired.has(id)) continue;
    delete tokens[key];
    delete state.counters.idempotencyKeys[key];
  }
  for (const id of expired) delete records[id];
}

/** Capture keys are kept in insertion order; the oldest whose points are all gone are dropped. */
function forgetCaptures(state: SimState, max: number): void {
  const keys = Object.keys(state.tokens.capture);
  let excess = keys.length - max;
  for (const key of keys) {
    if (excess <= 0) return;
    const ids = state.tokens.capture[key] ?? [];
    if (ids.some((id) => state.points[id] !== undefined)) continue;
    delete state.tokens.capture[key];
    delete state.counters.idempotencyKeys[key];
    excess -= 1;
  }
}
