/**
 * Parses and validates the ONE JSON object each agent subcommand prints. Anything else (no
 * output, a shell error, truncated SSM output, a different command's object) is an
 * AgentOutputError that says what was seen and what to check.
 */
import type { AgentCommand } from './document-specs.js';
import { AgentOutputError } from './errors.js';
import { type Shape, validate } from './output-shape.js';

export interface AgentErrorInfo {
  /** `usage`, `environment`, `not-installed`, `no-marker`, `hook-failed`, `fsfreeze-failed` … */
  code: string;
  message: string;
}

interface Base {
  ok: boolean;
  agentVersion?: string;
  error?: AgentErrorInfo;
}

export interface HealthCheckResult {
  kind: 'http' | 'tcp' | 'process';
  target: string;
  ok: boolean;
  latencyMs: number;
  detail: string;
}

export interface HealthResult extends Base {
  command: 'health';
  time: number;
  instanceId: string;
  failed: number;
  checks: HealthCheckResult[];
}

export interface RpoMarker {
  format: 'drbot-rpo-marker/v1';
  /** Epoch seconds. */
  time: number;
  timeIso: string;
  seq: number;
  host: string;
  instanceId: string;
}

export interface MarkResult extends Base {
  command: 'mark';
  time: number;
  marker: RpoMarker;
  dirs: { dir: string; ok: boolean; error?: string }[];
}

export interface ReadMarkResult extends Base {
  command: 'read-mark';
  time: number;
  /** The newest marker, or null when none was found (ok false, exit 1). */
  marker: RpoMarker | null;
  dir: string | null;
  dirs: { dir: string; status: 'found' | 'missing' | 'invalid'; time?: number; seq?: number }[];
}

export interface HookResult {
  hook: string;
  exitCode: number;
}

export interface FreezeResult extends Base {
  command: 'freeze';
  time: number;
  dirs: string[];
  maxSeconds: number;
  frozen?: string[];
  watchdogPid?: number;
  /** Epoch seconds by which the watchdog thaws. */
  thawBy?: number;
  hooks?: HookResult[];
}

export interface ThawResult extends Base {
  command: 'thaw';
  time: number;
  thawed: string[];
  failed: string[];
  watchdog: 'stopped' | 'none' | 'self';
  hooks: HookResult[];
}

export interface PostRecoveryResult extends Base {
  command: 'post-recovery';
  time: number;
  envFile: string;
  keys: string[];
  hooks: HookResult[];
}

export interface InstallResult extends Base {
  command: 'install';
  time: number;
  path: string;
  scheduler: 'systemd' | 'cron' | 'none';
  activated: boolean;
  dirs: string[];
}

export interface VersionResult extends Base {
  command: 'version';
  version: string;
}

export interface AgentResults {
  health: HealthResult;
  mark: MarkResult;
  'read-mark': ReadMarkResult;
  freeze: FreezeResult;
  thaw: ThawResult;
  'post-recovery': PostRecoveryResult;
  install: InstallResult;
  version: VersionResult;
}

/** What the agent (or a document) prints when it could not run the command at all. */
export interface AgentFailure {
  command: string;
  ok: false;
  agentVersion?: string;
  error: AgentErrorInfo & { code: 'usage' | 'environment' | 'not-installed' };
}

export type AgentOutcome<C extends AgentCommand> = AgentResults[C] | AgentFailure;

const FAILURE_CODES = new Set(['usage', 'environment', 'not-installed']);

export function isAgentFailure(output: { ok: boolean; error?: AgentErrorInfo }): output is AgentFailure {
  return output.ok === false && output.error !== undefined && FAILURE_CODES.has(output.error.code);
}

const str: Shape = 'string';
const num: Shape = 'number';
const bool: Shape = 'boolean';
const strings: Shape = [str];
const errorShape: Shape = { code: str, message: str };
const hooks: Shape = [{ hook: str, exitCode: num }];
const marker: Shape = { format: str, time: num, timeIso: str, seq: num, host: str, instanceId: str };
const base = { ok: bool, 'agentVersion?': str, 'error?': errorShape };

const SHAPES: Record<AgentCommand, Shape> = {
  health: {
    ...base,
    time: num,
    instanceId: str,
    failed: num,
    checks: [
      { kind: { oneOf: ['http', 'tcp', 'process'] }, target: str, ok: bool, latencyMs: num, detail: str },
    ],
  },
  mark: { ...base, time: num, marker, dirs: [{ dir: str, ok: bool, 'error?': str }] },
  'read-mark': {
    ...base,
    time: num,
    marker: { nullable: marker },
    dir: { nullable: str },
    dirs: [{ dir: str, status: { oneOf: ['found', 'missing', 'invalid'] }, 'time?': num, 'seq?': num }],
  },
  freeze: {
    ...base,
    time: num,
    dirs: strings,
    maxSeconds: num,
    'frozen?': strings,
    'watchdogPid?': num,
    'thawBy?': num,
    'hooks?': hooks,
  },
  thaw: {
    ...base,
    time: num,
    thawed: strings,
    failed: strings,
    watchdog: { oneOf: ['stopped', 'none', 'self'] },
    hooks,
  },
  'post-recovery': { ...base, time: num, envFile: str, keys: strings, hooks },
  install: {
    ...base,
    time: num,
    path: str,
    scheduler: { oneOf: ['systemd', 'cron', 'none'] },
    activated: bool,
    dirs: strings,
  },
  version: { ...base, version: str },
};

function garbage(command: string, stdout: string, why: string): AgentOutputError {
  const excerpt = stdout.length > 200 ? `${stdout.slice(0, 200)}…` : stdout;
  return new AgentOutputError(`drbot-agent ${command} printed unusable output: ${why}`, {
    code: 'AGENT_BAD_OUTPUT',
    explanation: `Each agent command prints one JSON object; got ${excerpt ? JSON.stringify(excerpt) : 'nothing'}. The agent may be missing or outdated, a shell error may have replaced its output, or SSM truncated it.`,
    action:
      'Run the agent.install step (or `drbot-agent version` on the instance) and check the invocation stderr in the SSM console.',
  });
}

/** The JSON object in `stdout`: its last line that starts with `{` (earlier lines are noise). */
function lastJsonObject(command: string, stdout: string): Record<string, unknown> {
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'));
  const line = lines.at(-1);
  if (line === undefined) throw garbage(command, stdout, 'no JSON object');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw garbage(command, stdout, `invalid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw garbage(command, stdout, 'not a JSON object');
  return value as Record<string, unknown>;
}

/**
 * Parses the output of `drbot-agent <command>`. Returns the typed result, or an AgentFailure
 * when the agent refused (usage), lacked something (environment) or is not installed.
 */
export function parseAgentOutput<C extends AgentCommand>(command: C, stdout: string): AgentOutcome<C> {
  const value = lastJsonObject(command, stdout);
  if (value.command !== command && !(value.ok === false && value.command === ''))
    throw garbage(command, stdout, `it answers command ${JSON.stringify(value.command)}`);
  const failure = validate(value, { command: str, ok: bool, 'agentVersion?': str, error: errorShape });
  if (failure === undefined && value.ok === false) {
    const error = value.error as AgentErrorInfo;
    if (FAILURE_CODES.has(error.code)) return value as unknown as AgentFailure;
  }
  const problem = validate(value, SHAPES[command]);
  if (problem !== undefined) throw garbage(command, stdout, problem);
  return value as unknown as AgentResults[C];
}
