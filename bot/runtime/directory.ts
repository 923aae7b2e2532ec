/**
 * A fixed user directory for local mode: `runbooks/sim/directory.yaml` maps group ids to users,
 * standing in for Slack user groups so `drbot run failover … --as alice` can be authorised.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { DrbotError } from '../../engine/errors.js';
import { canonicalUser } from '../../engine/identity.js';
import type { Directory } from '../../engine/ports.js';

export class StaticDirectory implements Directory {
  /** A Map, so a group named `constructor` or `__proto__` is a plain name, never a prototype key. */
  private readonly groups: Map<string, string[]>;

  constructor(groups: Record<string, string[]> | Map<string, string[]>) {
    const entries = groups instanceof Map ? [...groups] : Object.entries(groups);
    this.groups = new Map(entries.map(([g, users]) => [g, users.map(canonicalUser)]));
  }

  membersOf(group: string): Promise<string[]> {
    return Promise.resolve([...(this.groups.get(group) ?? [])]);
  }

  /** Every group and its members (for help texts and the shell). */
  entries(): [string, string[]][] {
    return [...this.groups].map(([g, users]) => [g, [...users]]);
  }
}

/** Parses a directory file: `groups: { S0OPS: [alice, bob] }`. */
export function parseDirectory(text: string, file: string): StaticDirectory {
  const invalid = (why: string) =>
    new DrbotError(`The local directory ${file} is invalid: ${why}`, {
      code: 'DIRECTORY_INVALID',
      explanation: 'Local mode reads user groups from this file instead of Slack.',
      action: `Fix ${file}: it must hold \`groups:\` mapping each group id to a list of user ids.`,
    });
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw invalid(err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
  const groups = (doc as { groups?: unknown } | null)?.groups;
  if (typeof groups !== 'object' || groups === null || Array.isArray(groups))
    throw invalid('no `groups` mapping');
  const parsed = new Map<string, string[]>();
  for (const [group, users] of Object.entries(groups)) {
    if (!Array.isArray(users) || !users.every((u) => typeof u === 'string')) {
      throw invalid(`group ${group} must list user ids`);
    }
    parsed.set(group, users);
  }
  return new StaticDirectory(parsed);
}

export async function loadDirectoryFile(file: string): Promise<StaticDirectory> {
  return parseDirectory(await readFile(file, 'utf8'), file);
}

/**
 * The directory of a local run: the file, or — on real infrastructure (`--provider aws`), where
 * the runbook directory need not hold the sim's files — no groups when it is missing, so
 * `access`/`approvers` given by user ids still work and group-only ones refuse with who may.
 */
export async function loadLocalDirectory(file: string, optional: boolean): Promise<StaticDirectory> {
  try {
    return await loadDirectoryFile(file);
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return new StaticDirectory({});
    throw err;
  }
}
