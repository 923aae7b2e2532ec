/**
 * `<mode> <runbook>` in either order. Chat says `drill app-tier`, people type `plan app-tier
 * drill` from habit: mode words are never runbook names, so whichever word is a mode is the mode.
 */
import { DrbotError } from '../../../engine/errors.js';
import { MODES, type Mode } from '../../../engine/runbook/types.js';

function isMode(word: string): word is Mode {
  return (MODES as readonly string[]).includes(word.toLowerCase());
}

export function modeAndRunbook(
  command: string,
  first: string,
  second: string,
): { mode: Mode; runbook: string } {
  if (isMode(first)) return { mode: first.toLowerCase() as Mode, runbook: second };
  if (isMode(second)) return { mode: second.toLowerCase() as Mode, runbook: first };
  throw new DrbotError(`Neither "${first}" nor "${second}" is a mode.`, {
    code: 'MODE_MISSING',
    explanation: `drbot ${command} takes a mode (${MODES.join(', ')}) and a runbook, in either order.`,
    action: `Run \`drbot ${command} drill ${second}\` (or failover / failback).`,
  });
}
