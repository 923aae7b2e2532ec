/**
 * `drbot plan <mode> <runbook> [--json] [--dir runbooks]` (either order): the execution plan without acting.
 * The runbook is a metadata.name in --dir or a file path. `--json` prints the stable Plan object.
 */
import type { Command } from 'commander';
import { DrbotError } from '../../../engine/errors.js';
import { planRun, renderPlan } from '../../../engine/plan/index.js';
import { formatIssue, RunbookError } from '../../../engine/runbook/errors.js';
import { MODES } from '../../../engine/runbook/types.js';
import { findRunbook } from '../../runbooks/repository.js';
import { resolveCliPaths, runbookDirOption } from '../paths.js';
import { modeAndRunbook } from './mode-args.js';

/** Prints a DrbotError as what happened / why / what to do, and sets exit code 1. */
export function reportFailure(err: unknown): void {
  if (err instanceof RunbookError) {
    for (const issue of err.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    process.stderr.write(`${err.action}\n`);
  } else if (err instanceof DrbotError) {
    process.stderr.write(`error ${err.code}: ${err.message}\n  ${err.explanation}\n  ${err.action}\n`);
  } else {
    throw err;
  }
  process.exitCode = 1;
}

export function registerPlan(program: Command): void {
  const command = program
    .command('plan')
    .description(
      'Print what a run would do, without acting: dependency levels, critical path, gates, cleanup.',
    )
    .argument('<mode>', `which mode to plan: ${MODES.join(', ')}`)
    .argument('<runbook>', 'runbook name (metadata.name) or path to a runbook file (either order)')
    .option('--json', 'print the plan as stable, machine-readable JSON');
  runbookDirOption(command).action(
    async (first: string, second: string, options: { json?: boolean; dir?: string }) => {
      try {
        const { mode, runbook: name } = modeAndRunbook('plan', first, second);
        const runbook = await findRunbook(name, resolveCliPaths(options).runbookDir);
        if (!runbook.spec.modes[mode]) {
          const defined = MODES.filter((m) => runbook.spec.modes[m]);
          throw new DrbotError(`Runbook ${runbook.metadata.name} has no ${mode} mode.`, {
            code: 'MODE_NOT_DEFINED',
            explanation: `${runbook.file} defines: ${defined.join(', ')}.`,
            action: `Plan one of those modes, or add spec.modes.${mode} to the runbook.`,
          });
        }
        const plan = planRun(runbook, mode);
        process.stdout.write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan));
      } catch (err) {
        reportFailure(err);
        // a missing mode is a usage error, like commander's own
        if (err instanceof DrbotError && err.code === 'MODE_MISSING') process.exitCode = 2;
      }
    },
  );
}
