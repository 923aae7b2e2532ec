/**
 * `drbot plan <runbook> <mode> [--json] [--dir runbooks]`: the execution plan without acting.
 * The runbook is a metadata.name in --dir or a file path. `--json` prints the stable Plan object.
 */
import { Argument, type Command } from 'commander';
import { DrbotError } from '../../../engine/errors.js';
import { planRun, renderPlan } from '../../../engine/plan/index.js';
import { formatIssue, RunbookError } from '../../../engine/runbook/errors.js';
import { MODES, type Mode } from '../../../engine/runbook/types.js';
import { DEFAULT_RUNBOOK_DIR, findRunbook } from '../../runbooks/repository.js';

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
  program
    .command('plan')
    .description(
      'Print what a run would do, without acting: dependency levels, critical path, gates, cleanup.',
    )
    .argument('<runbook>', 'runbook name (metadata.name) or path to a runbook file')
    .addArgument(new Argument('<mode>', 'which mode to plan').choices(MODES))
    .option('--json', 'print the plan as stable, machine-readable JSON')
    .option('--dir <dir>', 'directory holding the runbooks', DEFAULT_RUNBOOK_DIR)
    .action(async (name: string, mode: Mode, options: { json?: boolean; dir: string }) => {
      try {
        const runbook = await findRunbook(name, options.dir);
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
      }
    });
}
