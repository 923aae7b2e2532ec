/**
 * `drbot shell` (`npm start`): terminal chat on the embedded store and the simulated cloud, with
 * the same commands as Slack's `/dr`. Pipe a script into it to run it unattended.
 */
import type { Command } from 'commander';
import { runShell } from '../../shell/run-shell.js';

interface ShellFlags {
  dataDir: string;
  dir: string;
  as: string;
  memory?: boolean;
  latencyScale: string;
  wait: boolean;
  schedules: boolean;
}

export function registerShell(program: Command): void {
  program
    .command('shell')
    .description(
      'Terminal chat on the embedded store and the simulated cloud: the same commands as Slack /dr.',
    )
    .option(
      '--data-dir <dir>',
      'where the embedded store keeps runs (env DRBOT_DATA_DIR)',
      process.env.DRBOT_DATA_DIR ?? '.drbot',
    )
    .option('--dir <dir>', 'directory holding the runbooks', 'runbooks')
    .option('--as <user>', 'who you are at start (switch later with /as <user>)', 'alice')
    .option('--memory', 'keep nothing on disk (runs do not survive quitting)')
    .option('--latency-scale <n>', 'multiply the simulated cloud latencies (smaller is faster)', '0.1')
    .option('--no-wait', 'when input ends, exit at once instead of waiting for runs in flight')
    .option('--no-schedules', "do not run the runbooks' schedule entries (croner) while the shell is open")
    .addHelpText(
      'after',
      '\nExamples:\n  npm start\n  printf "drill app-tier\\nwait\\nstatus\\n" | drbot shell --data-dir /tmp/drbot\n' +
        '\nEnvironment: DRBOT_STALE_DAYS (days without a successful drill before `list` flags a runbook, default 14).',
    )
    .action(async (flags: ShellFlags) => {
      const latencyScale = Number(flags.latencyScale);
      if (!Number.isFinite(latencyScale) || latencyScale < 0) {
        process.stderr.write(`error: --latency-scale ${flags.latencyScale} is not a number ≥ 0 (e.g. 0.1)\n`);
        process.exitCode = 2;
        return;
      }
      process.exitCode = await runShell({
        input: process.stdin,
        output: process.stdout,
        dataDir: flags.dataDir,
        runbooksDir: flags.dir,
        user: flags.as,
        latencyScale,
        waitAtEnd: flags.wait,
        schedules: flags.schedules,
        ...(flags.memory ? { inMemory: true } : {}),
      });
    });
}
