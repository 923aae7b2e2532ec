/**
 * The `drbot` CLI. Each subcommand lives in its own file under commands/ and registers itself.
 * Unknown commands or arguments print usage and exit 2; failures exit 1.
 */
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('drbot')
    .description(
      'Disaster-recovery runbooks: drills, failover and failback, with two-person CUTOVER approval.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run `drbot --help` for usage)')
    .exitOverride();
  registerCommands(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; usage errors exit 2 (commander reports them as exit code 1)
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    throw err;
  }
}

await main(process.argv);
