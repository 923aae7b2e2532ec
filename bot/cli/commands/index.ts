import type { Command } from 'commander';

/** Every subcommand registers itself here; keep one file per command. */
export function registerCommands(program: Command): void {
  program
    .command('shell')
    .description('Terminal chat on the embedded store and the simulated cloud (coming with the bot issue).')
    .action(() => {
      program.outputHelp();
    });
}
