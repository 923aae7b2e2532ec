/** Runs the real agent script with `sh` in a temp sandbox (DRBOT_ROOT), as tests and the sim do. */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { AGENT_SCRIPT_PATH } from '../../agent/render-documents.js';

export interface AgentRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The one JSON object printed on stdout. */
  json: Record<string, unknown>;
}

export interface RunOptions {
  root: string;
  env?: Record<string, string>;
  /** Replaces PATH entirely (a restricted tool set). */
  path?: string;
  /** Prepended to PATH (fakes such as fsfreeze). */
  prependPath?: string;
}

export function runAgent(args: string[], options: RunOptions): Promise<AgentRun> {
  const path = options.path ?? [options.prependPath, process.env.PATH].filter(Boolean).join(delimiter);
  const env = {
    PATH: path,
    DRBOT_ROOT: options.root,
    DRBOT_INSTANCE_ID: 'i-0test',
    DRBOT_NOW: '1700000000',
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', [AGENT_SCRIPT_PATH, ...args], { env, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      const code = error ? (error.code as number) : 0;
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(stdout);
      } catch {
        // left empty: tests that expect JSON assert on it
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

export function sandbox(): { root: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'drbot-agent-'));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Writes an executable shell script. */
export function writeScript(path: string, body: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, tool);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** What the agent needs from a minimal system, whatever the check tools. */
const BASE_TOOLS = [
  'sh',
  'date',
  'uname',
  'mkdir',
  'mv',
  'rm',
  'cat',
  'sed',
  'awk',
  'tr',
  'sync',
  'sleep',
  'grep',
  'env',
  'cp',
  'chmod',
  'rmdir',
];

/** A PATH dir holding only the base tools plus `extra` (to test fallbacks such as wget or curl telnet). */
export function restrictedPath(root: string, extra: string[]): string {
  const dir = join(root, '.tools');
  mkdirSync(dir, { recursive: true });
  for (const tool of [...BASE_TOOLS, ...extra]) {
    const real = which(tool);
    if (real && !existsSync(join(dir, tool))) symlinkSync(real, join(dir, tool));
  }
  return dir;
}

export function hasTool(tool: string): boolean {
  return which(tool) !== undefined;
}
