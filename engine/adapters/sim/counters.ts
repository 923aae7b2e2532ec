/**
 * What the sim counts, so tests and benches assert behaviour (no duplicate launches, one describe
 * per poll round) instead of guessing it from timings.
 */
export interface SimCounters {
  /** Calls by AWS API name (RunInstances, DescribeInstances, SendCommand …). */
  calls: Record<string, number>;
  /** Instances actually created by RunInstances. */
  launches: number;
  /** RunInstances calls that reused a ClientToken and so created nothing. */
  duplicateLaunchTokens: number;
  /** Instances moved to shutting-down by TerminateInstances. */
  terminations: number;
  stops: number;
  starts: number;
  /** Calls refused by injected throttling. */
  throttled: number;
  /** Launches that fell back to the blueprint's default type. */
  fallbacks: number;
  /** Idempotency key or ClientToken → how many calls used it. */
  idempotencyKeys: Record<string, number>;
}

export function emptyCounters(): SimCounters {
  return {
    calls: {},
    launches: 0,
    duplicateLaunchTokens: 0,
    terminations: 0,
    stops: 0,
    starts: 0,
    throttled: 0,
    fallbacks: 0,
    idempotencyKeys: {},
  };
}

export function countCall(counters: SimCounters, api: string, times = 1): void {
  counters.calls[api] = (counters.calls[api] ?? 0) + times;
}

export function countKey(counters: SimCounters, key: string): void {
  counters.idempotencyKeys[key] = (counters.idempotencyKeys[key] ?? 0) + 1;
}

/** Sum of calls whose API name matches (e.g. every EC2 call). */
export function totalCalls(counters: SimCounters, names?: readonly string[]): number {
  return Object.entries(counters.calls)
    .filter(([name]) => !names || names.includes(name))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** The EC2 API names the sim uses, for benches that count "EC2 calls". */
export const EC2_APIS = [
  'DescribeInstances',
  'RunInstances',
  'StopInstances',
  'StartInstances',
  'TerminateInstances',
  'CreateSnapshots',
  'CopySnapshot',
  'DeleteSnapshot',
  'DescribeSnapshots',
  'DescribeImages',
] as const;
