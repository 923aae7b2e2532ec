/**
 * The drill scorecard: what a finished drill proved. Measured RTO and RPO against the runbook's
 * objectives, each step's duration against the previous drill (regressions flagged), the RTO
 * trend of recent drills, and how long since a drill last succeeded. Pure: the caller loads the
 * runs (see `loadScorecard`), so every rule here is unit-tested on plain records.
 */
import type { RunStore } from '../../engine/ports.js';
import { type Run, type RunSummary, type StepState, summarize } from '../../engine/run.js';
import type { TierState } from '../../engine/tier/types.js';
import { replicationOfRun, type ScorecardReplication } from './replication.js';
import { sparkline } from './sparkline.js';
import { daysBetween, type Staleness, staleness } from './staleness.js';
import { type ScorecardTier, scorecardTier, tierScorecardLines } from './tier.js';

export type Verdict = 'pass' | 'fail' | 'not-measured';

export interface ObjectiveResult {
  objectiveMs: number;
  measuredMs?: number;
  verdict: Verdict;
}

export interface StepComparison {
  /** Step key (`launch`, `cleanup:terminate` …). */
  key: string;
  status: StepState['status'];
  durationMs?: number;
  previousMs?: number;
  /** (duration − previous) / previous; positive is slower. */
  change?: number;
  regression: boolean;
}

export interface Scorecard {
  runId: string;
  runbook: string;
  status: Run['status'];
  rto: ObjectiveResult;
  rpo: ObjectiveResult;
  steps: StepComparison[];
  previousRunId?: string;
  /** RTO of the last drills, oldest first, this one last (`undefined` where none was measured). */
  trend: (number | undefined)[];
  sparkline: string;
  /** Days since the newest successful drill, this one included (0 when this one succeeded). */
  daysSinceLastSuccess?: number;
  staleness: Staleness;
  /** The tier's state (active site, protection, uncommitted failover, last drill), when stored. */
  tier?: { facts: ScorecardTier; lines: string[] };
  /** What the drill's drs.readiness step saw, for `method: drs` tiers (replication.ts). */
  replication?: ScorecardReplication;
}

export interface ScorecardOptions {
  /** A step is a regression when slower than the previous drill by more than this ratio. @default 0.2 */
  regressionRatio?: number;
  /** …and by at least this much, so a 1 s → 2 s step is not called a regression. @default 2000 */
  regressionFloorMs?: number;
  /** Drills in the trend. @default 8 */
  trendLength?: number;
  /** @default DEFAULT_STALE_DAYS */
  staleDays?: number;
}

export interface ScorecardInput {
  run: Run;
  /** The drill before this one (full record, for step durations), if any. */
  previous?: Run;
  /** Drills of this runbook, any order; may or may not include `run`. */
  history: readonly RunSummary[];
  now: number;
  /** The runbook's tier state (`RunStore.getTier`), if it has one. */
  tier?: TierState;
}

function judge(measuredMs: number | undefined, objectiveMs: number): ObjectiveResult {
  if (measuredMs === undefined) return { objectiveMs, verdict: 'not-measured' };
  return { objectiveMs, measuredMs, verdict: measuredMs <= objectiveMs ? 'pass' : 'fail' };
}

/** How long a step took, start of its first attempt to its end; undefined when it never ended. */
export function stepDuration(step: StepState): number | undefined {
  if (step.startedAt === undefined || step.endedAt === undefined) return undefined;
  return Math.max(0, step.endedAt - step.startedAt);
}

function compareSteps(run: Run, previous: Run | undefined, options: ScorecardOptions): StepComparison[] {
  const ratio = options.regressionRatio ?? 0.2;
  const floor = options.regressionFloorMs ?? 2000;
  return Object.entries(run.steps)
    .filter(([, step]) => step.status !== 'pending' && step.status !== 'skipped')
    .map(([key, step]) => {
      const durationMs = stepDuration(step);
      const before = previous?.steps[key];
      const previousMs = before && before.status === 'succeeded' ? stepDuration(before) : undefined;
      const comparison: StepComparison = { key, status: step.status, regression: false };
      if (durationMs !== undefined) comparison.durationMs = durationMs;
      if (previousMs !== undefined) comparison.previousMs = previousMs;
      if (durationMs !== undefined && previousMs !== undefined && previousMs > 0) {
        comparison.change = (durationMs - previousMs) / previousMs;
        comparison.regression = comparison.change > ratio && durationMs - previousMs >= floor;
      }
      return comparison;
    });
}

/** Builds the scorecard of a finished drill. */
export function buildScorecard(input: ScorecardInput, options: ScorecardOptions = {}): Scorecard {
  const { run, previous, now } = input;
  const trendLength = options.trendLength ?? 8;
  const history = [...input.history.filter((r) => r.id !== run.id && r.mode === 'drill'), summarize(run)]
    .filter((r) => r.runbook === run.runbook.name)
    .sort((a, b) => a.createdAt - b.createdAt);
  const trend = history.slice(-trendLength).map((r) => r.measures.rtoMs);
  const rpoMeasured = run.measures.rpoMeasuredMs ?? run.measures.rpoClaimedMs;
  const stale = staleness(run.runbook.name, history, now, { staleDays: options.staleDays });
  const card: Scorecard = {
    runId: run.id,
    runbook: run.runbook.name,
    status: run.status,
    rto: judge(run.measures.rtoMs, run.measures.objectives.rtoMs),
    rpo: judge(rpoMeasured, run.measures.objectives.rpoMs),
    steps: compareSteps(run, previous, options),
    trend,
    sparkline: sparkline(trend),
    staleness: stale,
  };
  if (previous) card.previousRunId = previous.id;
  if (input.tier) {
    const facts = scorecardTier(input.tier, run, now);
    card.tier = { facts, lines: tierScorecardLines(facts, run.runbook.name, now) };
  }
  const replication = replicationOfRun(run);
  if (replication) card.replication = replication;
  if (stale.lastSuccessAt !== undefined) card.daysSinceLastSuccess = daysBetween(stale.lastSuccessAt, now);
  return card;
}

/** Loads what a scorecard needs from the store: recent drills and the full previous one. */
export async function loadScorecard(
  store: RunStore,
  run: Run,
  now: number,
  options: ScorecardOptions = {},
): Promise<Scorecard> {
  const history = await store.listRuns({ runbook: run.runbook.name, mode: 'drill', limit: 50 });
  // Only a drill that succeeded is a baseline: a failed one stopped early and would make every
  // step of this one look like a regression (or a failed step look fast).
  const earlier = history
    .filter((r) => r.id !== run.id && r.createdAt < run.createdAt && r.status === 'succeeded')
    .sort((a, b) => b.createdAt - a.createdAt)[0];
  const previous = earlier ? await store.getRun(earlier.id) : undefined;
  const tier = await store.getTier(run.runbook.name);
  return buildScorecard({ run, previous, history, now, ...(tier ? { tier } : {}) }, options);
}
