/**
 * Scripted answers for a local run that waits on people: approval gates approved as the
 * `--approve-as` users, manual steps confirmed by the initiator with `--confirm-manual`. Both are
 * rehearsal tools for the simulated cloud only (run-local.ts refuses them with AWS).
 */
import type { Engine } from '../../engine/api.js';
import { NotAllowedError } from '../../engine/errors.js';
import type { Run, StepState } from '../../engine/run.js';

export interface ScriptedPeople {
  approveAs: string[];
  confirmManual: boolean;
  /** One line per answer, for the progress output. */
  onLine?: (line: string) => void;
}

/**
 * Answers each waiting step once (keys already in `answered` are skipped, so nobody clicks
 * twice). Returns how many steps were answered now.
 */
export async function answerWaitingSteps(
  engine: Engine,
  run: Run,
  people: ScriptedPeople,
  answered: Set<string>,
): Promise<number> {
  let count = 0;
  for (const [key, step] of Object.entries(run.steps)) {
    if (step.status !== 'waiting' || answered.has(key)) continue;
    if (step.action === 'manual' && people.confirmManual) {
      answered.add(key);
      await engine.confirmManual(run.id, key, run.initiator);
      people.onLine?.(`@${run.initiator} → ${key}: confirmed (--confirm-manual)`);
      count++;
    }
    if (step.action !== 'approval' || people.approveAs.length === 0) continue;
    answered.add(key);
    for (const user of people.approveAs) {
      const answer = await engine.approve(run.id, key, user);
      people.onLine?.(`@${user} → ${key}: ${answer.explanation}`);
    }
    count++;
  }
  return count;
}

/** The run waits only on people and nobody scripted can answer: say what it needs. */
export function waitingOnPeopleError(run: Run, approvers: string[]): NotAllowedError {
  const waiting = Object.entries(run.steps).filter(([, s]) => s.status === 'waiting');
  return waitingOnPeople(run, waiting, approvers);
}

function waitingOnPeople(run: Run, waiting: [string, StepState][], approvers: string[]): NotAllowedError {
  const manual = waiting.filter(([, s]) => s.action === 'manual').map(([k]) => k);
  const gates = waiting.filter(([, s]) => s.action === 'approval').map(([k]) => k);
  const why: string[] = [];
  const next: string[] = [];
  if (gates.length > 0) {
    why.push(
      approvers.length
        ? `the --approve-as users (${approvers.join(', ')}) could not open ${gates.join(', ')} (see their answers above)`
        : `${gates.join(', ')} needs approvers and no --approve-as users were given`,
    );
    next.push('pass --approve-as with approvers of the gate other than the initiator');
  }
  if (manual.length > 0) {
    why.push(`manual step ${manual.join(', ')} needs an operator to confirm it`);
    next.push('pass --confirm-manual to confirm manual steps in a rehearsal');
  }
  return new NotAllowedError(`Run ${run.id} is waiting on people: ${waiting.map(([k]) => k).join(', ')}`, {
    code: 'WAITING_ON_PEOPLE',
    explanation: `The run cannot go on by itself: ${why.join('; ')}.`,
    action: `${next.join(', and ')} (sim only), or answer from Slack or \`drbot shell\`.`,
    context: { runId: run.id },
  });
}
