/**
 * Durations are authored as strings: `500ms`, `90s`, `15m`, `1h`, `2d`, or compounds like `1h30m`.
 * Every duration is at most MAX_DURATION (365d): a year bounds any sensible wait, timeout, TTL
 * or objective, keeps `now + duration` a valid date, and keeps timers finite.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

/** The longest duration a runbook may write. */
export const MAX_DURATION = '365d';
export const MAX_DURATION_MS = 365 * 86_400_000;
/** The ajv format every duration in the schemas carries (the bound a pattern cannot express). */
export const DURATION_FORMAT = 'drbot-duration';

/** Well-formed and at most MAX_DURATION. */
export function isDuration(text: string): boolean {
  return DURATION.test(text) && sumOf(text) <= MAX_DURATION_MS;
}

/** True for a well-formed duration longer than MAX_DURATION. */
export function isTooLong(text: string): boolean {
  return DURATION.test(text) && sumOf(text) > MAX_DURATION_MS;
}

/** Milliseconds in a duration string; throws RangeError on bad or too long input (the loader reports it first). */
export function parseDuration(text: string): number {
  if (!DURATION.test(text)) throw new RangeError(`"${text}" is not a duration such as 90s, 15m or 1h`);
  const total = sumOf(text);
  if (total > MAX_DURATION_MS)
    throw new RangeError(`"${text}" is longer than ${MAX_DURATION}, the longest duration allowed`);
  return total;
}

function sumOf(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART))
    total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
  return total;
}

/** Short human form: 42s, 12m, 1h, 1h05m, 2d3h (never "-0s": a rounded zero has no sign). */
export function formatDuration(ms: number): string {
  let rest = Math.round(Math.abs(ms) / 1000);
  const sign = ms < 0 && rest > 0 ? '-' : '';
  if (rest < 60) return `${sign}${rest}s`;
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3_600);
  rest -= hours * 3_600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  if (days > 0) return `${sign}${days}d${hours}h`;
  if (hours > 0) return `${sign}${hours}h${minutes ? `${String(minutes).padStart(2, '0')}m` : ''}`;
  return `${sign}${minutes}m${seconds ? `${String(seconds).padStart(2, '0')}s` : ''}`;
}
