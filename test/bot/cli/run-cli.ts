/** Spawns the real CLI (`node bin/drbot.mjs`) and captures its output and exit code. */
import { spawnSync } from 'node:child_process';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd = process.cwd()): CliResult {
  const result = spawnSync(process.execPath, ['bin/drbot.mjs', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
