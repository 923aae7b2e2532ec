/**
 * Staleness: a DR plan that has not been rehearsed recently should not be trusted. A runbook is
 * stale when it has no successful drill within the threshold (14 days unless DRBOT_STALE_DAYS
 * says otherwise). `/dr list` and the weekly post both flag it.
 */
import type { RunSummary } from '../../engine/run.js';

/** @default 14 days; override with DRBOT_STALE_DAYS. */
export const DEFAULT_STALE_DAYS = 14;
const DAY_MS = 86_400_000;

export interface StalenessOptions {
  /** Days without a successful drill after which a runbook is stale. @default DEFAULT_STALE_DAYS */
  staleDays?: number;
}

export interface Staleness {
  runbook: string;
  stale: boolean;
  thresholdDays: number;
  /** When the newest successful drill ended (or started, for old records without an end). */
  lastSuccessAt?: number;
  /** Whole days since `lastSuccessAt`; absent when there never was one. */
  daysSince?: number;
  /** One line for people, e.g. "last successful drill 20 days ago: stale (over 14 days)". */
  message: string;
}

/** Reads DRBOT_STALE_DAYS; a bad value is reported rather than silently ignored. */
export function staleDaysFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.DRBOT_STALE_DAYS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_STALE_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1) {
    throw new RangeError(
      `DRBOT_STALE_DAYS="${raw}" is not a whole number of days (1 or more). Unset it to use ${DEFAULT_STALE_DAYS}.`,
    );
  }
  return days;
}

/** Whole days between two instants, never negative. */
export function daysBetween(earlier: number, later: number): number {
  return Math.max(0, Math.floor((later - earlier) / DAY_MS));
}

/** The newest successful drill of `runbook` among `runs` (any order, any runbook). */
export function lastSuccessfulDrill(runbook: string, runs: readonly RunSummary[]): RunSummary | undefined {
  let best: RunSummary | undefined;
  for (const run of runs) {
    if (run.runbook !== runbook || run.mode !== 'drill' || run.status !== 'succeeded') continue;
    if (!best || finishedAt(run) > finishedAt(best)) best = run;
  }
  return best;
}

function finishedAt(run: RunSummary): number {
  return run.endedAt ?? run.createdAt;
}

/**
 * Whether `runbook` is stale at `now`, judged from `runs` (e.g. `store.listRuns({ runbook,
 * mode: 'drill' })`; other runbooks and modes are ignored).
 */
export function staleness(
  runbook: { metadata: { name: string } } | string,
  runs: readonly RunSummary[],
  now: number,
  options: StalenessOptions = {},
): Staleness {
  const name = typeof runbook === 'string' ? runbook : runbook.metadata.name;
  const thresholdDays = options.staleDays ?? DEFAULT_STALE_DAYS;
  const last = lastSuccessfulDrill(name, runs);
  if (!last) {
    return {
      runbook: name,
      stale: true,
      thresholdDays,
      message: `no successful drill on record: stale (run \`/dr drill ${name}\`)`,
    };
  }
  const lastSuccessAt = finishedAt(last);
  const daysSince = daysBetween(lastSuccessAt, now);
  const stale = now - lastSuccessAt > thresholdDays * DAY_MS;
  const ago = daysSince === 0 ? 'today' : daysSince === 1 ? '1 day ago' : `${daysSince} days ago`;
  return {
    runbook: name,
    stale,
    thresholdDays,
    lastSuccessAt,
    daysSince,
    message: stale
      ? `last successful drill ${ago}: stale (over ${thresholdDays} days)`
      : `last successful drill ${ago}`,
  };
}
