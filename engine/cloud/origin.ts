/**
 * One protected instance per origin. Every recovered copy carries `drbot:origin`, the original
 * instance its chain of copies descends from (failover copy → failback copy). A protection
 * selector matches originals and their copies alike (copies keep the tags), so providers keep
 * one instance per origin, the newest launch, and never a drill (TEST) copy: after failover and
 * failback the tier still protects its original number of instances.
 */

export const ORIGIN_TAG = 'drbot:origin';
const LAUNCH_TYPE_TAG = 'drbot:launch-type';

export function onePerOrigin<T extends { id: string; tags: Record<string, string> }>(
  instances: T[],
  launchedAt: (instance: T) => number,
): T[] {
  const live = instances.filter((i) => i.tags[LAUNCH_TYPE_TAG] !== 'TEST');
  // a seeded or imported original may have no launch time: it is older than any copy of it
  const at = (i: T) => {
    const t = launchedAt(i);
    return Number.isFinite(t) ? t : Number.NEGATIVE_INFINITY;
  };
  const byOrigin = new Map<string, T>();
  for (const i of live) {
    const origin = i.tags[ORIGIN_TAG] ?? i.id;
    const kept = byOrigin.get(origin);
    // at equal launch times (a fake clock, a coarse one) the copy is newer than its original
    const newer = !kept || at(i) > at(kept) || (at(i) === at(kept) && i.id !== origin && kept.id === origin);
    if (newer) byOrigin.set(origin, i);
  }
  const keep = new Set(byOrigin.values());
  return live.filter((i) => keep.has(i));
}
