/**
 * Text sparklines for chat: one of eight bar heights per value, scaled between the series' min and
 * max, so a trend fits in a Slack line or a terminal without images.
 */

export const SPARK_BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * One bar per value, oldest first. A flat series is drawn mid-height (nothing to compare), and a
 * missing value (`undefined`, e.g. a drill that never reached its RTO step) as a space.
 */
export function sparkline(values: readonly (number | undefined)[]): string {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (present.length === 0) return '';
  const min = Math.min(...present);
  const max = Math.max(...present);
  const top = SPARK_BARS.length - 1;
  return values
    .map((value) => {
      if (value === undefined || !Number.isFinite(value)) return ' ';
      if (max === min) return SPARK_BARS[3];
      return SPARK_BARS[Math.round(((value - min) / (max - min)) * top)];
    })
    .join('');
}
