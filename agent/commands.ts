/**
 * Building agent commands: the SSM documents to deploy (for the AWS adapter's ensureDocuments),
 * typed builders for each document's parameters (`Record<string, string[]>`, SSM's shape), and
 * the reverse mapping document + parameters → agent argv that the simulated cloud runs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type AgentCommand,
  type AgentDocumentName,
  type DocumentSpec,
  documentSpec,
  type ParameterSpec,
} from './document-specs.js';
import { AgentParameterError } from './errors.js';
import { DOCUMENTS_DIR } from './render-documents.js';

export type { AgentCommand, AgentDocumentName } from './document-specs.js';

/** Document names by agent subcommand. */
export const AGENT_DOCUMENTS = {
  install: 'DrbotInstallAgent',
  health: 'DrbotHealth',
  mark: 'DrbotMark',
  readMark: 'DrbotReadMark',
  freeze: 'DrbotFreeze',
  thaw: 'DrbotThaw',
  postRecovery: 'DrbotPostRecovery',
} as const satisfies Record<string, AgentDocumentName>;

export interface AgentDocument {
  name: string;
  content: string;
  format: 'YAML';
}

export interface AgentDocumentsOptions {
  /** Where the `*.yaml` documents are. @default agent/documents next to this module */
  dir?: string;
}

/** Every SSM document of the agent, read from disk, in name order. */
export function agentDocuments(options: AgentDocumentsOptions = {}): AgentDocument[] {
  // Next to this module in the source tree; in a bundled Lambda the module has moved, and the
  // documents ship at agent/documents under the task root (the working directory).
  const dir = options.dir ?? (existsSync(DOCUMENTS_DIR) ? DOCUMENTS_DIR : resolve('agent/documents'));
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => ({
      name: file.slice(0, -'.yaml'.length),
      content: readFileSync(join(dir, file), 'utf8'),
      format: 'YAML' as const,
    }));
}

function badParameter(document: string, param: string, value: string, why: string): AgentParameterError {
  return new AgentParameterError(`${document} parameter ${param} cannot carry ${JSON.stringify(value)}`, {
    code: 'AGENT_BAD_PARAMETER',
    explanation: `${why} Document parameters are space-separated lists passed through SSM, and they never carry quotes, $, backticks or backslashes so no shell can misread them.`,
    action: 'Fix the value in the runbook step input (encode spaces in URLs as %20).',
  });
}

function encodeParameter(document: AgentDocumentName, param: ParameterSpec, values: string[]): string {
  for (const value of values) {
    if (value === '') throw badParameter(document, param.name, value, 'The value is empty.');
    if (param.kind === 'list' && /\s/.test(value))
      throw badParameter(document, param.name, value, 'List values cannot contain whitespace.');
  }
  const encoded = values.join(' ');
  if (!new RegExp(param.allowedPattern).test(encoded))
    throw badParameter(document, param.name, encoded, `It does not match ${param.allowedPattern}.`);
  return encoded;
}

/** Builds SSM parameters from option values; empty values are left out (the document default). */
function build(
  document: AgentDocumentName,
  values: Record<string, string[] | string | number | undefined>,
): Record<string, string[]> {
  const spec = documentSpec(document) as DocumentSpec;
  const out: Record<string, string[]> = {};
  for (const param of spec.parameters) {
    const raw = values[param.name];
    if (raw === undefined) continue;
    const list = Array.isArray(raw) ? raw : [String(raw)];
    if (list.length === 0) continue;
    out[param.name] = [encodeParameter(document, param, list)];
  }
  return out;
}

export interface HealthOptions {
  /** URLs that must answer 2xx/3xx. */
  http?: string[];
  /** `HOST:PORT` pairs that must accept a connection. */
  tcp?: string[];
  /** Process names that must run. */
  process?: string[];
  /** Seconds per check. @default 5 (the agent's default) */
  timeoutS?: number;
}

export function healthParameters(options: HealthOptions): Record<string, string[]> {
  const timeout =
    options.timeoutS === undefined ? undefined : Math.min(300, Math.max(1, Math.ceil(options.timeoutS)));
  return build(AGENT_DOCUMENTS.health, { ...options, timeout });
}

