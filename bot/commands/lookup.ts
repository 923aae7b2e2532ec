/**
 * Finding what a command names: a runbook by name, a run by id (or a unique part of it, since
 * nobody types 26 characters in a terminal), and the step a run is waiting on.
 */
import { NotAllowedError, NotFoundError } from '../../engine/errors.js';
import type { Run } from '../../engine/run.js';
import type { Mode, Runbook } from '../../engine/runbook/types.js';
import { type Audience, describePrincipals, joinWords, user as mention } from '../render/format.js';
import { brokenRunbookError } from '../runbooks/broken.js';
import type { BotServices } from '../services.js';

const RECENT_FOR_MATCHING = 100;

export function findRunbook(services: BotServices, name: string): Runbook {
  const runbooks = services.runbooks();
  const found =
    runbooks.get(name) ??
    [...runbooks.values()].find((r) => r.metadata.name.toLowerCase() === name.toLowerCase());
  if (found) return found;
  const broken = brokenRunbookError(name, services.runbookIssues?.() ?? []);
  if (broken) throw broken;
  const known = [...runbooks.keys()].sort();
  throw new NotFoundError(`There is no runbook named "${name}".`, {
    code: 'RUNBOOK_NOT_FOUND',
    explanation: known.length
      ? `The loaded runbooks are ${joinWords(known)}.`
      : `No runbook is loaded from ${services.runbookDir ?? 'runbooks/'}.`,
    action: known.length
      ? `Use one of those names (try \`list\`), or add ${name}.yaml to ${services.runbookDir ?? 'runbooks/'}.`
      : `Add a runbook YAML file to ${services.runbookDir ?? 'runbooks/'} and start again.`,
  });
}

/**
 * A run by exact id, `last` for the newest run, else by a unique case-insensitive prefix or
 * suffix among recent runs.
 */
export async function resolveRun(services: BotServices, text: string): Promise<Run> {
  if (text.toLowerCase() === 'last') {
    const [newest] = await services.store.listRuns({ limit: 1 });
    const run = newest ? await services.store.getRun(newest.id) : undefined;
    if (run) return run;
    throw new NotFoundError('There is no run yet.', {
      code: 'RUN_NOT_FOUND',
      explanation: '`last` names the newest run, and no run has been started.',
      action: 'Start one with `drill <runbook>`.',
    });
  }
  const exact = await services.store.getRun(text);
  if (exact) return exact;
  const needle = text.toLowerCase();
  const recent = await services.store.listRuns({ limit: RECENT_FOR_MATCHING });
  const matches = recent.filter((r) => {
    const id = r.id.toLowerCase();
    return needle.length >= 3 && (id.startsWith(needle) || id.endsWith(needle));
  });
  const only = matches.length === 1 ? matches[0] : undefined;
  if (only) {
    const run = await services.store.getRun(only.id);
    if (run) return run;
  }
  if (matches.length > 1) {
    throw new NotFoundError(`"${text}" matches ${matches.length} runs.`, {
      code: 'RUN_AMBIGUOUS',
      explanation: `It is part of the ids ${joinWords(matches.slice(0, 5).map((m) => m.id))}.`,
      action: 'Type more characters of the run id (the end of the id is the most distinctive part).',
    });
  }
  throw new NotFoundError(`There is no run "${text}".`, {
    code: 'RUN_NOT_FOUND',
    explanation: 'No run has that id, and no recent run id starts or ends with it.',
    action: 'Use `runs` to see recent run ids, or `status` for the runs in flight.',
  });
}

/** Steps of the run waiting on an approval gate. */
export function waitingGates(run: Run): string[] {
  return Object.entries(run.steps)
    .filter(([, s]) => s.status === 'waiting' && s.action === 'approval')
    .map(([key]) => key);
}

/** The approval step a person means: the given key, or the only gate the run waits on. */
export function approvalStepOf(run: Run, stepKey: string | undefined): string {
  if (stepKey !== undefined) {
    if (run.steps[stepKey]) return stepKey;
    throw new NotFoundError(`Run ${run.id} has no step "${stepKey}".`, {
      code: 'STEP_NOT_FOUND',
      explanation: `Its steps are ${joinWords(Object.keys(run.steps).slice(0, 12))}.`,
      action: `Use \`status ${run.id}\` to see which step waits for approval.`,
    });
  }
  const waiting = waitingGates(run);
  const first = waiting[0];
  if (waiting.length === 1 && first !== undefined) return first;
  if (waiting.length === 0) {
    throw new NotFoundError(`Run ${run.id} is not waiting for an approval.`, {
      code: 'NOT_WAITING',
      explanation: `The run is ${run.status}; none of its steps is waiting on an approval gate.`,
      action: `Use \`status ${run.id}\` to see where it is.`,
    });
  }
  throw new NotFoundError(`Run ${run.id} waits on ${waiting.length} approvals.`, {
    code: 'APPROVAL_AMBIGUOUS',
    explanation: `The waiting steps are ${joinWords(waiting)}.`,
    action: `Name the step: \`approve ${run.id} ${first ?? '<stepKey>'}\`.`,
  });
}

/** The refusal for a person the runbook's `access` does not allow to start `mode`. */
export function accessRefusal(
  runbook: Runbook,
  mode: Mode,
  who: string,
  audience: Audience,
): NotAllowedError {
  const allowed = runbook.spec.access[mode];
  const file = runbook.file && runbook.file !== '<inline>' ? runbook.file : `${runbook.metadata.name}.yaml`;
  return new NotAllowedError(
    `${mention(who, audience)} may not start a ${mode} of ${runbook.metadata.name}.`,
    {
      code: 'ACCESS_DENIED',
      explanation: allowed
        ? `The runbook allows ${describePrincipals(allowed, audience)} to start a ${mode}.`
        : `The runbook has no spec.access.${mode}, so nobody may start a ${mode} from chat.`,
      action: allowed
        ? `Ask one of them to run it, or ask an owner to add you to spec.access.${mode} in ${file}.`
        : `Add spec.access.${mode} to ${file} if this mode should be started from chat.`,
    },
  );
}
