/**
 * Point-in-time snapshots on DRS's retention pattern, computed rather than stored: for a server
 * consistent from `from` to `to`, a snapshot every `every` (10 min) for the last hour, hourly for
 * the last day, daily for the retention period, plus the first one when replication became
 * continuous. Ids derive from the time, so every call answers
 * the same ids.
 */
import type { PointInTimeSnapshot } from '../../../cloud/replication.js';
import type { SimPitPolicy } from './seed.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Newest first; none when the server never reached continuous replication. */
export function pointsInTime(
  sourceServerId: string,
  from: number | undefined,
  to: number,
  now: number,
  policy: SimPitPolicy,
): PointInTimeSnapshot[] {
  if (from === undefined || to < from) return [];
  const taken = new Set<number>();
  const grid = (step: number, window: number) => {
    const earliest = Math.max(from, now - window);
    for (let t = Math.floor(to / step) * step; t >= earliest; t -= step) taken.add(t);
  };
  grid(policy.every, HOUR);
  grid(HOUR, policy.hourlyFor);
  grid(DAY, policy.dailyFor);
  // reaching continuous replication starts with a snapshot (CREATING_SNAPSHOT)
  if (from >= now - policy.dailyFor) taken.add(from);
  return [...taken]
    .sort((a, b) => b - a)
    .map((takenAt) => ({ snapshotId: snapshotIdOf(sourceServerId, takenAt), sourceServerId, takenAt }));
}

export function snapshotIdOf(sourceServerId: string, takenAt: number): string {
  return `pit-${sourceServerId.slice(2, 10)}${Math.floor(takenAt / 60_000)
    .toString(16)
    .padStart(9, '0')}`;
}
