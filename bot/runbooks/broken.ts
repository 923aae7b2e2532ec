/**
 * Runbooks that exist on disk but do not load. Without this a runbook with a cycle was dropped
 * silently and `drill db-tier` answered "There is no runbook named db-tier": true of the loaded
 * set, false of the directory, and no help to the person who has to fix the file.
 */
import { basename, extname } from 'node:path';
import { DrbotError } from '../../engine/errors.js';
import { formatIssue, type RunbookIssue } from '../../engine/runbook/errors.js';

/** Errors grouped by file, in file order. */
export function brokenFiles(issues: readonly RunbookIssue[]): Map<string, RunbookIssue[]> {
  const files = new Map<string, RunbookIssue[]>();
  for (const issue of issues) {
    if (issue.severity !== 'error') continue;
    files.set(issue.file, [...(files.get(issue.file) ?? []), issue]);
  }
  return files;
}

/** The shell's start-up warning: each broken file, its lint errors (file:line:col), the fix. */
export function brokenRunbookLines(issues: readonly RunbookIssue[]): string[] {
  const lines: string[] = [];
  for (const [file, errors] of brokenFiles(issues)) {
    lines.push(
      `⚠ ${file} exists but does not load (${errors.length} error${errors.length === 1 ? '' : 's'}):`,
    );
    for (const issue of errors.slice(0, 5)) lines.push(`   ${formatIssue(issue)}`);
    if (errors.length > 5) lines.push(`   …and ${errors.length - 5} more: drbot lint ${file}`);
    lines.push(`   fix it, check with \`drbot lint ${file}\`, then start drbot again to load it.`);
  }
  return lines;
}

/** The refusal for a command naming a runbook whose file is broken, or undefined. */
export function brokenRunbookError(name: string, issues: readonly RunbookIssue[]): DrbotError | undefined {
  for (const [file, errors] of brokenFiles(issues)) {
    const stem = basename(file, extname(file)).toLowerCase();
    if (stem !== name.toLowerCase()) continue;
    return new DrbotError(`Runbook "${name}" exists (${file}) but does not load.`, {
      code: 'RUNBOOK_INVALID',
      explanation: `It has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors
        .slice(0, 3)
        .map((i) => formatIssue(i))
        .join('; ')}${errors.length > 3 ? '; …' : ''}`,
      action: `Fix ${file} (\`drbot lint ${file}\` lists every error), then start drbot again to load it.`,
    });
  }
  return undefined;
}