export interface DirsOptions {
  /** Mount points / directories; empty means the agent's configured default dirs. */
  dirs?: string[];
}

export function markParameters(options: DirsOptions = {}): Record<string, string[]> {
  return build(AGENT_DOCUMENTS.mark, { ...options });
}

export function readMarkParameters(options: DirsOptions = {}): Record<string, string[]> {
  return build(AGENT_DOCUMENTS.readMark, { ...options });
}

export interface FreezeOptions extends DirsOptions {
  /** The watchdog thaws after this many seconds. @default 30 (the agent's default) */
  maxSeconds?: number;
}

export function freezeParameters(options: FreezeOptions = {}): Record<string, string[]> {
  const max =
    options.maxSeconds === undefined ? undefined : Math.min(3600, Math.max(1, Math.ceil(options.maxSeconds)));
  return build(AGENT_DOCUMENTS.freeze, { dirs: options.dirs, maxSeconds: max });
}

export function thawParameters(options: DirsOptions = {}): Record<string, string[]> {
  return build(AGENT_DOCUMENTS.thaw, { ...options });
}

export interface PostRecoveryOptions {
  /** Written to /etc/drbot/recovered.env and given to the post-recovery hooks. */
  env: Record<string, string>;
}

export function postRecoveryParameters(options: PostRecoveryOptions): Record<string, string[]> {
  const pairs = Object.entries(options.env).map(([key, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw badParameter('DrbotPostRecovery', 'env', key, 'Keys must be shell variable names.');
    return `${key}=${value}`;
  });
  return build(AGENT_DOCUMENTS.postRecovery, { env: pairs });
}

export interface InstallOptions extends DirsOptions {
  /** @default auto (systemd when present, else cron) */
  scheduler?: 'auto' | 'systemd' | 'cron' | 'none';
}

export function installParameters(options: InstallOptions = {}): Record<string, string[]> {
  return build(AGENT_DOCUMENTS.install, { ...options });
}

export interface AgentInvocationArgs {
  subcommand: AgentCommand;
  /** Options after the subcommand, exactly as the document's shell builds them. */
  args: string[];
}

/**
 * The agent command line a document runs with these parameters: the same mapping the rendered
 * document performs in shell (lists split at whitespace, values passed when non-empty). Throws
 * AgentParameterError for an unknown document or a parameter SSM would reject.
 */
export function agentArgs(document: string, parameters: Record<string, string[]>): AgentInvocationArgs {
  const spec = documentSpec(document);
  if (!spec) {
    throw new AgentParameterError(`${document} is not a drbot agent document`, {
      code: 'AGENT_UNKNOWN_DOCUMENT',
      explanation: 'Only the Drbot* documents in agent/documents run the agent.',
      action:
        'Use one of DrbotInstallAgent, DrbotHealth, DrbotMark, DrbotReadMark, DrbotFreeze, DrbotThaw, DrbotPostRecovery.',
    });
  }
  const known = new Set(spec.parameters.map((p) => p.name));
  for (const name of Object.keys(parameters)) {
    if (!known.has(name)) {
      throw new AgentParameterError(`${spec.name} has no parameter ${name}`, {
        code: 'AGENT_BAD_PARAMETER',
        explanation: `Its parameters are ${[...known].join(', ')}; SSM rejects any other.`,
        action: 'Fix the parameter name in the runbook step (see agent/documents).',
      });
    }
  }
  const args: string[] = [];
  for (const param of spec.parameters) {
    const values = parameters[param.name] ?? [];
    if (values.length > 1)
      throw badParameter(
        spec.name,
        param.name,
        values.join(','),
        'String parameters take exactly one value.',
      );
    const value = values[0] ?? '';
    if (!new RegExp(param.allowedPattern).test(value))
      throw badParameter(spec.name, param.name, value, `It does not match ${param.allowedPattern}.`);
    if (param.kind === 'list') {
      for (const item of value.split(/\s+/)) if (item !== '') args.push(param.flag, item);
    } else if (value !== '') {
      args.push(param.flag, value);
    }
  }
  return { subcommand: spec.subcommand, args };
}
