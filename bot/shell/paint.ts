/**
 * Colour for the shell, from picocolors, applied last to lines that are already plain and free
 * of control characters (`visible`): renderers never emit escapes, so sanitising typed text can
 * never strip drbot's own colours, and NO_COLOR or a pipe gets exactly the same words.
 */
import { createColors } from 'picocolors';

export type Painter = (line: string) => string;

/** Colour only on a TTY, and never when NO_COLOR is set (https://no-color.org) or TERM=dumb. */
export function colourEnabled(isTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return Boolean(isTTY) || (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0');
}

const RULES: [RegExp, keyof ReturnType<typeof createColors>][] = [
  [/\b(SUCCEEDED|succeeded|within objective)\b/g, 'green'],
  [/\b(FAILED|failed|over objective|ABORTED|aborted)\b/g, 'red'],
  [/\b(WAITING|waiting|approval waiting|expires in [0-9hms]+)\b/g, 'yellow'],
  [/^(\w[\w.-]*> )/g, 'bold'],
  [/(\[[\w.-]+ [0-9A-Z]{6}\])/g, 'cyan'],
];

export function createPainter(enabled: boolean): Painter {
  if (!enabled) return (line) => line;
  const c = createColors(true);
  return (line) => {
    let out = line;
    for (const [pattern, colour] of RULES) {
      const paint = c[colour] as (t: string) => string;
      out = out.replace(pattern, (m) => paint(m));
    }
    return out;
  };
}
