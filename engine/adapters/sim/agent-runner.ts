/**
 * Runs the real agent script for the simulated cloud: a `Drbot*` document + parameters become
 * the same agent command line the SSM document builds, executed with `sh` against the instance's
 * sandbox directory. So RPO markers are real files that travel with the sim's recovery points,
 * and a local drill measures real data loss.
 *
 * The agent runs with DRBOT_ROOT=<instance dir> (every absolute path lands in the sandbox),
 * DRBOT_NOW=<sim time in s>, DRBOT_INSTANCE_ID=<instance id> and DRBOT_SIM=1 (health answers from
 * `etc/drbot/sim-health`, fsfreeze and the metadata service are never touched).
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { agentArgs } from '../../../agent/commands.js';
import { AgentError } from '../../../agent/errors.js';
import { AGENT_SCRIPT_PATH } from '../../../agent/render-documents.js';
import type { AgentInvocation, AgentOutput, AgentRunner } from './types.js';

export interface ScriptAgentRunnerOptions {
  /** The agent script. @default agent/drbot-agent */
  script?: string;
  /** The shell that runs it. @default sh */
  shell?: string;
  /**
   * Data dir given to commands whose `dirs` parameter is empty, created in the sandbox when
   * missing. @default /data
   */
  defaultDir?: string;
  /** Kill the agent after this long (real time). @default 60000 */
  timeoutMs?: number;
}

/** Subcommands that take `--dir` and get `defaultDir` when the runbook names none. */
const DIR_COMMANDS = new Set(['mark', 'read-mark', 'freeze', 'thaw', 'install']);

/** sim-health: a line "http * down" etc. makes checks fail; see agent/drbot-agent. */
export const SIM_HEALTH_FILE = 'etc/drbot/sim-health';

export function createScriptAgentRunner(options: ScriptAgentRunnerOptions = {}): AgentRunner {
  const script = options.script ?? AGENT_SCRIPT_PATH;
  const shell = options.shell ?? 'sh';
  const defaultDir = options.defaultDir ?? '/data';
  const timeoutMs = options.timeoutMs ?? 60_000;

  return async (invocation: AgentInvocation): Promise<AgentOutput> => {
    let command: ReturnType<typeof agentArgs>;
    try {
      command = agentArgs(invocation.document, invocation.parameters);
    } catch (err) {
      // SSM rejects such a command; for one instance of the sim it is a failed invocation
      const message = err instanceof AgentError ? `${err.message}: ${err.explanation}` : String(err);
      return { exitCode: 2, stdout: '', stderr: message };
    }
    const args = [...command.args];
    // Absolute: the script runs with the sandbox as its cwd, where a relative root would not resolve.
    const instanceDir = resolvePath(invocation.instanceDir);
    mkdirSync(instanceDir, { recursive: true });
    if (DIR_COMMANDS.has(command.subcommand) && !args.includes('--dir')) {
      mkdirSync(join(instanceDir, defaultDir), { recursive: true });
      // thaw without dirs means "what freeze froze": keep that meaning
      if (command.subcommand !== 'thaw') args.push('--dir', defaultDir);
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LC_ALL: 'C',
      DRBOT_ROOT: instanceDir,
      DRBOT_NOW: String(Math.floor(invocation.now / 1000)),
      DRBOT_INSTANCE_ID: invocation.instanceId,
      DRBOT_SIM: '1',
    };
    return new Promise<AgentOutput>((resolve) => {
      execFile(
        shell,
        [script, command.subcommand, ...args],
        { env, cwd: instanceDir, timeout: timeoutMs, maxBuffer: 1024 * 1024 },
        (error, stdout, stderr) => {
          if (!error) return resolve({ exitCode: 0, stdout, stderr });
          if (typeof error.code !== 'number') {
            // killed on timeout, or the shell could not start at all
            const why = error.killed ? `drbot-agent killed after ${timeoutMs} ms` : error.message;
            return resolve({ exitCode: 1, stdout, stderr: `${stderr}${why}` });
          }
          resolve({ exitCode: error.code, stdout, stderr });
        },
      );
    });
  };
}
