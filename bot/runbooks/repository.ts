/**
 * Runbooks on disk: loads every `*.yaml`/`*.yml` directly in a directory (not sub-directories such
 * as runbooks/sim, which hold the simulated world), and finds a runbook by name or path.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '../../engine/errors.js';
import { RunbookError, type RunbookIssue } from '../../engine/runbook/errors.js';
import { checkRunbook, type LoadOptions } from '../../engine/runbook/load.js';
import { parseSource } from '../../engine/runbook/source.js';
import type { Runbook } from '../../engine/runbook/types.js';

export interface LoadedRunbooks {
  /** Valid runbooks by metadata.name. */
  runbooks: Map<string, Runbook>;
  /** Every error and warning of every file, in file order. */
  issues: RunbookIssue[];
}

const RUNBOOK_FILE = /\.ya?ml$/i;
/** The default runbook directory, relative to the working directory. */
export const DEFAULT_RUNBOOK_DIR = 'runbooks';

/** Loads every runbook file directly in `dir`; also reports two files declaring the same name. */
export async function loadRunbookDir(
  dir = DEFAULT_RUNBOOK_DIR,
  options: LoadOptions = {},
): Promise<LoadedRunbooks> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries
      .filter((entry) => entry.isFile() && RUNBOOK_FILE.test(entry.name))
      .map((entry) => entry.name);
  } catch (err) {
    return { runbooks: new Map(), issues: [readIssue(dir, err)] };
  }
  const result: LoadedRunbooks = { runbooks: new Map(), issues: [] };
  for (const name of names.sort()) await addFile(join(dir, name), result, options);
  return result;
}

/** A file loads that one runbook; a directory loads like `loadRunbookDir`. */
export async function loadRunbookPath(path: string, options: LoadOptions = {}): Promise<LoadedRunbooks> {
  try {
    if ((await stat(path)).isDirectory()) return await loadRunbookDir(path, options);
  } catch (err) {
    return { runbooks: new Map(), issues: [readIssue(path, err)] };
  }
  const result: LoadedRunbooks = { runbooks: new Map(), issues: [] };
  await addFile(path, result, options);
  return result;
}

/** Loads one runbook file; throws RunbookError (with every issue) when it has errors. */
export async function loadRunbookFile(path: string, options: LoadOptions = {}): Promise<Runbook> {
  const { runbooks, issues } = await loadRunbookPath(path, options);
  const [runbook] = runbooks.values();
  if (!runbook || issues.some((issue) => issue.severity === 'error')) throw new RunbookError(path, issues);
  return runbook;
}

/**
 * Finds a runbook by metadata.name in `dir`, or by file path (anything containing `/` or ending
 * in .yaml/.yml). Throws NotFoundError listing the known runbooks, or RunbookError when invalid.
 */
export async function findRunbook(
  nameOrPath: string,
  dir = DEFAULT_RUNBOOK_DIR,
  options: LoadOptions = {},
): Promise<Runbook> {
  if (nameOrPath.includes('/') || RUNBOOK_FILE.test(nameOrPath)) return loadRunbookFile(nameOrPath, options);
  const { runbooks, issues } = await loadRunbookDir(dir, options);
  const found = runbooks.get(nameOrPath);
  if (found) return found;
  const broken = issues.filter((issue) => issue.severity === 'error' && issue.file.includes(nameOrPath));
  if (broken.length > 0) throw new RunbookError(broken[0]?.file ?? nameOrPath, broken);
  const known = [...runbooks.keys()].sort();
  throw new NotFoundError(`No runbook named "${nameOrPath}" in ${dir}/.`, {
    code: 'RUNBOOK_NOT_FOUND',
    explanation: known.length
      ? `The runbooks in ${dir}/ are: ${known.join(', ')}.`
      : `${dir}/ holds no valid runbook (*.yaml with metadata.name).`,
    action: `Use one of those names, pass a file path, or point --dir at the directory holding "${nameOrPath}".`,
  });
}

async function addFile(file: string, result: LoadedRunbooks, options: LoadOptions): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    result.issues.push(readIssue(file, err));
    return;
  }
  const checked = checkRunbook(text, file, options);
  result.issues.push(...checked.issues);
  const runbook = checked.runbook;
  if (!runbook) return;
  const earlier = result.runbooks.get(runbook.metadata.name);
  if (earlier) {
    const at = parseSource(text, file).source.locate(['metadata', 'name']);
    result.issues.push({
      file,
      ...at,
      path: 'metadata.name',
      code: 'DUPLICATE_RUNBOOK_NAME',
      message: `runbook name "${runbook.metadata.name}" is also used by ${earlier.file}`,
      hint: 'runbook names must be unique: rename one of them',
      severity: 'error',
    });
    return;
  }
  result.runbooks.set(runbook.metadata.name, runbook);
}

function readIssue(file: string, err: unknown): RunbookIssue {
  const code = (err as { code?: string }).code;
  return {
    file,
    line: 1,
    col: 1,
    path: '',
    code: 'READ_FAILED',
    message:
      code === 'ENOENT'
        ? 'no such file or directory'
        : `cannot read: ${err instanceof Error ? err.message : String(err)}`,
    hint: 'check the path (runbooks live in runbooks/*.yaml)',
    severity: 'error',
  };
}
