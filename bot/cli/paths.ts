/**
 * Where every CLI command finds its runbooks and its embedded store, resolved once per command
 * the same way: the flag (`--dir`, `--data-dir`), else the environment (`DRBOT_RUNBOOK_DIR`,
 * `DRBOT_DATA_DIR`), else the default (`runbooks`, `.drbot`). `drbot shell` and `drbot serve`
 * read the same variables through bot/config.ts. Flags carry no commander default, so an unset
 * flag falls through to the environment at the time the command runs.
 */
import type { Command } from 'commander';
import { DEFAULT_RUNBOOK_DIR } from '../runbooks/repository.js';

export const DEFAULT_DATA_DIR = '.drbot';

export interface CliPaths {
  /** The embedded store's directory. */
  dataDir: string;
  /** The runbook directory (with `sim/world.yaml` and `sim/directory.yaml` for the sim). */
  runbookDir: string;
}

export interface PathFlags {
  dataDir?: string;
  dir?: string;
}

function value(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

export function resolveCliPaths(flags: PathFlags = {}, env: NodeJS.ProcessEnv = process.env): CliPaths {
  return {
    dataDir: value(flags.dataDir) ?? value(env.DRBOT_DATA_DIR) ?? DEFAULT_DATA_DIR,
    runbookDir: value(flags.dir) ?? value(env.DRBOT_RUNBOOK_DIR) ?? DEFAULT_RUNBOOK_DIR,
  };
}

/** `--data-dir`, documented with its variable and default. */
export function dataDirOption(command: Command): Command {
  return command.option(
    '--data-dir <dir>',
    `where the embedded store keeps its files (env DRBOT_DATA_DIR, default ${DEFAULT_DATA_DIR})`,
  );
}

/** `--dir`, documented with its variable and default. */
export function runbookDirOption(command: Command): Command {
  return command.option(
    '--dir <dir>',
    `runbook directory (env DRBOT_RUNBOOK_DIR, default ${DEFAULT_RUNBOOK_DIR})`,
  );
}
